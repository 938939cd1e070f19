import type { Db, Tx } from '../../db/database';
import type { MemberRole, MemberStatus } from '../../db/types';

export interface DirectoryFilter {
  /** Null: every branch. */
  readonly branchIds: readonly string[] | null;
  readonly role?: MemberRole;
  /** Absent: everyone but the erased (nothing of them is left to show). */
  readonly status?: MemberStatus;
  /** Part of the name, or (digits only) part of the phone. */
  readonly q?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface DirectoryRow {
  readonly id: string;
  readonly fullName: string | null;
  readonly phone: string | null;
  readonly role: MemberRole;
  readonly status: MemberStatus;
  readonly branchId: string | null;
  readonly isCollaborator: boolean;
  readonly isTheoryClub: boolean;
  readonly isBranchSecretary: boolean;
  readonly verifiedAt: Date | null;
  /** A cadre declined the registration: it waits for staff, not for the branch. */
  readonly registrationDeclinedAt: Date | null;
  readonly createdAt: Date;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A page of members, by name. */
export async function listDirectoryMembers(db: Db | Tx, filter: DirectoryFilter): Promise<{ total: number; rows: DirectoryRow[] }> {
  if (filter.branchIds !== null && filter.branchIds.length === 0) return { total: 0, rows: [] };
  let query = db.selectFrom('members');
  if (filter.branchIds !== null) query = query.where('branch_id', 'in', [...filter.branchIds]);
  if (filter.role !== undefined) query = query.where('role', '=', filter.role);
  query = filter.status !== undefined ? query.where('status', '=', filter.status) : query.where('status', '<>', 'erased');
  const q = filter.q?.trim();
  if (q) {
    const digits = q.replace(/[\s.+-]/g, '');
    query = /^\d{3,}$/.test(digits)
      ? query.where('phone', 'like', `%${digits.startsWith('0') ? digits.slice(1) : digits}%`)
      : query.where('full_name', 'ilike', `%${escapeLike(q.normalize('NFC'))}%`);
  }
  const [{ n }, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    query
      .select(['id', 'full_name', 'phone', 'role', 'status', 'branch_id', 'is_collaborator', 'is_theory_club', 'is_branch_secretary', 'verified_at', 'registration_declined_at', 'created_at'])
      .orderBy('full_name')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  return {
    total: Number(n),
    rows: rows.map((r) => ({
      id: r.id, fullName: r.full_name, phone: r.phone, role: r.role, status: r.status, branchId: r.branch_id,
      isCollaborator: r.is_collaborator, isTheoryClub: r.is_theory_club, isBranchSecretary: r.is_branch_secretary, verifiedAt: r.verified_at, registrationDeclinedAt: r.registration_declined_at, createdAt: r.created_at,
    })),
  };
}

import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { MemberRole, MembersTable, MemberSource, MemberStatus } from '../../db/types';

export interface MemberRecord {
  readonly id: string;
  readonly fullName: string | null;
  readonly phone: string | null;
  readonly role: MemberRole;
  readonly branchId: string | null;
  readonly isCollaborator: boolean;
  readonly isTheoryClub: boolean;
  readonly isBranchSecretary: boolean;
  readonly status: MemberStatus;
  readonly source: MemberSource;
  readonly verifiedBy: 'roster' | 'cadre' | 'staff' | null;
  readonly verifiedAt: Date | null;
}

/** Everything the roster sets on a member, new or existing. */
export interface RosterMemberFields {
  readonly fullName: string;
  readonly phone: string;
  readonly role: MemberRole;
  readonly branchId: string;
  readonly isCollaborator: boolean;
  readonly isTheoryClub: boolean;
  /** The branch secretary (bí thư): gets the names of cadres nudged twice in vain. */
  readonly isBranchSecretary: boolean;
  readonly status: MemberStatus;
  readonly verifiedBy: 'roster' | 'cadre' | 'staff';
  readonly verifiedAt: Date;
}

// Keeps each statement well under PostgreSQL's 65,535 bind parameters.
const BATCH = 1_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

const MEMBER_COLUMNS = ['id', 'full_name', 'phone', 'role', 'branch_id', 'is_collaborator', 'is_theory_club', 'is_branch_secretary', 'status', 'source', 'verified_by', 'verified_at'] as const;

type MemberRow = Pick<Selectable<MembersTable>, (typeof MEMBER_COLUMNS)[number]>;

function memberOf(r: MemberRow): MemberRecord {
  return {
    id: r.id,
    fullName: r.full_name,
    phone: r.phone,
    role: r.role,
    branchId: r.branch_id,
    isCollaborator: r.is_collaborator,
    isTheoryClub: r.is_theory_club,
    isBranchSecretary: r.is_branch_secretary,
    status: r.status,
    source: r.source,
    verifiedBy: r.verified_by,
    verifiedAt: r.verified_at,
  };
}

export async function findMembersByPhones(db: Db | Tx, phones: readonly string[]): Promise<MemberRecord[]> {
  if (phones.length === 0) return [];
  const rows = await db
    .selectFrom('members')
    .select([...MEMBER_COLUMNS])
    .where(sql<boolean>`phone = any(${[...phones]}::text[])`)
    .execute();
  return rows.map(memberOf);
}

export async function findMemberById(db: Db | Tx, memberId: string): Promise<MemberRecord | undefined> {
  const row = await db.selectFrom('members').select([...MEMBER_COLUMNS]).where('id', '=', memberId).executeTakeFirst();
  return row ? memberOf(row) : undefined;
}

/**
 * Inserts roster members. A phone that someone registered in the meantime is not inserted twice;
 * returns how many rows were inserted so the caller can tell.
 */
export async function insertRosterMembers(db: Db, members: readonly RosterMemberFields[]): Promise<number> {
  let inserted = 0;
  for (const batch of chunks(members)) {
    const rows = await db
      .insertInto('members')
      .values(
        batch.map((m) => ({
          full_name: m.fullName,
          phone: m.phone,
          role: m.role,
          branch_id: m.branchId,
          is_collaborator: m.isCollaborator,
          is_theory_club: m.isTheoryClub,
          is_branch_secretary: m.isBranchSecretary,
          status: m.status,
          source: 'roster' as const,
          verified_by: m.verifiedBy,
          verified_at: m.verifiedAt,
        })),
      )
      .onConflict((oc) => oc.column('phone').where('phone', 'is not', null).doNothing())
      .returning('id')
      .execute();
    inserted += rows.length;
  }
  return inserted;
}

/** Overwrites the roster fields of existing members (by id), a batch per statement. */
export async function updateRosterMembers(db: Db, members: readonly (RosterMemberFields & { readonly id: string })[]): Promise<void> {
  for (const batch of chunks(members)) {
    await sql`
      update members m set
        full_name = v.full_name, phone = v.phone, role = v.role, branch_id = v.branch_id,
        is_collaborator = v.is_collaborator, is_theory_club = v.is_theory_club, is_branch_secretary = v.is_branch_secretary,
        status = v.status, verified_by = v.verified_by, verified_at = v.verified_at,
        unmatched_branch_note = null, updated_at = now()
      from unnest(
        ${batch.map((m) => m.id)}::uuid[], ${batch.map((m) => m.fullName)}::text[], ${batch.map((m) => m.phone)}::text[],
        ${batch.map((m) => m.role)}::text[], ${batch.map((m) => m.branchId)}::uuid[],
        ${batch.map((m) => m.isCollaborator)}::boolean[], ${batch.map((m) => m.isTheoryClub)}::boolean[], ${batch.map((m) => m.isBranchSecretary)}::boolean[],
        ${batch.map((m) => m.status)}::text[], ${batch.map((m) => m.verifiedBy)}::text[], ${batch.map((m) => m.verifiedAt)}::timestamptz[]
      ) as v(id, full_name, phone, role, branch_id, is_collaborator, is_theory_club, is_branch_secretary, status, verified_by, verified_at)
      where m.id = v.id`.execute(db);
  }
}

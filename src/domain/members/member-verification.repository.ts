import { sql, type ExpressionBuilder } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { Database, MemberRole } from '../../db/types';

/** A registration waiting for a cadre of its branch. */
export interface PendingRegistration {
  readonly memberId: string;
  readonly fullName: string;
  readonly role: MemberRole;
  readonly phone: string | null;
  readonly registeredAt: Date;
}

function branchQueue(db: Db | Tx, branchId: string) {
  return db
    .selectFrom('members')
    .where('branch_id', '=', branchId)
    .where('status', '=', 'pending')
    .where('registration_declined_at', 'is', null)
    .where('full_name', 'is not', null);
}

export async function countPendingRegistrations(db: Db | Tx, branchId: string): Promise<number> {
  const row = await branchQueue(db, branchId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The oldest registration of the branch still waiting, leaving out those skipped in this sitting. */
export async function nextPendingRegistration(db: Db | Tx, branchId: string, skipped: readonly string[]): Promise<PendingRegistration | undefined> {
  let query = branchQueue(db, branchId).select(['id', 'full_name', 'role', 'phone', 'created_at']).orderBy('created_at').orderBy('id').limit(1);
  if (skipped.length > 0) query = query.where(sql<boolean>`not (id = any(${[...skipped]}::uuid[]))`);
  const row = await query.executeTakeFirst();
  return row && { memberId: row.id, fullName: row.full_name ?? '', role: row.role, phone: row.phone, registeredAt: row.created_at };
}

/** A registration still in the branch's queue: pending, not declined, named, of this branch. */
function stillWaitingInBranch(eb: ExpressionBuilder<Database, 'members'>, branchId: string, memberId: string) {
  return eb.and([eb('id', '=', memberId), eb('status', '=', 'pending'), eb('registration_declined_at', 'is', null), eb('branch_id', '=', branchId), eb('full_name', 'is not', null)]);
}

/** Verifies a registration still waiting in the branch; false when someone (a cadre, the roster) got there first. */
export async function verifyPendingRegistration(db: Db | Tx, branchId: string, memberId: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('members')
    .set({ status: 'verified', verified_by: 'cadre', verified_at: at, updated_at: at })
    .where((eb) => stillWaitingInBranch(eb, branchId, memberId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Takes a registration off the branch's queue; the member stays pending for staff to place. `cadreId` null: staff declined (the audit log says who). */
export async function declinePendingRegistration(db: Db | Tx, branchId: string, memberId: string, cadreId: string | null, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('members')
    .set({ registration_declined_at: at, registration_declined_by_member_id: cadreId, updated_at: at })
    .where((eb) => stillWaitingInBranch(eb, branchId, memberId))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface AuditEntry {
  readonly actorMemberId: string;
  readonly action: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  readonly unitId: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly at: Date;
}

/** Who did what to whom, for staff: a cadre's decisions in chat leave the same trail as staff ones. */
export async function recordMemberAction(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor_kind: 'member',
      actor_id: entry.actorMemberId,
      action: entry.action,
      subject_kind: entry.subjectKind,
      subject_id: entry.subjectId,
      unit_id: entry.unitId,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

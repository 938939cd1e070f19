import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { MemberRole } from '../../db/types';

/** The member holding a phone, with what registration needs to know about them. */
export interface PhoneHolder {
  readonly id: string;
  readonly source: 'roster' | 'chat' | 'admin';
  readonly status: 'pending' | 'verified' | 'left' | 'erased';
  readonly branchId: string | null;
  readonly branchName: string | null;
  readonly role: MemberRole;
  /** How many channel identities already speak for this member. */
  readonly linkedIdentities: number;
}

export async function findPhoneHolder(db: Db | Tx, phone: string): Promise<PhoneHolder | undefined> {
  const row = await db
    .selectFrom('members as m')
    .leftJoin('units as u', 'u.id', 'm.branch_id')
    .select(['m.id', 'm.source', 'm.status', 'm.branch_id', 'm.role', 'u.name as branch_name'])
    .select((eb) => eb.selectFrom('channel_identities as ci').select(sql<number>`count(*)::int`.as('n')).whereRef('ci.member_id', '=', 'm.id').as('linked'))
    .where('m.phone', '=', phone)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      source: row.source,
      status: row.status,
      branchId: row.branch_id,
      branchName: row.branch_name,
      role: row.role,
      linkedIdentities: Number(row.linked ?? 0),
    }
  );
}

export interface ChatMemberFields {
  readonly fullName: string;
  /** Null when the phone given is another member's (the note says which). */
  readonly phone: string | null;
  readonly role: MemberRole;
  readonly branchId: string | null;
  readonly unmatchedBranchNote: string | null;
  readonly registrationNote: string | null;
}

/**
 * A pending member registered in chat. Returns undefined when the phone was taken meanwhile
 * (another turn registered it between our look and this insert): nothing is written then.
 */
export async function insertChatMember(db: Db | Tx, fields: ChatMemberFields): Promise<string | undefined> {
  const row = await db
    .insertInto('members')
    .values({
      full_name: fields.fullName,
      phone: fields.phone,
      role: fields.role,
      branch_id: fields.branchId,
      status: 'pending',
      source: 'chat',
      unmatched_branch_note: fields.unmatchedBranchNote,
      registration_note: fields.registrationNote,
    })
    .onConflict((oc) => oc.column('phone').where('phone', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** A roster member found by their phone is verified by the roster (imported rows usually are already). */
export async function verifyByRoster(db: Db | Tx, memberId: string): Promise<void> {
  await db
    .updateTable('members')
    .set({ status: 'verified', verified_by: 'roster', verified_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', memberId)
    .where('status', '=', 'pending')
    .execute();
}

/** Links an identity to its member, unless it already speaks for one; true when it did. */
export async function linkIdentityToMember(db: Db | Tx, identityId: string, memberId: string): Promise<boolean> {
  const result = await db
    .updateTable('channel_identities')
    .set({ member_id: memberId, updated_at: sql<Date>`now()` })
    .where('id', '=', identityId)
    .where('member_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function memberOfIdentity(db: Db | Tx, identityId: string): Promise<string | null> {
  const row = await db.selectFrom('channel_identities').select('member_id').where('id', '=', identityId).executeTakeFirst();
  return row?.member_id ?? null;
}

export async function branchName(db: Db | Tx, branchId: string): Promise<string | undefined> {
  const row = await db.selectFrom('units').select('name').where('id', '=', branchId).where('level', '=', 'branch').executeTakeFirst();
  return row?.name;
}

/** What a chat registration left for staff to read. */
export interface RegistrationNotes {
  readonly unmatchedBranchNote: string | null;
  readonly registrationNote: string | null;
}

export async function registrationNotesOf(db: Db | Tx, memberId: string): Promise<RegistrationNotes | undefined> {
  const row = await db.selectFrom('members').select(['unmatched_branch_note', 'registration_note']).where('id', '=', memberId).executeTakeFirst();
  return row && { unmatchedBranchNote: row.unmatched_branch_note, registrationNote: row.registration_note };
}

/** How many members there are (abuse tests check that the table survives hostile input). */
export async function countMembers(db: Db | Tx): Promise<number> {
  const row = await db.selectFrom('members').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

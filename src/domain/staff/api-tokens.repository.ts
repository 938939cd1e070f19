import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { StaffRole } from '../../db/types';

export interface TokenOwner {
  readonly tokenId: string;
  readonly tokenHash: string;
  readonly staffUserId: string;
  readonly username: string;
  readonly role: StaffRole;
  readonly branchId: string | null;
}

export async function insertApiToken(db: Db | Tx, staffUserId: string, tokenHash: string, label: string | null): Promise<string> {
  const row = await db.insertInto('api_tokens').values({ staff_user_id: staffUserId, token_hash: tokenHash, label }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** The live token with this hash and its (enabled) owner; revoked tokens and disabled accounts are absent. */
export async function findLiveToken(db: Db | Tx, tokenHash: string): Promise<TokenOwner | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('staff_users as s', 's.id', 't.staff_user_id')
    .select(['t.id', 't.token_hash', 's.id as staff_id', 's.username', 's.role', 's.branch_id'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('s.disabled', '=', false)
    .executeTakeFirst();
  return row && { tokenId: row.id, tokenHash: row.token_hash, staffUserId: row.staff_id, username: row.username, role: row.role, branchId: row.branch_id };
}

/** Records use at most once a minute: a busy script must not turn every read into a write. */
export async function touchApiToken(db: Db | Tx, tokenId: string, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: at })
    .where('id', '=', tokenId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`${at}::timestamptz - interval '1 minute'`)]))
    .execute();
}

/** Revokes every live token of the account; returns how many. */
export async function revokeApiTokensOf(db: Db | Tx, staffUserId: string, at: Date): Promise<number> {
  const rows = await db.updateTable('api_tokens').set({ revoked_at: at }).where('staff_user_id', '=', staffUserId).where('revoked_at', 'is', null).returning('id').execute();
  return rows.length;
}

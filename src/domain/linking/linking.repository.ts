import type { Db, Tx } from '../../db/database';

/** The only SQL for link codes and link attempts. */

/** Removes the member's unused codes and every code past its expiry, so only live codes stay unique. */
export async function deleteStaleCodes(db: Db | Tx, memberId: string, now: Date): Promise<void> {
  await db
    .deleteFrom('link_codes')
    .where((eb) => eb.or([eb.and([eb('member_id', '=', memberId), eb('used_at', 'is', null)]), eb('expires_at', '<=', now)]))
    .execute();
}

/** Inserts a code unless a live one has the same hash; true when inserted. */
export async function insertCode(db: Db | Tx, code: { memberId: string; codeHash: string; createdAt: Date; expiresAt: Date }): Promise<boolean> {
  const row = await db
    .insertInto('link_codes')
    .values({ member_id: code.memberId, code_hash: code.codeHash, created_at: code.createdAt, expires_at: code.expiresAt })
    .onConflict((oc) => oc.column('code_hash').where('used_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The live (unused, unexpired) code with this hash, locked for the redeeming turn. */
export async function findLiveCode(db: Db | Tx, codeHash: string, now: Date): Promise<{ id: string; memberId: string } | undefined> {
  const row = await db
    .selectFrom('link_codes')
    .innerJoin('members', 'members.id', 'link_codes.member_id')
    .select(['link_codes.id', 'link_codes.member_id'])
    .where('link_codes.code_hash', '=', codeHash)
    .where('link_codes.used_at', 'is', null)
    .where('link_codes.expires_at', '>', now)
    .where('members.status', '<>', 'erased')
    .forUpdate('link_codes')
    .executeTakeFirst();
  return row && { id: row.id, memberId: row.member_id };
}

export async function markCodeUsed(db: Db | Tx, codeId: string, identityId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('link_codes')
    .set({ used_at: now, used_by_identity_id: identityId })
    .where('id', '=', codeId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function recordAttempt(db: Db | Tx, identityId: string, succeeded: boolean, at: Date): Promise<void> {
  await db.insertInto('link_attempts').values({ identity_id: identityId, succeeded, at }).execute();
}

/** Wrong codes this identity typed since `since`, and the oldest of them. */
export async function failedAttemptsSince(db: Db | Tx, identityId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = await db
    .selectFrom('link_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
    .where('identity_id', '=', identityId)
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), oldest: row.oldest ? new Date(row.oldest as unknown as string) : null };
}

export async function identityMember(db: Db | Tx, identityId: string): Promise<string | null> {
  const row = await db.selectFrom('channel_identities').select('member_id').where('id', '=', identityId).forUpdate().executeTakeFirst();
  return row?.member_id ?? null;
}


/** The channels a member already chats on (one identity per channel once linked). */
export async function channelsOfMember(db: Db | Tx, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('channel_identities').select('channel').distinct().where('member_id', '=', memberId).execute();
  return rows.map((r) => r.channel);
}

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';

/**
 * The channel identity to tell a member something on (a review's outcome): one message per
 * member, not one per channel they linked, on the reachable identity they used last.
 */
export async function preferredIdentityOfMember(db: Db | Tx, memberId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('channel_identities')
    .select('id')
    .where('member_id', '=', memberId)
    .orderBy(sql`reachability = 'reachable'`, 'desc')
    .orderBy('last_inbound_at', (ob) => ob.desc().nullsLast())
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

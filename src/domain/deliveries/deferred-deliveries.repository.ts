import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { DeliveryPurpose } from '../../db/types';

/**
 * The SQL of the delivery policy's two questions that are not about one row: how many proactive
 * messages a member got today (the daily cap), and what to do with the deliveries that waited for
 * a member to write, once they have (the flush after their turn).
 */

/**
 * Proactive messages (every purpose but 'reply' and 'staffReply') sent since `since` to the
 * member, on all their channels; to the identity alone when it belongs to no member yet.
 */
export async function countProactiveSentSince(db: Db, who: { readonly identityId: string; readonly memberId: string | null }, since: Date): Promise<number> {
  const identities =
    who.memberId === null ? sql`${who.identityId}::uuid` : sql`(select ci.id from channel_identities ci where ci.member_id = ${who.memberId}::uuid)`;
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from deliveries d
    where d.identity_id in (${identities}) and d.purpose not in ('reply', 'staffReply') and d.sent_at is not null and d.sent_at >= ${since}`.execute(db);
  return rows[0]?.n ?? 0;
}

/** What the flush did for a batch of members who wrote. */
export interface ReleasedDeferred {
  /** Back to 'queued', each under a new id (`was`: the id it waited under), to be enqueued after the commit. */
  readonly requeued: readonly { readonly id: number; readonly was: number; readonly identityId: string; readonly purpose: DeliveryPurpose }[];
  /** Older ones of a kind a newer one replaced: 'cancelled' with error_code 'collapsed'. */
  readonly collapsed: readonly { readonly purpose: DeliveryPurpose }[];
  /** Past their expires_at: 'expired', never sent. */
  readonly expired: readonly { readonly purpose: DeliveryPurpose }[];
}

/** The error code of a deferred delivery a newer one of the same kind replaced. */
export const COLLAPSED = 'collapsed';

/**
 * Releases the deferred deliveries of identities whose member just wrote, in one statement, inside
 * the turn batch's transaction (after its replies are written):
 * - past expires_at → 'expired';
 * - of a kind (same purpose and topic; a row without a topic is a kind of its own) an older one
 *   when a newer one waits too → 'cancelled', error_code 'collapsed';
 * - the rest → 'queued', with a NEW id. A member's messages leave in id order (the claim's order
 *   guard), and the turn's replies were just written: renumbering puts what waited behind the
 *   answer, as DESIGN.md asks ("the bot answers first"). Nothing refers to a delivery's id but its
 *   outbound job, and a deferred row has none left (its job completed when it was deferred).
 *   Among several released rows the new ids need not keep their old order.
 */
export async function releaseDeferred(tx: Tx, identityIds: readonly string[]): Promise<ReleasedDeferred> {
  if (identityIds.length === 0) return { requeued: [], collapsed: [], expired: [] };
  const { rows } = await sql<{ k: 'queued' | 'cancelled' | 'expired'; id: number | null; was: number | null; identity_id: string; purpose: DeliveryPurpose }>`
    with waiting as (
      select d.id, d.expires_at is not null and d.expires_at <= now() as expired,
             d.topic is not null and row_number() over (
               partition by d.identity_id, d.purpose, d.topic, (d.expires_at is not null and d.expires_at <= now()) order by d.id desc) > 1 as older
      from deliveries d
      where d.identity_id = any(${[...identityIds]}::uuid[]) and d.status = 'deferred'
    ), requeued as (
      update deliveries d set id = default, status = 'queued', not_before = null, error_code = null, error_message = null, updated_at = now()
      from waiting w
      where d.id = w.id and not w.expired and not w.older and d.status = 'deferred'
      returning d.id, w.id as was, d.identity_id, d.purpose
    ), dropped as (
      update deliveries d set
        status = case when w.expired then 'expired' else 'cancelled' end,
        error_code = case when w.expired then null else ${COLLAPSED} end,
        error_message = case when w.expired then null else 'a newer message of the same kind waited too; only that one is sent' end,
        updated_at = now()
      from waiting w
      where d.id = w.id and (w.expired or w.older) and d.status = 'deferred'
      returning d.status, d.identity_id, d.purpose
    )
    select 'queued' as k, r.id, r.was, r.identity_id, r.purpose from requeued r
    union all
    select x.status, null, null, x.identity_id, x.purpose from dropped x`.execute(tx);
  return {
    requeued: rows.filter((r) => r.k === 'queued').map((r) => ({ id: Number(r.id), was: Number(r.was), identityId: r.identity_id, purpose: r.purpose })),
    collapsed: rows.filter((r) => r.k === 'cancelled').map((r) => ({ purpose: r.purpose })),
    expired: rows.filter((r) => r.k === 'expired').map((r) => ({ purpose: r.purpose })),
  };
}

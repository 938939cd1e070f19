import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { claimedDeliveryOf, UNKNOWN_OUTCOME, type ClaimedDelivery, type ClaimedRow } from './deliveries.repository';

/**
 * SQL for a broadcast's batch of deliveries (rows of distinct members on one channel, sent by one
 * outbound batch job): one statement claims a chunk, one reads the policy's facts for it, one
 * records its sends. The rules are those of deliveries.repository.ts, row by row: the claim is the
 * guard against double sends and keeps each member's messages in order.
 */

export interface BatchClaim {
  /** Rows now 'sending', owned by the caller, in id order. */
  readonly claimed: readonly ClaimedDelivery[];
  /**
   * Rows still 'queued' that could not be claimed: an older row of the same member is queued (and
   * due) or being sent, or the row is not due yet. They go to the single-delivery path, which
   * waits their turn.
   */
  readonly waiting: readonly number[];
}

/**
 * Claims, in one statement, every row of `ids` that claimDelivery would claim: queued, due, and no
 * older row of the same identity queued (and due) or sending. The rest that is still queued comes
 * back as `waiting`; rows no longer queued (sent, cancelled, taken) are left out of both.
 * `token` is this call's claim token, the same for every run of the call: rows 'sending' under it
 * (claimed by a run whose answer was lost) are taken back (deliveries.repository.ts, "Claim tokens").
 */
export async function claimBatch(db: Db, ids: readonly number[], token: string): Promise<BatchClaim> {
  if (ids.length === 0) return { claimed: [], waiting: [] };
  const { rows } = await sql<{ k: 'claim' | 'wait'; id: number | string; row: ClaimedRow | null }>`
    with cl as (
      update deliveries d set status = 'sending', claim_token = ${token}::uuid,
        attempts = case when d.status = 'queued' then d.attempts + 1 else d.attempts end, updated_at = now()
      from channel_identities i
      where d.id = any(${[...ids]}::bigint[]) and i.id = d.identity_id
        and (d.status = 'queued' or (d.status = 'sending' and d.claim_token = ${token}::uuid))
        and (d.not_before is null or d.not_before <= now())
        and not exists (
          select 1 from deliveries older
          where older.identity_id = d.identity_id and older.id < d.id
            and (older.status = 'sending' or (older.status = 'queued' and (older.not_before is null or older.not_before <= now()))))
      returning d.id, jsonb_build_object(
        'id', d.id, 'identity_id', d.identity_id, 'purpose', d.purpose, 'payload', d.payload, 'send_mode', d.send_mode,
        'attempts', d.attempts, 'claim_token', d.claim_token, 'platform_message_id', d.platform_message_id, 'expires_at', d.expires_at,
        'channel', i.channel, 'platform_user_id', i.platform_user_id, 'reachability', i.reachability, 'unreachable_reason', i.unreachable_reason,
        'last_inbound_at', i.last_inbound_at, 'window_closed_at', i.window_closed_at, 'follow_state', i.follow_state, 'member_id', i.member_id) as row
    )
    select 'claim' as k, cl.id, cl.row from cl
    union all
    select 'wait', d.id, null from deliveries d
    where d.id = any(${[...ids]}::bigint[]) and d.status = 'queued' and not exists (select 1 from cl where cl.id = d.id)`.execute(db);
  const claimed: ClaimedDelivery[] = [];
  const waiting: number[] = [];
  for (const r of rows) {
    if (r.k === 'claim' && r.row) claimed.push(claimedDeliveryOf(r.row));
    else waiting.push(Number(r.id));
  }
  claimed.sort((a, b) => a.id - b.id);
  waiting.sort((a, b) => a - b);
  return { claimed, waiting };
}

/**
 * countProactiveSentSince for many rows in one statement: for each, the proactive messages sent
 * since `since` to its member (over all their identities; to the identity alone before
 * registration). Keyed by delivery id.
 */
export async function countProactiveSentSinceMany(db: Db, rows: readonly { readonly id: number; readonly identityId: string; readonly memberId: string | null }[], since: Date): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (rows.length === 0) return counts;
  const { rows: found } = await sql<{ id: number | string; n: number }>`
    with v as (select * from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.identityId)}::uuid[], ${rows.map((r) => r.memberId)}::uuid[]) as v(id, identity_id, member_id))
    select v.id, (
      select count(*)::int from deliveries d
      where d.identity_id in (select ci.id from channel_identities ci where ci.member_id = v.member_id union all select v.identity_id where v.member_id is null)
        and d.purpose not in ('reply', 'staffReply') and d.sent_at is not null and d.sent_at >= ${since}) as n
    from v`.execute(db);
  for (const r of found) counts.set(Number(r.id), r.n);
  return counts;
}

export interface BatchSent {
  readonly id: number;
  readonly messageIds: readonly string[];
  /** The send mode used, when the policy chose it (kept for figures); absent leaves the column. */
  readonly sendMode?: string;
}

/**
 * Records 'sent' for many claimed rows in one statement (recordOutcome's rule: from 'sending', or
 * over an unknown_outcome failure), and returns the rows recorded and, per member concerned, the
 * next queued (and due) delivery after them, whose job may be waiting its turn.
 */
export async function recordBatchSent(db: Db, sent: readonly BatchSent[]): Promise<{ recorded: number[]; next: number[] }> {
  if (sent.length === 0) return { recorded: [], next: [] };
  const { rows } = await sql<{ k: 'rec' | 'next'; id: number | string }>`
    with v as (
      select * from unnest(${sent.map((s) => s.id)}::bigint[], ${sent.map((s) => (s.messageIds.length > 0 ? s.messageIds.join(',') : null))}::text[], ${sent.map((s) => s.sendMode ?? null)}::text[]) as v(id, mids, mode)
    ), upd as (
      update deliveries d set status = 'sent', platform_message_id = v.mids, send_mode = coalesce(v.mode, d.send_mode), sent_at = now(),
        error_code = null, error_message = null, updated_at = now()
      from v
      where d.id = v.id and (d.status = 'sending' or (d.status = 'failed' and d.error_code = ${UNKNOWN_OUTCOME}))
      returning d.id, d.identity_id
    )
    select 'rec' as k, upd.id from upd
    union all
    select 'next', n.id from upd
    cross join lateral (
      select n.id from deliveries n
      where n.identity_id = upd.identity_id and n.id > upd.id and n.status = 'queued' and (n.not_before is null or n.not_before <= now())
      order by n.id limit 1) n`.execute(db);
  return {
    recorded: rows.filter((r) => r.k === 'rec').map((r) => Number(r.id)),
    next: rows.filter((r) => r.k === 'next').map((r) => Number(r.id)),
  };
}

export interface BatchRoute {
  readonly id: number;
  readonly channel: string;
  readonly identityId: string;
  readonly broadcastId: string | null;
}

/** Where each delivery goes, and to whom, for cutting batches; unknown ids are left out. In id order. */
export async function batchRoutesOf(db: Db, ids: readonly number[]): Promise<BatchRoute[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
    .select(['d.id', 'i.channel', 'd.identity_id', 'd.broadcast_id'])
    .where(sql<boolean>`d.id = any(${[...ids]}::bigint[])`)
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), channel: r.channel, identityId: r.identity_id, broadcastId: r.broadcast_id }));
}

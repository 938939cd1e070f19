import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { claimedDeliveryOf, UNKNOWN_OUTCOME, type ClaimedDelivery, type ClaimedRow, type ClaimResult } from './deliveries.repository';

/**
 * SQL for units of deliveries: a turn's replies to one member, sent in order by one outbound job
 * with one claim and one record of their sends (outbound.processor.ts). The rules are those of
 * deliveries.repository.ts (the claim is the guard against double sends, and keeps a member's
 * messages in order), applied to several rows per statement.
 */

/**
 * Claims the next row of several units (of any members) in one statement: for each unit, its
 * first row still queued, with claimDelivery's rules (due; no older row of the member sending, or
 * queued and due, except the unit's own queued rows, which follow it). One row of a member is in
 * flight at a time, as for single deliveries, so a crash leaves at most one unknown outcome per
 * member and never loses a row that was not tried. Returns each unit's claimed row (0 or 1), in
 * the order of `units`.
 *
 * `tokens[n]` is the claim token of unit n's call (its job's claim; the group statement carries
 * several jobs' calls): a row of the unit 'sending' under it was claimed by a run of that call
 * whose answer was lost, and is taken back (deliveries.repository.ts, "Claim tokens"). Such a row
 * is the unit's first row not yet done, so the unit's later rows still wait behind it.
 */
export async function claimUnits(db: Db, units: readonly (readonly number[])[], tokens: readonly string[]): Promise<ClaimedDelivery[][]> {
  if (tokens.length !== units.length) throw new Error(`claimUnits: ${units.length} units but ${tokens.length} tokens`);
  const ids = units.flatMap((u) => u);
  const unitNos = units.flatMap((u, n) => u.map(() => n));
  const unitTokens = units.flatMap((u, n) => u.map(() => tokens[n]!));
  const { rows } = await sql<ClaimedRow & { u: number }>`
    with v as (select * from unnest(${ids}::bigint[], ${unitNos}::int[], ${unitTokens}::uuid[]) as v(id, u, token))
    update deliveries d set status = 'sending', claim_token = v.token,
      attempts = case when d.status = 'queued' then d.attempts + 1 else d.attempts end, updated_at = now()
    from channel_identities i, v
    where i.id = d.identity_id and d.id = v.id and (d.status = 'queued' or (d.status = 'sending' and d.claim_token = v.token))
      and (d.not_before is null or d.not_before <= now())
      -- the unit's first row still queued: one row of a member in flight at a time
      and not exists (select 1 from deliveries e join v mine on mine.id = e.id and mine.u = v.u where e.id < d.id and e.status = 'queued')
      and not exists (
        select 1 from deliveries older
        where older.identity_id = d.identity_id and older.id < d.id
          and (older.status = 'sending'
               or (older.status = 'queued' and (older.not_before is null or older.not_before <= now())
                   and not exists (select 1 from v mine where mine.id = older.id and mine.u = v.u))))
    returning v.u, d.id, d.identity_id, d.purpose, d.payload, d.send_mode, d.attempts, d.claim_token, d.platform_message_id, d.expires_at,
              i.channel, i.platform_user_id, i.reachability, i.unreachable_reason, i.last_inbound_at, i.window_closed_at, i.follow_state, i.member_id`.execute(db);
  const claimed: ClaimedDelivery[][] = units.map(() => []);
  for (const row of rows) {
    claimed[row.u]!.push(claimedDeliveryOf(row));
  }
  for (const list of claimed) list.sort((a, b) => a.id - b.id);
  return claimed;
}

/** Why none of a unit's rows could be claimed: as ClaimResult, for its first row still queued. */
export async function classifyUnclaimed(db: Db, ids: readonly number[]): Promise<Exclude<ClaimResult, { kind: 'claimed' }> & { firstQueued?: number }> {
  const row = await db
    .selectFrom('deliveries')
    .select(['id', 'not_before', sql<boolean>`coalesce(not_before > now(), false)`.as('not_due')])
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .where('status', '=', 'queued')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return { kind: 'notQueued' };
  if (row.not_due && row.not_before) return { kind: 'notDue', notBefore: row.not_before, firstQueued: row.id };
  return { kind: 'behind', firstQueued: row.id };
}

/**
 * Records 'sent' for many claimed rows in one statement (recordOutcome's rule: from 'sending',
 * or over an unknown_outcome failure) and returns, for each member concerned, the next queued
 * (and due) delivery after the rows and not in `notNext` (the rest of their units), so that the
 * caller can wake its job. `messageIds[i]` are the platform ids of `ids[i]`.
 */
export async function recordSentMany(
  db: Db,
  ids: readonly number[],
  messageIds: readonly (readonly string[])[],
  notNext: readonly number[] = ids,
): Promise<{ recorded: number[]; next: { id: number; identityId: string }[] }> {
  if (ids.length === 0) return { recorded: [], next: [] };
  const { rows } = await sql<{ id: number | null; next: number | null; identity_id: string | null }>`
    with v as (
      select * from unnest(${[...ids]}::bigint[], ${messageIds.map((m) => (m.length > 0 ? m.join(',') : null))}::text[]) as v(id, mids)
    ), upd as (
      update deliveries d set status = 'sent', platform_message_id = v.mids, sent_at = now(), error_code = null, error_message = null, updated_at = now()
      from v
      where d.id = v.id and (d.status = 'sending' or (d.status = 'failed' and d.error_code = ${UNKNOWN_OUTCOME}))
      returning d.id, d.identity_id
    ), last as (
      select d.identity_id, max(d.id) as after from deliveries d join v on v.id = d.id group by d.identity_id
    )
    select u.id, null::bigint as next, null::uuid as identity_id from upd u
    union all
    select null, (select n.id from deliveries n
                  where n.identity_id = l.identity_id and n.id > l.after and n.status = 'queued'
                    and (n.not_before is null or n.not_before <= now()) and n.id <> all(${[...notNext]}::bigint[])
                  order by n.id limit 1), l.identity_id
    from last l`.execute(db);
  return {
    recorded: rows.filter((r) => r.id !== null).map((r) => Number(r.id)),
    next: rows.filter((r) => r.next !== null).map((r) => ({ id: Number(r.next), identityId: r.identity_id! })),
  };
}

/**
 * For rows that are not the first of their unit (a turn's reply `reply:<event>:<i>`, i > 0), the
 * id of the unit's first row, whose job (`d<first id>`) sends them: the outbox relay must not
 * take such a row for one without a job while that job lives.
 */
export async function unitHeadsOf(db: Db, ids: readonly number[]): Promise<Map<number, number>> {
  const heads = new Map<number, number>();
  if (ids.length === 0) return heads;
  const { rows } = await sql<{ id: number; head: number }>`
    select d.id, h.id as head
    from deliveries d
    join deliveries h on h.identity_id = d.identity_id and h.idempotency_key = regexp_replace(d.idempotency_key, ':[0-9]+$', ':0')
    where d.id = any(${[...ids]}::bigint[]) and d.idempotency_key ~ '^reply:[0-9]+:[1-9][0-9]*$'`.execute(db);
  for (const r of rows) heads.set(Number(r.id), Number(r.head));
  return heads;
}

export interface SentInUnit {
  readonly id: number;
  readonly messageIds: readonly string[];
  /** Every row of the unit, in order. */
  readonly unit: readonly number[];
  /** The claim token row `id` was claimed with (ClaimedDelivery.claimToken). */
  readonly claimedWith: string;
  /** This call's claim token, for the unit's next row: the same for every run of the call. */
  readonly token: string;
}

export interface AfterSent {
  /**
   * True when the row is recorded 'sent' from this claim: now, or by a run of this call whose answer
   * was lost. False when it was no longer 'sending' (nothing was changed then, except over an unknown_outcome).
   */
  readonly recorded: boolean;
  /** The unit's next row, claimed; undefined when the unit has none left (or it must wait). */
  readonly claimed: ClaimedDelivery | undefined;
  /** When the unit has no row left: the member's next queued message, to wake. */
  readonly wake: readonly number[];
}


/**
 * For rows of units just sent, in one statement: records each 'sent' (recordSentMany's rule),
 * claims its unit's next row (claimUnits' rules; the rows recorded here no longer hold anyone
 * back), and, for units with no row left, finds the member's next queued message to wake.
 *
 * Run again after its answer was lost (same items, same tokens: deliveries.repository.ts, "Claim
 * tokens"), it finds its row already 'sent' (or since delivered or read) under the token the row
 * was claimed with: that counts as recorded (only the claim's holder records it sent, and it
 * records each claim once), and nothing is written again. The unit's next row, 'sending' under
 * this call's token, is taken back as claimUnits does; any other call's token does not take it.
 */
export async function recordSentAndClaimNext(db: Db, items: readonly SentInUnit[]): Promise<AfterSent[]> {
  if (items.length === 0) return [];
  const unitIds = items.flatMap((x) => x.unit);
  const unitNos = items.flatMap((x, n) => x.unit.map(() => n));
  const { rows } = await sql<{ k: 'rec' | 'claim' | 'wake'; u: number | null; id: number; row: ClaimedRow | null }>`
    with v as (
      select * from unnest(${items.map((x) => x.id)}::bigint[], ${items.map((x) => (x.messageIds.length > 0 ? x.messageIds.join(',') : null))}::text[], ${items.map((_, n) => n)}::int[],
                           ${items.map((x) => x.claimedWith)}::uuid[], ${items.map((x) => x.token)}::uuid[]) as v(id, mids, u, claimed_with, token)
    ), w as (
      select * from unnest(${unitIds}::bigint[], ${unitNos}::int[]) as w(id, u)
    ), upd as (
      update deliveries d set status = 'sent', platform_message_id = v.mids, sent_at = now(), error_code = null, error_message = null, updated_at = now()
      from v
      where d.id = v.id and (d.status = 'sending' or (d.status = 'failed' and d.error_code = ${UNKNOWN_OUTCOME}))
      returning d.id, v.u
    ), done as (
      -- recorded by a run of this call whose answer was lost (the statement's snapshot: upd's rows are not here)
      select d.id, v.u from v join deliveries d on d.id = v.id
      where d.status in ('sent', 'delivered', 'read') and d.claim_token = v.claimed_with
    ), nxt as (
      select distinct on (w.u) w.u, n.id, v.token
      from w join v on v.u = w.u join deliveries n on n.id = w.id
      where n.id > v.id and (n.status = 'queued' or (n.status = 'sending' and n.claim_token = v.token))
        and (n.not_before is null or n.not_before <= now())
      order by w.u, n.id
    ), cl as (
      update deliveries d set status = 'sending', claim_token = nxt.token,
        attempts = case when d.status = 'queued' then d.attempts + 1 else d.attempts end, updated_at = now()
      from nxt, channel_identities i
      where d.id = nxt.id and i.id = d.identity_id and (d.status = 'queued' or (d.status = 'sending' and d.claim_token = nxt.token))
        and not exists (
          select 1 from deliveries older
          where older.identity_id = d.identity_id and older.id < d.id
            and not exists (select 1 from v rec where rec.id = older.id)
            and (older.status = 'sending'
                 or (older.status = 'queued' and (older.not_before is null or older.not_before <= now())
                     and not exists (select 1 from w mine where mine.id = older.id and mine.u = nxt.u))))
      returning nxt.u, jsonb_build_object(
        'id', d.id, 'identity_id', d.identity_id, 'purpose', d.purpose, 'payload', d.payload, 'send_mode', d.send_mode,
        'attempts', d.attempts, 'claim_token', d.claim_token, 'platform_message_id', d.platform_message_id, 'expires_at', d.expires_at,
        'channel', i.channel, 'platform_user_id', i.platform_user_id, 'reachability', i.reachability, 'unreachable_reason', i.unreachable_reason,
        'last_inbound_at', i.last_inbound_at, 'window_closed_at', i.window_closed_at, 'follow_state', i.follow_state, 'member_id', i.member_id) as row
    ), wake as (
      select v.u, (
        select n.id from deliveries me join deliveries n on n.identity_id = me.identity_id
        where me.id = v.id and n.id > v.id and n.status = 'queued' and (n.not_before is null or n.not_before <= now())
          and not exists (select 1 from w mine where mine.id = n.id and mine.u = v.u)
        order by n.id limit 1) as next
      from v where not exists (select 1 from nxt where nxt.u = v.u)
    )
    select 'rec' as k, upd.u, upd.id, null::jsonb as row from upd
    union all select 'rec', done.u, done.id, null from done
    union all select 'claim', cl.u, (cl.row->>'id')::bigint, cl.row from cl
    union all select 'wake', wake.u, wake.next, null from wake where wake.next is not null`.execute(db);
  const out = items.map(() => ({ recorded: false, claimed: undefined as ClaimedDelivery | undefined, wake: [] as number[] }));
  for (const r of rows) {
    const slot = out[r.u!]!;
    if (r.k === 'rec') slot.recorded = true;
    else if (r.k === 'wake') slot.wake.push(Number(r.id));
    else if (r.row) {
      slot.claimed = claimedDeliveryOf(r.row);
    }
  }
  return out;
}

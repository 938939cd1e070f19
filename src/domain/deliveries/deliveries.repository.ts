import { sql } from 'kysely';
import { withTransaction, type Db } from '../../db/database';
import type { ChannelId, DeliveryPurpose, FollowState } from '../../db/types';
import type { OutboundMessage } from '../shared/outbound-message';

/**
 * The only SQL for `deliveries`: every message to a member is one row, sent at most once.
 *
 * Life of a row:  queued --claim--> sending --outcome--> sent | queued (retry) | deferred | failed
 *                 sent --receipt--> delivered --receipt--> read
 * The claim (queued -> sending) is the guard against double sends: a job, a retry, a relay or a
 * second worker that finds the row anywhere but 'queued' does nothing (but for the run of one
 * claim call after a run whose answer was lost: "Claim tokens" below). It also keeps a member's
 * messages in order (a row waits while an older one to the same identity is pending). Outcomes are
 * recorded only from 'sending', so a late writer never overwrites what another one decided.
 *
 * Claim tokens. A claim's answer can be lost after PostgreSQL committed it (a connection cut, a
 * partition), and every statement of a send job is run again after a connection error
 * (withDatabasePatience). So each call of a claiming statement (claimDelivery here, claimUnits and
 * recordSentAndClaimNext in delivery-units.repository.ts, claimBatch in
 * delivery-batches.repository.ts) gets a fresh random token from its caller, which the runs of that
 * call share; it stores the token on the rows it claims (claim_token) and takes rows that are
 * 'queued' OR 'sending' under that same token. Why this keeps "sent at most once":
 * - a call hands rows to its caller only through its answer, so a row 'sending' under the token of
 *   a call that has not answered was claimed by a run whose answer was lost and sent by nobody:
 *   its own retry takes it back (the same claim, so attempts is not counted again);
 * - every other call (the next row or chunk, a BullMQ retry of the job, another worker) has another
 *   token, so a row claimed earlier, and perhaps sent, is never taken again;
 * - a row that left 'sending' comes back only through 'queued', where any claim takes it as before.
 * Tokens are not cleared when a row leaves 'sending': a token is matched only together with
 * 'sending' (or, in recordSentAndClaimNext, by the holder of that very claim), and no later call
 * has it, so an old one matches nothing; clearing it would add a write to every outcome statement
 * and the relay's sweep for no gain, and a kept token tells which claim took the row last.
 * A call that gives up (its caller throws) puts the rows still 'sending' under its token back to
 * 'queued' (releaseClaims): never handed to anyone, so never sent. What tokens cannot cover: a run
 * still under way on the server after its connection was lost (waiting for a lock) that commits
 * after its call answered or gave up; rows it claims stay 'sending' and the relay ends them as
 * unknown_outcome, as before.
 */

/**
 * How the row is to be sent: the channel's send mode (messaging type and tag on Messenger, cs or
 * template on Zalo), chosen by the delivery policy and stored as JSON. Opaque to the domain: the
 * outbound job reads it. Null means the channel's reply mode.
 */
export type DeliverySendMode = Readonly<Record<string, unknown>>;

export interface NewDelivery {
  readonly identityId: string;
  readonly purpose: DeliveryPurpose;
  /** Unique across all deliveries: inserting the same key twice keeps the first row. */
  readonly idempotencyKey: string;
  readonly message: OutboundMessage;
  readonly broadcastId?: string | null;
  /** What the message is about, for collapsing deferred ones to the newest per kind. */
  readonly topic?: string | null;
  readonly sendMode?: DeliverySendMode | null;
  /** 'deferred' when the delivery policy holds it back until the member writes; else 'queued'. */
  readonly status?: 'queued' | 'deferred';
  readonly notBefore?: Date | null;
  readonly expiresAt?: Date | null;
}

export interface InsertedDelivery {
  readonly id: number;
  readonly idempotencyKey: string;
}

export type Reachability = 'reachable' | 'unreachable';

/** A row just moved to 'sending' by this caller, with whom it goes to. */
export interface ClaimedDelivery {
  readonly id: number;
  readonly identityId: string;
  readonly purpose: DeliveryPurpose;
  readonly message: OutboundMessage;
  /** The stored JSON text of the send mode; null for the channel's reply mode. */
  readonly sendMode: string | null;
  /** Claims so far, this one included. */
  readonly attempts: number;
  /** The token of the claim call that took the row (see "Claim tokens" above). */
  readonly claimToken: string;
  /**
   * Platform ids of the parts an earlier attempt already delivered (a long message is several
   * platform messages, and a send can fail part-way): the send resumes after them.
   */
  readonly sentParts: readonly string[];
  readonly expiresAt: Date | null;
  readonly channel: ChannelId;
  readonly platformUserId: string;
  readonly reachability: Reachability;
  readonly unreachableReason: string | null;
  /** The recipient's window clock, for the delivery policy (no second query per send). */
  readonly clock: {
    readonly lastInboundAt: Date | null;
    readonly windowClosedAt: Date | null;
    readonly followState: FollowState;
  };
  /** The member behind the identity (their daily cap spans their channels); null before registration. */
  readonly memberId: string | null;
}

/** A claimed row as the claim statements return it (deliveries joined to their identity). */
export interface ClaimedRow {
  readonly id: number | string;
  readonly identity_id: string;
  readonly purpose: DeliveryPurpose;
  readonly payload: unknown;
  readonly send_mode: string | null;
  readonly attempts: number;
  readonly claim_token: string;
  readonly platform_message_id: string | null;
  /** A Date from a column, a string from JSON built in SQL. */
  readonly expires_at: Date | string | null;
  readonly channel: ChannelId;
  readonly platform_user_id: string;
  readonly reachability: Reachability;
  readonly unreachable_reason: string | null;
  readonly last_inbound_at: Date | string | null;
  readonly window_closed_at: Date | string | null;
  readonly follow_state: FollowState;
  readonly member_id: string | null;
}

const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function claimedDeliveryOf(row: ClaimedRow): ClaimedDelivery {
  return {
    id: Number(row.id),
    identityId: row.identity_id,
    purpose: row.purpose,
    message: row.payload as OutboundMessage,
    sendMode: row.send_mode,
    attempts: row.attempts,
    claimToken: row.claim_token,
    sentParts: row.platform_message_id ? row.platform_message_id.split(',') : [],
    expiresAt: dateOrNull(row.expires_at),
    channel: row.channel,
    platformUserId: row.platform_user_id,
    reachability: row.reachability,
    unreachableReason: row.unreachable_reason,
    clock: { lastInboundAt: dateOrNull(row.last_inbound_at), windowClosedAt: dateOrNull(row.window_closed_at), followState: row.follow_state },
    memberId: row.member_id,
  };
}

/** Where a delivery's job goes. */
export interface DeliveryRoute {
  readonly id: number;
  readonly channel: ChannelId;
  readonly notBefore: Date | null;
}

export interface DeliveryError {
  /** Short and stable: the platform's code ("-230", "http 503") or ours ("unknown_outcome"). */
  readonly code: string;
  readonly message: string;
  /**
   * All the parts of this message the platform has so far, when a send failed part-way; kept in
   * platform_message_id so that the next attempt skips them. Absent: the column is left as it is.
   */
  readonly sentParts?: readonly string[];
}

/**
 * What became of a claimed row (the mapping from a platform's answer lives in the outbound job):
 * - sent: the platform took it; its message ids are kept (joined by ',') for receipts;
 * - requeued: back to 'queued' to be tried again (a retryable error, or the channel's token is bad);
 * - deferred: the platform says the messaging window is closed: held, and the identity's window closed;
 * - unreachable: blocked, unfollowed or unknown: failed, and the identity marked unreachable;
 * - failed: for good (our message is wrong, attempts exhausted, outcome unknown);
 * - skipped: not sent because the identity was already unreachable (or, by the policy, unfollowed);
 * - expired: not sent because its content expired before it could go;
 * - held: the delivery policy keeps it for the member's next message ('deferred'; the window is
 *   ours to judge, so the identity is left as it is), the reason in error_code;
 * - postponed: the policy lets it go later (quiet hours, daily cap): back to 'queued' with
 *   not_before, the reason in error_code.
 * held and postponed give back the claim's attempt: nothing was sent.
 */
export type DeliveryOutcome =
  | { readonly kind: 'sent'; readonly messageIds: readonly string[]; /** The send mode used, when the policy chose it (kept for figures). */ readonly sendMode?: string }
  | ({ readonly kind: 'requeued' | 'deferred' | 'unreachable' | 'failed' | 'skipped' | 'held' } & DeliveryError)
  | ({ readonly kind: 'postponed'; readonly until: Date } & DeliveryError)
  | { readonly kind: 'expired' };

export interface DeliveryReceipt {
  /** The member's identity on the channel the receipt came from. */
  readonly identityId: string;
  readonly kind: 'delivered' | 'read';
  /** The platform's ids of our messages (Zalo msg_id, Messenger mid). */
  readonly messageIds: readonly string[];
  /** Everything we sent up to this instant (Messenger's watermark). */
  readonly watermark?: Date;
  /** When the platform says it happened. */
  readonly at: Date;
}

/**
 * The error code of a row whose send was interrupted (its worker died between the claim and
 * recording the outcome): we cannot know whether the platform got the message.
 */
export const UNKNOWN_OUTCOME = 'unknown_outcome';

const ERROR_MESSAGE_MAX = 1_000;
// Keeps each insert well under PostgreSQL's 65,535 bind parameters (10 per row).
const INSERT_BATCH = 1_000;

function clip(text: string): string {
  return text.length > ERROR_MESSAGE_MAX ? `${text.slice(0, ERROR_MESSAGE_MAX - 1)}…` : text;
}

function olderThan(ms: number) {
  return sql<Date>`now() - ${Math.max(0, Math.round(ms))} * interval '1 millisecond'`;
}

/**
 * Inserts deliveries; a row whose idempotency key already exists is left as it is and not
 * returned (`on conflict do nothing`). Run it in the caller's transaction, and hand the returned
 * ids to the Outbox only after that transaction commits.
 */
export async function insertDeliveries(db: Db, deliveries: readonly NewDelivery[]): Promise<InsertedDelivery[]> {
  const inserted: InsertedDelivery[] = [];
  for (let i = 0; i < deliveries.length; i += INSERT_BATCH) {
    const rows = await db
      .insertInto('deliveries')
      .values(
        deliveries.slice(i, i + INSERT_BATCH).map((d) => ({
          identity_id: d.identityId,
          purpose: d.purpose,
          idempotency_key: d.idempotencyKey,
          payload: JSON.stringify(d.message),
          broadcast_id: d.broadcastId ?? null,
          topic: d.topic ?? null,
          send_mode: d.sendMode ? JSON.stringify(d.sendMode) : null,
          status: d.status ?? 'queued',
          not_before: d.notBefore ?? null,
          expires_at: d.expiresAt ?? null,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning(['id', 'idempotency_key'])
      .execute();
    for (const r of rows) inserted.push({ id: r.id, idempotencyKey: r.idempotency_key });
  }
  return inserted;
}

/** The channel (and earliest send time) of each delivery, for routing jobs; unknown ids are left out. */
export async function findDeliveryRoutes(db: Db, ids: readonly number[]): Promise<DeliveryRoute[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
    .select(['d.id', 'i.channel', 'd.not_before'])
    .where(sql<boolean>`d.id = any(${[...ids]}::bigint[])`)
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, notBefore: r.not_before }));
}

/**
 * What a claim found:
 * - claimed: the row is now 'sending' and belongs to the caller, who must record its outcome;
 * - behind: an older delivery to the same member is still queued (and due) or being sent, so this
 *   one waits its turn (messages reach a member in the order they were created);
 * - notDue: its `not_before` is still ahead;
 * - notQueued: it is not 'queued' (done, deferred, or another worker has it): nothing to do.
 */
export type ClaimResult =
  | { readonly kind: 'claimed'; readonly delivery: ClaimedDelivery }
  | { readonly kind: 'behind' }
  | { readonly kind: 'notDue'; readonly notBefore: Date }
  | { readonly kind: 'notQueued' };

/** An older delivery to the same member as `d` is still queued (and due) or being sent. */
const OLDER_PENDING = sql<boolean>`exists (
  select 1 from deliveries older
  where older.identity_id = d.identity_id and older.id < d.id
    and (older.status = 'sending' or (older.status = 'queued' and (older.not_before is null or older.not_before <= now()))))`;

/**
 * The SET of a claim: 'sending' under the call's token; one more attempt, unless the row was
 * already 'sending' under that token (taken back by a retry of the same call: the same claim).
 */
function claimSet(token: string) {
  return {
    status: 'sending' as const,
    claim_token: token,
    attempts: sql<number>`case when d.status = 'queued' then d.attempts + 1 else d.attempts end`,
    updated_at: sql<Date>`now()`,
  };
}

/**
 * Claims a queued delivery before its HTTP call: queued -> sending, one more attempt, and only if
 * it is due and no older delivery to the same identity is still queued (and due) or sending.
 * `token` is this call's claim token, the same for every run of the call (see "Claim tokens"
 * above): a row already 'sending' under it is taken back.
 *
 * The order guard needs no lock: an older row stays 'queued' or 'sending' until it is finished
 * one way or another (sent, deferred, failed...), so whichever snapshot the check reads, a younger
 * row never overtakes a pending older one. A 'deferred' or future-dated older row does not hold
 * the others back.
 */
export async function claimDelivery(db: Db, id: number, token: string): Promise<ClaimResult> {
  const row = await db
    .updateTable('deliveries as d')
    .from('channel_identities as i')
    .set(claimSet(token))
    .whereRef('i.id', '=', 'd.identity_id')
    .where('d.id', '=', id)
    .where((eb) => eb.or([eb('d.status', '=', 'queued'), eb.and([eb('d.status', '=', 'sending'), eb('d.claim_token', '=', token)])]))
    .where((eb) => eb.or([eb('d.not_before', 'is', null), eb('d.not_before', '<=', sql<Date>`now()`)]))
    .where(sql<boolean>`not ${OLDER_PENDING}`)
    .returning([
      'd.id',
      'd.identity_id',
      'd.purpose',
      'd.payload',
      'd.send_mode',
      'd.attempts',
      'd.claim_token',
      'd.platform_message_id',
      'd.expires_at',
      'i.channel',
      'i.platform_user_id',
      'i.reachability',
      'i.unreachable_reason',
      'i.last_inbound_at',
      'i.window_closed_at',
      'i.follow_state',
      'i.member_id',
    ])
    .executeTakeFirst();
  if (!row) {
    const found = await db
      .selectFrom('deliveries')
      .select(['status', 'not_before', sql<boolean>`coalesce(not_before > now(), false)`.as('not_due')])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found || found.status !== 'queued') return { kind: 'notQueued' };
    if (found.not_due && found.not_before) return { kind: 'notDue', notBefore: found.not_before };
    return { kind: 'behind' };
  }
  return {
    kind: 'claimed',
    // The column is the token just set (its type allows the null of rows never claimed).
    delivery: claimedDeliveryOf({ ...row, claim_token: token }),
  };
}

/**
 * Puts back to 'queued' the rows of `ids` still 'sending' under `token`, with `error` on them, and
 * returns their ids: for a claim call that gives up (or whose caller fails before any send), whose
 * rows were never handed to anyone and so never sent (see "Claim tokens" above). Left 'sending',
 * the relay would end them as unknown_outcome after 5 minutes. Rows the call's caller has recorded
 * meanwhile are no longer 'sending' and are left alone; attempts keep the claim.
 */
export async function releaseClaims(db: Db, ids: readonly number[], token: string, error: DeliveryError): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('deliveries')
    .set({ status: 'queued', error_code: error.code, error_message: clip(error.message), updated_at: sql<Date>`now()` })
    .where(sql<boolean>`id = any(${[...ids]}::bigint[])`)
    .where('status', '=', 'sending')
    .where('claim_token', '=', token)
    .returning('id')
    .execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/**
 * The oldest delivery to `identityId` after `afterId` that is queued and due: the next in that
 * member's line (a future-dated one holds nobody back and waits for its own time).
 */
export async function nextQueuedDelivery(db: Db, identityId: string, afterId: number): Promise<number | null> {
  const row = await db
    .selectFrom('deliveries')
    .select('id')
    .where('identity_id', '=', identityId)
    .where('id', '>', afterId)
    .where('status', '=', 'queued')
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', sql<Date>`now()`)]))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** True while `id` must wait its turn: an older delivery to the same member is queued (and due) or being sent. */
export async function isBehindOlderDelivery(db: Db, id: number): Promise<boolean> {
  const row = await db.selectFrom('deliveries as d').select(OLDER_PENDING.as('behind')).where('d.id', '=', id).executeTakeFirst();
  return row?.behind ?? false;
}

/** For the members of these deliveries, the next queued (and due) delivery after them: who may go now that these are finished. */
export async function nextQueuedAfter(db: Db, ids: readonly number[]): Promise<DeliveryRoute[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ id: number; channel: ChannelId; not_before: Date | null }>`
    select distinct on (d.identity_id) n.id, i.channel, n.not_before
    from deliveries d
    join deliveries n on n.identity_id = d.identity_id and n.id > d.id and n.status = 'queued' and (n.not_before is null or n.not_before <= now())
    join channel_identities i on i.id = d.identity_id
    where d.id = any(${[...ids]}::bigint[])
    order by d.identity_id, n.id`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), channel: r.channel, notBefore: r.not_before }));
}

/**
 * Records what became of a claimed row. Returns false when the row was no longer 'sending' (the
 * sweeper gave up on it): nothing is changed then, except that a 'sent' outcome still replaces an
 * `unknown_outcome` failure, because it is the truth.
 */
export async function recordOutcome(db: Db, id: number, outcome: DeliveryOutcome): Promise<boolean> {
  switch (outcome.kind) {
    case 'sent': {
      const result = await db
        .updateTable('deliveries')
        .set({
          status: 'sent',
          platform_message_id: outcome.messageIds.length > 0 ? outcome.messageIds.join(',') : null,
          ...(outcome.sendMode === undefined ? {} : { send_mode: outcome.sendMode }),
          sent_at: sql<Date>`now()`,
          error_code: null,
          error_message: null,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('status', '=', 'sending'), eb.and([eb('status', '=', 'failed'), eb('error_code', '=', UNKNOWN_OUTCOME)])]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    }
    case 'expired':
      return setFromSending(db, id, 'expired', null);
    case 'requeued':
      return setFromSending(db, id, 'queued', outcome);
    case 'failed':
      return setFromSending(db, id, 'failed', outcome);
    case 'skipped':
      return setFromSending(db, id, 'skipped', outcome);
    case 'held':
    case 'postponed': {
      const result = await db
        .updateTable('deliveries')
        .set({
          status: outcome.kind === 'held' ? 'deferred' : 'queued',
          not_before: outcome.kind === 'postponed' ? outcome.until : null,
          attempts: sql<number>`greatest(attempts - 1, 0)`,
          error_code: outcome.code,
          error_message: clip(outcome.message),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    }
    case 'deferred':
      return withTransaction(db, async (tx) => {
        const identityId = await setFromSendingReturningIdentity(tx, id, 'deferred', outcome);
        if (identityId === null) return false;
        await tx.updateTable('channel_identities').set({ window_closed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` }).where('id', '=', identityId).execute();
        return true;
      });
    case 'unreachable':
      return withTransaction(db, async (tx) => {
        const identityId = await setFromSendingReturningIdentity(tx, id, 'failed', outcome);
        if (identityId === null) return false;
        await tx
          .updateTable('channel_identities')
          .set({
            reachability: 'unreachable',
            unreachable_reason: clip(`${outcome.code}: ${outcome.message}`),
            unreachable_at: sql<Date>`now()`,
            updated_at: sql<Date>`now()`,
          })
          .where('id', '=', identityId)
          .execute();
        return true;
      });
  }
}

async function setFromSending(db: Db, id: number, status: 'queued' | 'failed' | 'skipped' | 'expired', error: DeliveryError | null): Promise<boolean> {
  return (await setFromSendingReturningIdentity(db, id, status, error)) !== null;
}

async function setFromSendingReturningIdentity(
  db: Db,
  id: number,
  status: 'queued' | 'deferred' | 'failed' | 'skipped' | 'expired',
  error: DeliveryError | null,
): Promise<string | null> {
  const row = await db
    .updateTable('deliveries')
    .set({
      status,
      error_code: error?.code ?? null,
      error_message: error ? clip(error.message) : null,
      ...(error?.sentParts && error.sentParts.length > 0 ? { platform_message_id: error.sentParts.join(',') } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .returning('identity_id')
    .executeTakeFirst();
  return row?.identity_id ?? null;
}

/**
 * Deliveries of `channel` that have been 'queued' (and due) for more than `olderThanMs`, oldest
 * first: the outbox relay checks that each still has a job (a crash between a commit and its
 * enqueue, or a job lost from Redis, leaves a row with none). A sending broadcast's rows that its
 * feed has not reached yet have no job by design and are left out.
 */
export async function listStaleQueued(db: Db, channel: ChannelId, olderThanMs: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('deliveries as d')
    .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
    .select('d.id')
    .where('d.status', '=', 'queued')
    .where('i.channel', '=', channel)
    .where('d.updated_at', '<', olderThan(olderThanMs))
    .where((eb) => eb.or([eb('d.not_before', 'is', null), eb('d.not_before', '<=', sql<Date>`now()`)]))
    // A broadcast's rows it has not fed yet (fanning out or sending) are its progress job's to enqueue.
    .where(sql<boolean>`not exists (select 1 from broadcasts b where b.id = d.broadcast_id and b.status in ('fanningOut', 'sending') and d.id > coalesce(b.fed_through_id, 0))`)
    .orderBy('d.updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Fails every row that has been 'sending' for more than `olderThanMs` with `unknown_outcome`, and
 * returns their ids. Such a row was claimed by a worker that died (or lost the database) between
 * the claim and recording the answer: the platform may or may not have received the message.
 *
 * RELIABILITY: this is the one place where the outbound path chooses between at-most-once and
 * at-least-once, and it chooses at-most-once. Resending could show the member the same message
 * twice (a broadcast, a reminder, a staff reply), which they notice and which erodes trust; not
 * resending loses one message in the rare crash window, and leaves a row that says so (status
 * 'failed', error_code 'unknown_outcome') for figures and for staff to resend by hand. Rows are
 * never put back to 'queued' from here. `olderThanMs` must be well above the longest send (HTTP
 * timeouts, retries inside a client) so that a slow but live send is never swept; if one ever is,
 * its worker's 'sent' still wins (recordOutcome).
 */
export async function failStaleSending(db: Db, olderThanMs: number): Promise<number[]> {
  const rows = await db
    .updateTable('deliveries')
    .set({
      status: 'failed',
      error_code: UNKNOWN_OUTCOME,
      error_message: 'the send was interrupted; the platform may or may not have received it, so it is not resent',
      updated_at: sql<Date>`now()`,
    })
    .where('status', '=', 'sending')
    .where('updated_at', '<', olderThan(olderThanMs))
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Applies a delivery or read receipt to the member's sent messages, matched by platform message
 * id or, with a watermark, everything sent up to it. A read implies delivered. Never moves a row
 * backwards (read stays read). Returns how many rows changed.
 */
export async function recordReceipt(db: Db, receipt: DeliveryReceipt): Promise<number> {
  if (receipt.messageIds.length === 0 && receipt.watermark === undefined) return 0;
  const from = receipt.kind === 'delivered' ? (['sent'] as const) : (['sent', 'delivered'] as const);
  const result = await db
    .updateTable('deliveries')
    .set(
      receipt.kind === 'delivered'
        ? { status: 'delivered', delivered_at: sql<Date>`coalesce(delivered_at, ${receipt.at})`, updated_at: sql<Date>`now()` }
        : {
            status: 'read',
            delivered_at: sql<Date>`coalesce(delivered_at, ${receipt.at})`,
            read_at: sql<Date>`coalesce(read_at, ${receipt.at})`,
            updated_at: sql<Date>`now()`,
          },
    )
    .where('identity_id', '=', receipt.identityId)
    .where('status', 'in', [...from])
    .where((eb) => {
      const matches = [];
      if (receipt.messageIds.length > 0) matches.push(eb(sql<string[]>`string_to_array(platform_message_id, ',')`, '&&', sql<string[]>`${[...receipt.messageIds]}::text[]`));
      if (receipt.watermark !== undefined) matches.push(eb('sent_at', '<=', receipt.watermark));
      return eb.or(matches);
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

import { performance } from 'node:perf_hooks';
import type { Db, Tx } from '../db/database';
import type { InboundEvent, InboundReceiptEvent, PlatformChannel } from '../channels/channel';
import type { OutboundMessage } from '../domain/shared/outbound-message';
import { recordStaffReplyFromPlatform } from '../domain/handover/handover.service';
import { touchIdentities, type IdentityRecord, type IdentityTouch } from '../domain/identities/identities.repository';
import type { Logger } from '../logging/logger';
import { activityFromEvent } from './activity-mapping';
import { prefetchStates, writeBatchStates, type BatchStateWrite } from './bot-state.repository';
import { claimHeads, lockConversations, lockReadyConversations, markEventDead, markEventsProcessed, recordEventFailureWithBackoff, type PendingHead } from './inbound-events.repository';
import { TurnSavepoints } from './lazy-savepoint';
import { CollectingSink, type PlatformBotAdapter } from './platform-bot.adapter';
import { StateConflictError } from './postgres-storage';
import { prefetchTurnFacts, setTurnFacts, type TurnFacts } from './turn-facts';
import { setTurnPerson } from './turn-person';
import { runInTurnTransaction, type CachedState, type TurnStateBuffer } from './turn-scope';
import type { VungXanhBot } from './vung-xanh.bot';

/** A turn's replies to the member it answers, written as deliveries keyed `<keyPrefix>:<index>`. */
export interface ReplySet {
  readonly identityId: string;
  readonly keyPrefix: string;
  readonly messages: readonly OutboundMessage[];
}
/** Writes the reply sets of a batch as deliveries in its transaction (one statement); returns their ids per key prefix. */
export type ReplyRecorder = (tx: Tx, sets: readonly ReplySet[]) => Promise<Map<string, number[]>>;
/** Applies a delivery or read receipt to the deliveries it concerns. */
export type ReceiptRecorder = (tx: Tx, identityId: string, receipt: InboundReceiptEvent) => Promise<void>;
/** Hands committed deliveries to the outbound queues; `channel`, when given, is where they all go (no lookup). */
export type DeliveryEnqueuer = (deliveryIds: readonly number[], channel?: PlatformChannel) => Promise<void>;

export interface TurnPipelineDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly bot: VungXanhBot;
  readonly adapters: Partial<Record<PlatformChannel, PlatformBotAdapter>>;
  readonly recordReplies: ReplyRecorder;
  readonly recordReceipt: ReceiptRecorder;
  readonly enqueueDeliveries: DeliveryEnqueuer;
  /** Hands committed reply sets to the outbound queue of `channel`, each set (a turn's replies to one member, in order) as one unit. */
  readonly enqueueReplySets?: (channel: PlatformChannel, sets: readonly (readonly number[])[]) => Promise<void>;
  /** Called after a turn commits for the identity it touched (profile refresh); must not throw. */
  readonly afterTurn?: (identity: IdentityRecord, event: InboundEvent) => void;
  /** A turn failing this many times is dead-lettered and the member gets an apology. */
  readonly maxAttempts: number;
  readonly apology: OutboundMessage;
  /** Makes sure turns are drained again in `delayMs` (a failed event's backoff runs out then). */
  readonly retryLater?: (delayMs: number) => Promise<void>;
  /** Awaited before each batch of a drain (ROLE=all: webhooks first, load-governor.ts). */
  readonly beforeBatch?: () => Promise<void>;
  /** Backoff before the next attempt of an event that failed `attempts` times (default: 1 s doubling, 30% jitter). */
  readonly backoffMs?: (attempts: number) => number;
}

export interface DrainOutcome {
  readonly processed: number;
  readonly dead: number;
}

export interface BatchOutcome extends DrainOutcome {
  /** Turns that failed and wait for their backoff (counted, not dead). */
  readonly failed: number;
  /** Conversations the batch locked (0: nothing was ready, or every ready one was taken). */
  readonly conversations: number;
  /** Some conversation of the batch has another event pending. */
  readonly more: boolean;
}

export const DEFAULT_BATCH_CONVERSATIONS = 64;

/** A batch gives the event loop a turn at least this often (ms). */
const YIELD_AFTER_MS = 4;

/** A batch whose state write met a concurrent writer is run again from the start, this many times. */
const CONFLICT_RETRIES = 3;

export function defaultBackoffMs(attempts: number): number {
  const base = 1_000 * 2 ** Math.max(0, attempts - 1);
  return Math.round(base * (1 - 0.3 * Math.random()));
}

function isMemberAction(event: InboundEvent): boolean {
  return event.kind === 'message' || event.kind === 'follow' || event.kind === 'sharedInfo';
}

function touchOf(event: InboundEvent): IdentityTouch {
  return {
    channel: event.channel,
    platformUserId: event.userId,
    accountId: event.accountId,
    actedAt: isMemberAction(event) ? new Date(event.platformTs) : null,
    ...(event.kind === 'follow' ? { followState: 'following' as const } : event.kind === 'unfollow' ? { followState: 'unfollowed' as const } : {}),
  };
}

/** Events that reach the bot (receipts and platform-inbox staff replies are recorded without a turn). */
function runsDialogs(event: InboundEvent): boolean {
  return event.kind !== 'delivered' && event.kind !== 'read' && event.kind !== 'staffReply';
}

/** The bot_state keys a turn of this event reads (botbuilder's ConversationState and UserState keys). */
function stateKeysOf(event: InboundEvent): string[] {
  const activity = activityFromEvent(event);
  if (!activity?.conversation || !activity.from) return [];
  return [`${activity.channelId}/conversations/${activity.conversation.id}/`, `${activity.channelId}/users/${activity.from.id}/`];
}

interface Done {
  readonly head: PendingHead;
  readonly event: InboundEvent;
  readonly identity: IdentityRecord;
  readonly others: readonly number[];
  /** Work the turn asked to start after the commit (afterTurnCommit). */
  readonly tasks: readonly (() => Promise<void>)[];
}

interface Committed {
  readonly done: readonly Done[];
  readonly dead: number;
  readonly failed: number;
  readonly retryInMs: number | undefined;
  readonly replies: Map<string, number[]>;
  /** Apologies, by the channel they go to. */
  readonly apologies: readonly { readonly keyPrefix: string; readonly channel: PlatformChannel }[];
  readonly conversations: number;
  readonly more: boolean;
}

/** One turn, inside the batch's transaction and behind its savepoint: returns what it sent and what it queued for others. */
async function runOneTurn(deps: TurnPipelineDeps, tx: Tx, event: InboundEvent, identity: IdentityRecord, facts: TurnFacts | undefined, state: TurnStateBuffer): Promise<{ messages: OutboundMessage[]; others: number[]; tasks: (() => Promise<void>)[] }> {
  if (event.kind === 'delivered' || event.kind === 'read') {
    await deps.recordReceipt(tx, identity.id, event);
    return { messages: [], others: [], tasks: [] };
  }
  if (event.kind === 'staffReply') {
    const threaded = await recordStaffReplyFromPlatform(tx, identity.id, event.text, new Date(event.platformTs));
    deps.logger.info({ channel: event.channel, threaded }, 'staff replied from the platform inbox');
    return { messages: [], others: [], tasks: [] };
  }
  const adapter = deps.adapters[event.channel];
  if (!adapter) throw new Error(`no adapter for channel ${event.channel}`);
  const activity = activityFromEvent(event);
  if (!activity) return { messages: [], others: [], tasks: [] };
  const sink = new CollectingSink();
  const person = { identityId: identity.id, channel: event.channel, platformUserId: event.userId, memberId: identity.memberId };
  const turn = await runInTurnTransaction(
    tx,
    () =>
      adapter.processActivity(activity, sink, (context) => {
        setTurnPerson(context, person);
        if (facts) setTurnFacts(context, facts);
        return deps.bot.onTurn(context);
      }),
    { state },
  );
  return { messages: sink.messages, others: turn.deliveriesAfterCommit, tasks: turn.tasksAfterCommit };
}

async function runBatchTransaction(deps: TurnPipelineDeps, keys: readonly string[] | undefined, limit: number): Promise<Committed | undefined> {
  return deps.db.transaction().execute(async (tx): Promise<Committed | undefined> => {
    let locked: string[];
    if (keys) {
      await lockConversations(tx, keys);
      locked = [...keys];
    } else {
      locked = await lockReadyConversations(tx, limit);
    }
    if (locked.length === 0) return undefined;
    const heads = (await claimHeads(tx, locked)).filter((h) => !h.notDue);
    const items = heads.map((head) => ({ head, event: head.payload as unknown as InboundEvent }));
    const identities = await touchIdentities(tx, items.map((i) => touchOf(i.event)));
    const cache = new Map<string, CachedState>(await prefetchStates(tx, items.flatMap((i) => stateKeysOf(i.event))));
    const facts = await prefetchTurnFacts(tx, [...new Set(items.filter((i) => runsDialogs(i.event)).map((i) => identities.get(`${i.event.channel}:${i.event.userId}`)?.id).filter((id): id is string => id !== undefined))]);
    const stateWrites = new Map<string, BatchStateWrite>();
    const replySets: ReplySet[] = [];
    const apologies: { keyPrefix: string; channel: PlatformChannel }[] = [];
    const done: Done[] = [];
    let dead = 0;
    let failed = 0;
    let retryInMs: number | undefined;
    const savepoints = new TurnSavepoints(tx);
    let ranSince = performance.now();

    for (const { head, event } of items) {
      // Turns without SQL of their own never wait on I/O: let the event loop serve webhooks
      // between them rather than run a whole batch of dialogs in one go.
      if (performance.now() - ranSince > YIELD_AFTER_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        ranSince = performance.now();
      }
      const identity = identities.get(`${event.channel}:${event.userId}`);
      if (!identity) throw new Error(`identity of event ${head.id} was not touched`);
      // The turn's own SQL runs behind a savepoint, taken before its first statement (if any).
      const turnTx = savepoints.begin();
      const state: TurnStateBuffer = { cache, writes: new Map() };
      try {
        const turn = await runOneTurn(deps, turnTx.tx, event, identity, facts.get(identity.id), state);
        for (const [key, w] of state.writes) {
          const before = stateWrites.get(key);
          const expected = before ? before.expected : (cache.get(key)?.etag ?? null);
          if (w.json === null) stateWrites.delete(key);
          else stateWrites.set(key, { key, json: w.json, etag: w.etag, expected });
          cache.set(key, w.json === null ? null : { json: w.json, etag: w.etag });
        }
        if (turn.messages.length > 0) replySets.push({ identityId: identity.id, keyPrefix: `reply:${head.id}`, messages: turn.messages });
        done.push({ head, event, identity, others: turn.others, tasks: turn.tasks });
      } catch (error) {
        await turnTx.rollback();
        const message = error instanceof Error ? error.message : String(error);
        const backoff = (deps.backoffMs ?? defaultBackoffMs)(head.attempts + 1);
        const attempts = await recordEventFailureWithBackoff(tx, head.id, message, backoff);
        deps.logger.warn({ err: error, eventId: head.id, attempts }, 'turn failed');
        if (attempts < deps.maxAttempts) {
          failed += 1;
          retryInMs = Math.min(retryInMs ?? backoff, backoff);
          continue;
        }
        await markEventDead(tx, head.id);
        dead += 1;
        deps.logger.error({ eventId: head.id, conversationKey: head.conversationKey }, 'inbound event dead-lettered after repeated failures; the member was sent an apology');
        if (event.kind === 'message' || event.kind === 'sharedInfo') {
          replySets.push({ identityId: identity.id, keyPrefix: `apology:${head.id}`, messages: [deps.apology] });
          apologies.push({ keyPrefix: `apology:${head.id}`, channel: event.channel });
        }
      }
    }

    const conflicts = await writeBatchStates(tx, [...stateWrites.values()]);
    if (conflicts.length > 0) throw new StateConflictError(conflicts[0]!);
    const replies = replySets.length > 0 ? await deps.recordReplies(tx, replySets) : new Map<string, number[]>();
    await markEventsProcessed(tx, done.map((d) => d.head.id));
    return { done, dead, failed, retryInMs, replies, apologies, conversations: locked.length, more: heads.some((h) => h.more) };
  });
}

/**
 * Runs the next pending event of up to `maxConversations` conversations in one transaction:
 * their locks (conversations another batch holds are passed by), their next events, their
 * identities and their dialog state in one statement each; then each turn, one after another,
 * behind its own savepoint (taken lazily: only turns with SQL of their own pay for one), so that
 * a failing turn is rolled back alone and counted as a failure
 * of its event (retried after a backoff while the conversation's later events wait; dead-lettered
 * with an apology after `maxAttempts`); then the state, the replies and the events' statuses in a
 * few multi-row statements, and one commit. Replies and deliveries for others go to the outbox
 * after the commit. With `keys`, it runs those conversations (waiting for their locks).
 */
export async function runTurnBatch(deps: TurnPipelineDeps, options: { keys?: readonly string[]; maxConversations?: number } = {}): Promise<BatchOutcome> {
  let committed: Committed | undefined;
  for (let attempt = 1; ; attempt += 1) {
    try {
      committed = await runBatchTransaction(deps, options.keys, options.maxConversations ?? DEFAULT_BATCH_CONVERSATIONS);
      break;
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      deps.logger.warn({ key: error.key, attempt }, 'dialog state changed under the batch; running it again on fresh state');
    }
  }
  if (!committed) return { processed: 0, dead: 0, failed: 0, conversations: 0, more: false };

  // The replies go to the identity each event came from, on the event's channel.
  const byChannel = new Map<PlatformChannel, number[][]>();
  const push = (channel: PlatformChannel, ids: number[] | undefined) => {
    if (!ids || ids.length === 0) return;
    const list = byChannel.get(channel) ?? [];
    list.push(ids);
    byChannel.set(channel, list);
  };
  for (const d of committed.done) push(d.event.channel, committed.replies.get(`reply:${d.head.id}`));
  for (const a of committed.apologies) push(a.channel, committed.replies.get(a.keyPrefix));
  for (const [channel, sets] of byChannel) {
    if (deps.enqueueReplySets) await deps.enqueueReplySets(channel, sets);
    else await deps.enqueueDeliveries(sets.flat(), channel);
  }
  const others = committed.done.flatMap((d) => d.others);
  if (others.length > 0) await deps.enqueueDeliveries(others);
  for (const d of committed.done) {
    for (const task of d.tasks) {
      await task().catch((err: unknown) => deps.logger.warn({ err, conversationKey: d.head.conversationKey }, 'a task after the turn failed; its sweeper will pick it up'));
    }
  }
  for (const d of committed.done) deps.afterTurn?.(d.identity, d.event);
  if (committed.retryInMs !== undefined && deps.retryLater) await deps.retryLater(committed.retryInMs + 50);
  return { processed: committed.done.length, dead: committed.dead, failed: committed.failed, conversations: committed.conversations, more: committed.more };
}

/**
 * Runs batches until no conversation has an event ready (or `maxBatches` ran: then `more`).
 * Several drains may run at once (in one process or many): each batch takes only conversations
 * nobody else holds, so they share the work and never run two turns of one conversation at once.
 */
export async function drainPending(deps: TurnPipelineDeps, options: { maxConversations?: number; maxBatches?: number } = {}): Promise<DrainOutcome & { more: boolean }> {
  let processed = 0;
  let dead = 0;
  const maxBatches = options.maxBatches ?? 50;
  for (let i = 0; i < maxBatches; i += 1) {
    await deps.beforeBatch?.();
    const batch = await runTurnBatch(deps, { maxConversations: options.maxConversations ?? DEFAULT_BATCH_CONVERSATIONS });
    processed += batch.processed;
    dead += batch.dead;
    if (batch.conversations === 0) return { processed, dead, more: false };
  }
  return { processed, dead, more: true };
}

/**
 * Processes one conversation's pending events in the platform's order, a turn per batch (for
 * tests and tools; the turns worker drains every conversation with `drainPending`). A failing
 * turn is counted and the conversation waits for its backoff (the drain stops there); at
 * `maxAttempts` the event is dead-lettered, the member is told, and the conversation moves on.
 */
export async function drainConversation(deps: TurnPipelineDeps, conversationKey: string, maxTurns = 200): Promise<DrainOutcome> {
  let processed = 0;
  let dead = 0;
  for (let turns = 0; turns < maxTurns; turns += 1) {
    const batch = await runTurnBatch(deps, { keys: [conversationKey] });
    processed += batch.processed;
    dead += batch.dead;
    if (batch.processed + batch.dead === 0 || !batch.more) break;
  }
  return { processed, dead };
}

import type { Db, Tx } from '../db/database';
import type { InboundEvent, InboundReceiptEvent, PlatformChannel } from '../channels/channel';
import type { OutboundMessage } from '../domain/shared/outbound-message';
import { recordStaffReplyFromPlatform } from '../domain/handover/handover.service';
import { touchIdentity, type IdentityRecord } from '../domain/identities/identities.repository';
import type { Logger } from '../logging/logger';
import { activityFromEvent } from './activity-mapping';
import { claimNextPendingEvent, lockConversation, markEventDead, markEventDone, recordEventFailure } from './inbound-events.repository';
import { CollectingSink, type PlatformBotAdapter } from './platform-bot.adapter';
import { StateConflictError } from './postgres-storage';
import { setTurnPerson } from './turn-person';
import { runInTurnTransaction } from './turn-scope';
import type { VungXanhBot } from './vung-xanh.bot';

/** Writes a turn's replies as deliveries in its transaction; returns their ids for the outbox. */
export type ReplyRecorder = (tx: Tx, identityId: string, keyPrefix: string, messages: readonly OutboundMessage[]) => Promise<number[]>;
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
  /** Called after a turn commits for the identity it touched (profile refresh); must not throw. */
  readonly afterTurn?: (identity: IdentityRecord, event: InboundEvent) => void;
  /** A turn failing this many times is dead-lettered and the member gets an apology. */
  readonly maxAttempts: number;
  readonly apology: OutboundMessage;
}

export interface DrainOutcome {
  readonly processed: number;
  readonly dead: number;
}

/** An error a retry of the same turn is expected to get past (another writer won a race). */
const CONFLICT_RETRIES = 3;

function isMemberAction(event: InboundEvent): boolean {
  return event.kind === 'message' || event.kind === 'follow' || event.kind === 'sharedInfo';
}

/** undefined: nothing was pending. `more`: another event was pending behind this one when it was claimed. */
type TurnResult =
  | {
      readonly identity: IdentityRecord;
      readonly event: InboundEvent;
      /** The replies, to the member the event came from. */
      readonly deliveryIds: number[];
      /** Deliveries the turn queued for anyone else (enqueueAfterTurn), routed by the outbox. */
      readonly others: number[];
      /** Work the turn asked to start after its commit (afterTurnCommit). */
      readonly tasks: (() => Promise<void>)[];
      readonly more: boolean;
    }
  | undefined;

/** The event a turn claimed, known to the caller even when the turn then fails (its transaction rolled back). */
interface ClaimedEvent {
  id?: number;
}

async function runTurn(deps: TurnPipelineDeps, conversationKey: string, claimed: ClaimedEvent): Promise<TurnResult> {
  return deps.db.transaction().execute(async (tx) => {
    await lockConversation(tx, conversationKey);
    const next = await claimNextPendingEvent(tx, conversationKey);
    if (!next) return undefined;
    const { row, more } = next;
    claimed.id = row.id;
    const eventId = row.id;
    const event = row.payload as unknown as InboundEvent;
    const identity = await touchIdentity(tx, {
      channel: event.channel,
      platformUserId: event.userId,
      accountId: event.accountId,
      actedAt: isMemberAction(event) ? new Date(event.platformTs) : null,
      ...(event.kind === 'follow' ? { followState: 'following' as const } : event.kind === 'unfollow' ? { followState: 'unfollowed' as const } : {}),
    });
    let deliveryIds: number[] = [];
    let others: number[] = [];
    let tasks: (() => Promise<void>)[] = [];
    if (event.kind === 'delivered' || event.kind === 'read') {
      await deps.recordReceipt(tx, identity.id, event);
    } else if (event.kind === 'staffReply') {
      const threaded = await recordStaffReplyFromPlatform(tx, identity.id, event.text, new Date(event.platformTs));
      deps.logger.info({ eventId, channel: event.channel, threaded }, 'staff replied from the platform inbox');
    } else {
      const adapter = deps.adapters[event.channel];
      const activity = activityFromEvent(event);
      if (!adapter) throw new Error(`no adapter for channel ${event.channel}`);
      if (activity) {
        const sink = new CollectingSink();
        const person = { identityId: identity.id, channel: event.channel, platformUserId: event.userId, memberId: identity.memberId };
        const turn = await runInTurnTransaction(tx, () =>
          adapter.processActivity(activity, sink, (context) => {
            setTurnPerson(context, person);
            return deps.bot.onTurn(context);
          }),
        );
        deliveryIds = await deps.recordReplies(tx, identity.id, `reply:${row.id}`, sink.messages);
        others = turn.deliveriesAfterCommit;
        tasks = turn.tasksAfterCommit;
      }
    }
    await markEventDone(tx, row.id, 'processed');
    return { identity, event, deliveryIds, others, tasks, more };
  });
}

async function runTurnRetryingConflicts(deps: TurnPipelineDeps, conversationKey: string, claimed: ClaimedEvent): Promise<TurnResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await runTurn(deps, conversationKey, claimed);
    } catch (error) {
      if (!(error instanceof StateConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      deps.logger.warn({ eventId: claimed.id, attempt }, 'dialog state changed under the turn; running it again on fresh state');
    }
  }
}

async function deadLetter(deps: TurnPipelineDeps, conversationKey: string, eventId: number): Promise<void> {
  const { ids, channel } = await deps.db.transaction().execute(async (tx) => {
    await markEventDead(tx, eventId);
    const row = await tx.selectFrom('inbound_events').select('payload').where('id', '=', eventId).executeTakeFirstOrThrow();
    const event = row.payload as unknown as InboundEvent;
    if (event.kind !== 'message' && event.kind !== 'sharedInfo') return { ids: [], channel: event.channel };
    const identity = await touchIdentity(tx, { channel: event.channel, platformUserId: event.userId, accountId: event.accountId, actedAt: null });
    return { ids: await deps.recordReplies(tx, identity.id, `apology:${eventId}`, [deps.apology]), channel: event.channel };
  });
  deps.logger.error({ eventId, conversationKey }, 'inbound event dead-lettered after repeated failures; the member was sent an apology');
  await deps.enqueueDeliveries(ids, channel);
}

/**
 * Processes a conversation's pending events one by one in the platform's order, each turn in
 * one transaction (see turn-scope.ts) that claims the next pending event itself. A failing turn
 * is counted; below `maxAttempts` the error propagates so the job retries with backoff and later
 * events wait (order is kept); at `maxAttempts` the event is dead-lettered, the member is told,
 * and the conversation moves on.
 *
 * It stops when a claim finds nothing pending behind the event it took: an event recorded after
 * that claim was triggered while this drain's job was active, and the turns queue keeps such a
 * trigger as the next job of the conversation (`keepLastIfActive`, queues.ts), so it is not lost.
 */
export async function drainConversation(deps: TurnPipelineDeps, conversationKey: string, maxTurns = 200): Promise<DrainOutcome> {
  let processed = 0;
  let dead = 0;
  for (let turns = 0; turns < maxTurns; turns += 1) {
    const claimed: ClaimedEvent = {};
    let result: TurnResult;
    try {
      result = await runTurnRetryingConflicts(deps, conversationKey, claimed);
    } catch (error) {
      // Failed before any event was claimed (the database is away): the job retries.
      if (claimed.id === undefined) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const attempts = await recordEventFailure(deps.db, claimed.id, message);
      deps.logger.warn({ err: error, eventId: claimed.id, attempts }, 'turn failed');
      if (attempts < deps.maxAttempts) throw error;
      await deadLetter(deps, conversationKey, claimed.id);
      dead += 1;
      continue;
    }
    if (!result) break;
    processed += 1;
    // The replies go to the identity the event came from, on the event's channel.
    await deps.enqueueDeliveries(result.deliveryIds, result.event.channel);
    if (result.others.length > 0) await deps.enqueueDeliveries(result.others);
    for (const task of result.tasks) {
      await task().catch((err: unknown) => deps.logger.warn({ err, conversationKey }, 'a task after the turn failed; its sweeper will pick it up'));
    }
    deps.afterTurn?.(result.identity, result.event);
    if (!result.more) break;
  }
  return { processed, dead };
}

/**
 * The delivery policy applied to a whole audience at once. `decideDelivery` is a step function of a
 * recipient's clock: it compares the time since their last message with a few fixed edges (24 h,
 * 48 h, 7 days), and the messages they got today with the daily cap. So recipients fall into a
 * small number of buckets (channel × reachability × follow state × window bucket × capped), SQL
 * counts or tags each recipient with its bucket, and the policy is asked once per bucket, with a
 * representative clock. The policy stays in one place (delivery-policy.ts) and 100,000 recipients
 * cost one GROUP BY or one INSERT … SELECT, not 100,000 calls.
 *
 * If the policy ever gains an edge of its own, add it to WINDOW_EDGES_MS: the forecast test
 * compares these buckets with decideDelivery on each hand-built recipient and would fail.
 */
import type { DeliveryPurpose, FollowState, PlatformChannelId } from '../../db/types';
import {
  decideDelivery,
  MESSENGER_HUMAN_AGENT_MS,
  MESSENGER_WINDOW_MS,
  ZALO_CS_MS,
  ZALO_FREE_MS,
  type DeliveryDecision,
  type DeliveryPolicySettings,
  type RecipientClock,
} from '../deliveries/delivery-policy';

/** Where decideDelivery's answer can change with the time since the member's last message, ascending. */
export const WINDOW_EDGES_MS: readonly number[] = [...new Set([MESSENGER_WINDOW_MS, ZALO_FREE_MS, ZALO_CS_MS, MESSENGER_HUMAN_AGENT_MS])].sort((a, b) => a - b);

/**
 * 'closed': the member never wrote, or the platform closed the window since. Otherwise k: the time
 * since their last message is at least WINDOW_EDGES_MS[k-1] (0 for k = 0) and below WINDOW_EDGES_MS[k].
 */
export type WindowBucket = 'closed' | number;

export interface ReachBucket {
  readonly channel: PlatformChannelId;
  readonly reachability: 'reachable' | 'unreachable';
  readonly followState: FollowState;
  readonly window: WindowBucket;
  /** The recipient already got the daily cap of proactive messages today. */
  readonly capped: boolean;
}

const CHANNELS: readonly PlatformChannelId[] = ['zalo', 'messenger'];
const REACHABILITIES = ['reachable', 'unreachable'] as const;
const FOLLOW_STATES: readonly FollowState[] = ['following', 'unfollowed', 'unknown'];

/** The text SQL builds for a bucket (broadcasts.repository.ts `bucketKeySql`); the two must agree. */
export function bucketKey(b: ReachBucket): string {
  return `${b.channel}|${b.reachability}|${b.followState}|${b.window}|${b.capped ? 't' : 'f'}`;
}

export function allBuckets(): ReachBucket[] {
  const windows: WindowBucket[] = ['closed', ...WINDOW_EDGES_MS.map((_, i) => i), WINDOW_EDGES_MS.length];
  const out: ReachBucket[] = [];
  for (const channel of CHANNELS)
    for (const reachability of REACHABILITIES)
      for (const followState of FOLLOW_STATES)
        for (const window of windows) for (const capped of [false, true]) out.push({ channel, reachability, followState, window, capped });
  return out;
}

/** A clock inside the bucket: the answer for it is the answer for every recipient of the bucket. */
function representativeClock(b: ReachBucket, now: Date): RecipientClock {
  const sinceMs = b.window === 'closed' ? null : b.window === 0 ? 0 : WINDOW_EDGES_MS[b.window - 1]!;
  return {
    channel: b.channel,
    lastInboundAt: sinceMs === null ? null : new Date(now.getTime() - sinceMs),
    windowClosedAt: null,
    reachability: b.reachability,
    followState: b.followState,
  };
}

export function decideForBucket(b: ReachBucket, purpose: DeliveryPurpose, now: Date, settings: DeliveryPolicySettings): DeliveryDecision {
  return decideDelivery({ purpose, recipient: representativeClock(b, now), now, sentToday: b.capped ? settings.dailyCap : 0 }, settings);
}

/** The forecast's columns: sent now for free, later (deferred), now at a cost, or not at all. */
export type ReachClass = 'now' | 'later' | 'paid' | 'never';

export function reachClassOf(decision: DeliveryDecision): ReachClass {
  if (decision.kind === 'skip') return 'never';
  if (decision.kind === 'defer') return 'later';
  return decision.cost === 'paid' ? 'paid' : 'now';
}

/** What the fan-out records for a recipient of the bucket. */
export interface PlannedDelivery {
  readonly status: 'queued' | 'deferred' | 'skipped';
  /** JSON of the channel's send mode; null while deferred until the member writes (decided at the flush). */
  readonly sendMode: string | null;
  /** Held until then (quiet hours, daily cap). */
  readonly notBefore: Date | null;
  /** Why it is skipped. */
  readonly errorCode: string | null;
}

/**
 * The policy's answer as a row. A recipient held by quiet hours or the daily cap is queued for the
 * instant they end, with the mode the policy gives them outside those limits (the outbound
 * processor asks the policy again at send time); one waiting for the member to write is
 * 'deferred'; one the policy skips is recorded as skipped with the reason, for the figures.
 */
export function plannedDeliveryOf(b: ReachBucket, purpose: DeliveryPurpose, now: Date, settings: DeliveryPolicySettings): PlannedDelivery {
  const decision = decideForBucket(b, purpose, now, settings);
  if (decision.kind === 'send') return { status: 'queued', sendMode: JSON.stringify(decision.mode), notBefore: null, errorCode: null };
  if (decision.kind === 'skip') return { status: 'skipped', sendMode: null, notBefore: null, errorCode: decision.reason };
  if (decision.until === undefined) return { status: 'deferred', sendMode: null, notBefore: null, errorCode: null };
  const unheld = decideForBucket({ ...b, capped: false }, purpose, now, { ...settings, quietHours: null });
  if (unheld.kind === 'send') return { status: 'queued', sendMode: JSON.stringify(unheld.mode), notBefore: decision.until, errorCode: null };
  if (unheld.kind === 'skip') return { status: 'skipped', sendMode: null, notBefore: null, errorCode: unheld.reason };
  return { status: 'deferred', sendMode: null, notBefore: null, errorCode: null };
}

import type { PlatformChannel, SendMode } from '../channels/channel';
import type { Db } from '../db/database';
import type { ClaimedDelivery, DeliveryOutcome } from '../domain/deliveries/deliveries.repository';
import { decideForClaimed } from '../domain/deliveries/delivery-gate';
import type { DeliveryDecision, DeliveryPolicySettings, SendCost } from '../domain/deliveries/delivery-policy';
import type { OutboundOutcome } from './queues';

/** What the outbound job does with a claimed proactive row, as the delivery policy says. */
export type PolicyVerdict =
  | { readonly kind: 'send'; readonly mode: SendMode; readonly cost: SendCost }
  | {
      readonly kind: 'record';
      readonly record: DeliveryOutcome;
      readonly outcome: OutboundOutcome;
      /** Why it is not sent now (a DeferReason or SkipReason), for logs and metrics. */
      readonly reason: string;
      /** When the row is due again (quiet hours, daily cap): the job waits in the delayed set until then. */
      readonly until?: Date;
    };

const WHY: Readonly<Record<string, string>> = {
  windowClosed: 'outside the platform window for this purpose; waits for the member to write',
  quietHours: 'quiet hours; sent when they end',
  dailyCap: "the member's daily cap is reached; sent on the next day",
  unreachable: 'identity unreachable',
  unfollowed: 'the member does not follow the Official Account',
};

/**
 * Every purpose but 'reply' goes through the delivery policy here, after the claim (so the
 * recipient's clock is the one the claim read, and no other message of the member is in flight).
 * Replies keep the stored or the channel's reply mode: they answer a turn whose window just opened,
 * and the platform's own answer still overrides.
 */
export async function policyVerdict(db: Db, channel: PlatformChannel, claimed: ClaimedDelivery, settings: DeliveryPolicySettings, now: Date): Promise<PolicyVerdict> {
  return verdictOf(await decideForClaimed(db, { ...claimed, channel }, settings, now));
}

/** What the outbound job does with the policy's decision (a batch decides with facts it read for all its rows). */
export function verdictOf(decision: DeliveryDecision): PolicyVerdict {
  switch (decision.kind) {
    case 'send':
      return { kind: 'send', mode: decision.mode, cost: decision.cost };
    case 'skip':
      return { kind: 'record', record: { kind: 'skipped', code: decision.reason, message: WHY[decision.reason]! }, outcome: 'skipped', reason: decision.reason };
    case 'defer':
      if (decision.until) {
        return {
          kind: 'record',
          record: { kind: 'postponed', until: decision.until, code: decision.reason, message: WHY[decision.reason]! },
          outcome: 'deferred',
          reason: decision.reason,
          until: decision.until,
        };
      }
      return { kind: 'record', record: { kind: 'held', code: decision.reason, message: WHY[decision.reason]! }, outcome: 'deferred', reason: decision.reason };
  }
}

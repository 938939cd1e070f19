import type { Db } from '../../db/database';
import type { PlatformChannelId } from '../../db/types';
import type { OutboundMessage } from '../shared/outbound-message';
import type { SendMode } from '../shared/send-mode';
import { localDayOf, zonedMidnight } from '../shared/time';
import { countProactiveSentSince } from './deferred-deliveries.repository';
import type { ClaimedDelivery } from './deliveries.repository';
import { decideDelivery, isProactive, type DeliveryDecision, type DeliveryPolicySettings } from './delivery-policy';

/**
 * The delivery policy applied to a claimed row: its recipient's window clock comes with the claim;
 * for proactive purposes the member's sends of the local day are counted (one indexed query). A
 * chosen Zalo template gets its data from the message.
 */
export async function decideForClaimed(db: Db, claimed: ClaimedDelivery & { readonly channel: PlatformChannelId }, settings: DeliveryPolicySettings, now: Date): Promise<DeliveryDecision> {
  const sentToday = isProactive(claimed.purpose) ? await countProactiveSentSince(db, claimed, startOfLocalDay(now, settings.timeZone)) : 0;
  return decideWithFacts(claimed, sentToday, settings, now);
}

/**
 * decideForClaimed when the member's proactive sends of the local day are already counted (a
 * broadcast's batch counts them for all its rows in one statement): no I/O.
 */
export function decideWithFacts(claimed: ClaimedDelivery & { readonly channel: PlatformChannelId }, sentToday: number, settings: DeliveryPolicySettings, now: Date): DeliveryDecision {
  const decision = decideDelivery(
    {
      purpose: claimed.purpose,
      now,
      sentToday,
      recipient: { channel: claimed.channel, ...claimed.clock, reachability: claimed.reachability },
    },
    settings,
  );
  if (decision.kind !== 'send') return decision;
  return { ...decision, mode: withTemplateData(decision.mode, claimed.message) };
}

/** The instant the local day of `now` began, in the policy's time zone. */
export function startOfLocalDay(now: Date, timeZone: string): Date {
  const day = localDayOf(now, timeZone);
  return zonedMidnight(day.year, day.month, day.day, timeZone);
}

/** Zalo caps a template parameter's length; this is the longest we fill (UNCERTAIN: per template in the console). */
export const TEMPLATE_PARAM_MAX = 400;

/**
 * A Zalo template's parameters from the message: `content` (its text) and `link` (its first link),
 * the names a template for this service must declare (README, ZALO_TEMPLATE_*). UNCERTAIN
 * (zalo.md §2.3): the template body comes from secondary notes; confirm in the console.
 */
export function withTemplateData(mode: SendMode, message: OutboundMessage): SendMode {
  if (mode.channel !== 'zalo' || mode.kind !== 'template') return mode;
  const data: Record<string, string> = { ...mode.templateData };
  if (message.text) data.content = clip(message.text, TEMPLATE_PARAM_MAX);
  const link = message.links?.[0]?.url;
  if (link) data.link = link;
  return { ...mode, templateData: data };
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

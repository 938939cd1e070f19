/**
 * The delivery policy (DESIGN.md "Delivery policy"): for one message of a purpose to one identity,
 * send now (and how), defer, or skip with a reason. Pure: the caller passes the recipient's window
 * clock, how many proactive messages the member already got today, the settings and the time.
 * The platform's own verdict (a "window closed" or "blocked" answer) is applied by the outbound
 * processor and lands back here through `windowClosedAt` and `reachability`.
 */
import type { DeliveryPurpose, PlatformChannelId } from '../../db/types';
import type { SendMode } from '../shared/send-mode';
import { addDays, localDayOf, zonedMidnight, type LocalDay } from '../shared/time';

const HOUR_MS = 3_600_000;
export const MESSENGER_WINDOW_MS = 24 * HOUR_MS;
/** Messenger HUMAN_AGENT: a human's reply up to 7 days after the member's last message. */
export const MESSENGER_HUMAN_AGENT_MS = 7 * 24 * HOUR_MS;
/** Zalo consultation messages are free for 48 h after the member's last interaction… */
export const ZALO_FREE_MS = 48 * HOUR_MS;
/** …and possible (billed) up to 7 days after it; then only an approved template message. */
export const ZALO_CS_MS = 7 * 24 * HOUR_MS;

/** Purposes that answer the member and are never held by quiet hours or the daily cap. */
const CONVERSATIONAL: ReadonlySet<DeliveryPurpose> = new Set(['reply', 'staffReply']);
/** Mass purposes: on Zalo, billed consultation messages only when paid sending is enabled. */
const MASS: ReadonlySet<DeliveryPurpose> = new Set(['waveLaunch', 'recurringContent']);

export interface QuietHoursWindow {
  /** Minutes after local midnight; the window may cross midnight (start > end). */
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface DeliveryPolicySettings {
  readonly timeZone: string;
  readonly quietHours: QuietHoursWindow | null;
  /** Proactive messages one member may get per local day (replies not counted). */
  readonly dailyCap: number;
  readonly messengerTags: {
    readonly confirmedEventUpdate: boolean;
    readonly accountUpdate: boolean;
    readonly humanAgent: boolean;
  };
  /** Billed Zalo consultation messages (48 h – 7 days after the last interaction). */
  readonly zaloPaidEnabled: boolean;
  /** Approved Zalo template (ZBS template message) per purpose, when one is configured. */
  readonly zaloTemplates: Readonly<Partial<Record<DeliveryPurpose, string>>>;
}

export interface RecipientClock {
  readonly channel: PlatformChannelId;
  readonly lastInboundAt: Date | null;
  /** Set when the platform answered "outside window" after the member's last message. */
  readonly windowClosedAt: Date | null;
  readonly reachability: 'reachable' | 'unreachable';
  readonly followState: 'following' | 'unfollowed' | 'unknown';
}

export type DeferReason = 'windowClosed' | 'quietHours' | 'dailyCap';
export type SkipReason = 'unreachable' | 'unfollowed';
export type SendCost = 'free' | 'paid';

export type DeliveryDecision =
  | { readonly kind: 'send'; readonly mode: SendMode; readonly cost: SendCost }
  /** `until` absent: held until the member writes again (the flush after their next turn). */
  | { readonly kind: 'defer'; readonly reason: DeferReason; readonly until?: Date }
  | { readonly kind: 'skip'; readonly reason: SkipReason };

export interface DeliveryQuestion {
  readonly purpose: DeliveryPurpose;
  readonly recipient: RecipientClock;
  readonly now: Date;
  /** Proactive (non-conversational) messages already sent to this member today, local time. */
  readonly sentToday: number;
}

export function decideDelivery(q: DeliveryQuestion, settings: DeliveryPolicySettings): DeliveryDecision {
  const { recipient, purpose, now } = q;
  if (recipient.reachability === 'unreachable') return { kind: 'skip', reason: 'unreachable' };
  if (recipient.followState === 'unfollowed' && recipient.channel === 'zalo') return { kind: 'skip', reason: 'unfollowed' };

  if (!CONVERSATIONAL.has(purpose)) {
    const quietEnd = quietHoursEnd(now, settings);
    if (quietEnd) return { kind: 'defer', reason: 'quietHours', until: quietEnd };
    if (q.sentToday >= settings.dailyCap) return { kind: 'defer', reason: 'dailyCap', until: nextAllowedDay(now, settings) };
  }
  const sinceMs = sinceLastInbound(recipient, now);
  return recipient.channel === 'messenger' ? messengerDecision(purpose, sinceMs, settings) : zaloDecision(purpose, sinceMs, settings);
}

/** Time since the member last wrote; null when the window is closed (never wrote, or the platform closed it since). */
function sinceLastInbound(r: RecipientClock, now: Date): number | null {
  if (r.lastInboundAt === null) return null;
  if (r.windowClosedAt !== null && r.windowClosedAt.getTime() >= r.lastInboundAt.getTime()) return null;
  return Math.max(0, now.getTime() - r.lastInboundAt.getTime());
}

const WAIT_FOR_MEMBER: DeliveryDecision = { kind: 'defer', reason: 'windowClosed' };

function messengerDecision(purpose: DeliveryPurpose, sinceMs: number | null, s: DeliveryPolicySettings): DeliveryDecision {
  const inside = sinceMs !== null && sinceMs < MESSENGER_WINDOW_MS;
  if (inside) {
    const messagingType = purpose === 'reply' || purpose === 'staffReply' ? 'RESPONSE' : 'UPDATE';
    return { kind: 'send', mode: { channel: 'messenger', messagingType }, cost: 'free' };
  }
  const tagged = (tag: 'CONFIRMED_EVENT_UPDATE' | 'ACCOUNT_UPDATE' | 'HUMAN_AGENT'): DeliveryDecision => ({
    kind: 'send',
    mode: { channel: 'messenger', messagingType: 'MESSAGE_TAG', tag },
    cost: 'free',
  });
  switch (purpose) {
    case 'waveReminder':
      return s.messengerTags.confirmedEventUpdate ? tagged('CONFIRMED_EVENT_UPDATE') : WAIT_FOR_MEMBER;
    case 'reviewResult':
      return s.messengerTags.accountUpdate ? tagged('ACCOUNT_UPDATE') : WAIT_FOR_MEMBER;
    case 'staffReply':
      return s.messengerTags.humanAgent && sinceMs !== null && sinceMs < MESSENGER_HUMAN_AGENT_MS ? tagged('HUMAN_AGENT') : WAIT_FOR_MEMBER;
    default:
      // reply, waveLaunch, recurringContent, cadreNudge: no tag covers them outside the window.
      return WAIT_FOR_MEMBER;
  }
}

function zaloDecision(purpose: DeliveryPurpose, sinceMs: number | null, s: DeliveryPolicySettings): DeliveryDecision {
  const cs: SendMode = { channel: 'zalo', kind: 'cs' };
  if (sinceMs !== null && sinceMs < ZALO_FREE_MS) return { kind: 'send', mode: cs, cost: 'free' };
  if (sinceMs !== null && sinceMs < ZALO_CS_MS && (!MASS.has(purpose) || s.zaloPaidEnabled)) return { kind: 'send', mode: cs, cost: 'paid' };
  const templateId = s.zaloTemplates[purpose];
  if (templateId !== undefined && purpose !== 'reply' && purpose !== 'staffReply') {
    // The outbound processor fills templateData from the delivery's message.
    return { kind: 'send', mode: { channel: 'zalo', kind: 'template', templateId, templateData: {} }, cost: 'paid' };
  }
  return WAIT_FOR_MEMBER;
}

/** When `now` falls inside quiet hours, the instant they end; otherwise null. */
export function quietHoursEnd(now: Date, s: Pick<DeliveryPolicySettings, 'quietHours' | 'timeZone'>): Date | null {
  const q = s.quietHours;
  if (q === null) return null;
  const day = localDayOf(now, s.timeZone);
  const midnight = zonedMidnight(day.year, day.month, day.day, s.timeZone);
  const minute = Math.floor((now.getTime() - midnight.getTime()) / 60_000);
  const crossesMidnight = q.startMinute > q.endMinute;
  const inside = crossesMidnight ? minute >= q.startMinute || minute < q.endMinute : minute >= q.startMinute && minute < q.endMinute;
  if (!inside) return null;
  const endDay = crossesMidnight && minute >= q.startMinute ? addDays(day, 1) : day;
  return atLocalMinute(endDay, q.endMinute, s.timeZone);
}

/** The next local day's first allowed minute (the end of its quiet hours, or midnight). */
function nextAllowedDay(now: Date, s: DeliveryPolicySettings): Date {
  const tomorrow = addDays(localDayOf(now, s.timeZone), 1);
  const q = s.quietHours;
  const startsQuiet = q !== null && (q.startMinute > q.endMinute ? true : q.startMinute === 0);
  return atLocalMinute(tomorrow, startsQuiet && q !== null ? q.endMinute : 0, s.timeZone);
}

/** Local wall-clock minute of a day as an instant (exact in zones without a DST change that day). */
function atLocalMinute(day: LocalDay, minute: number, timeZone: string): Date {
  return new Date(zonedMidnight(day.year, day.month, day.day, timeZone).getTime() + minute * 60_000);
}

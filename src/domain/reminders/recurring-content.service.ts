import { withTransaction } from '../../db/database';
import type { NewBroadcast } from '../broadcasts/broadcast.types';
import { itemsScheduledOn, markContentSent, nextTeaching, type ContentPiece } from '../content/recurring-content.repository';
import { addDays, formatIsoDay, formatIsoWeek, localDayOf, zonedMidnight } from '../shared/time';
import { CONTENT_TEXT } from './reminders.vi';
import type { ScheduleContext } from './schedule-context';
import { findRuns, recordRun } from './schedule-runs.repository';

const DAY_MS = 86_400_000;

export type TeachingOutcome =
  | { readonly kind: 'sent'; readonly key: string; readonly broadcastId: string; readonly contentItemId: string }
  | { readonly kind: 'alreadySent'; readonly key: string }
  | { readonly kind: 'noneApproved'; readonly key: string };

/** The weekly teaching's key: one per ISO week of the local day it was scheduled for ("uncleHo:2026-W48"). */
export function teachingKey(scheduledFor: Date, timeZone: string): string {
  return `uncleHo:${formatIsoWeek(localDayOf(scheduledFor, timeZone))}`;
}

export function teachingBroadcast(piece: ContentPiece, key: string, scheduledFor: Date): NewBroadcast {
  return {
    purpose: 'recurringContent',
    text: CONTENT_TEXT.teaching({ body: piece.body, source: piece.source ?? '' }),
    audience: { topic: 'uncleHoTeaching' },
    scheduleKey: key,
    contentItemId: piece.id,
    createdByStaffId: null,
    // Next week brings the next one.
    expiresAt: new Date(scheduledFor.getTime() + 7 * DAY_MS),
    ...(piece.linkUrl ? { buttons: [{ title: CONTENT_TEXT.readMore, url: piece.linkUrl }] } : {}),
  };
}

/**
 * "Lời Bác dạy" of the week to the topic's subscribers: the approved teaching next in rotation
 * (recurring-content.repository.ts). Only approved items with a source are ever sent; when there is
 * none, nothing is sent (the caller logs a warning for staff). Fired twice in a week (a restart, two
 * workers), it sends one: the run's ledger row, and the broadcast's scheduleKey under it.
 */
export async function sendWeeklyTeaching(ctx: ScheduleContext, scheduledFor: Date): Promise<TeachingOutcome> {
  const key = teachingKey(scheduledFor, ctx.timeZone);
  if ((await findRuns(ctx.db, [key])).has(key)) return { kind: 'alreadySent', key };
  const piece = await nextTeaching(ctx.db);
  if (!piece) return { kind: 'noneApproved', key };
  const created = await ctx.broadcasts.create(teachingBroadcast(piece, key, scheduledFor), null);
  const recorded = await withTransaction(ctx.db, async (tx) => {
    if (!(await recordRun(tx, { key, ranAt: scheduledFor, broadcastId: created.id }))) return false;
    await markContentSent(tx, piece.id, scheduledFor);
    return true;
  });
  return recorded ? { kind: 'sent', key, broadcastId: created.id, contentItemId: piece.id } : { kind: 'alreadySent', key };
}

export type DailyKind = 'goodNews' | 'legalInfo';

export interface DailyOutcome {
  readonly day: string;
  /** Items broadcast by this run. */
  readonly sent: readonly { readonly contentItemId: string; readonly broadcastId: string; readonly key: string }[];
  /** Items of the day an earlier run had already sent. */
  readonly alreadySent: number;
}

export function dailyBroadcast(kind: DailyKind, piece: ContentPiece, key: string, expiresAt: Date): NewBroadcast {
  const text = kind === 'goodNews' ? CONTENT_TEXT.goodNews(piece.title, piece.body) : CONTENT_TEXT.legalInfo(piece.title, piece.body);
  return {
    purpose: 'recurringContent',
    text,
    audience: { topic: kind },
    scheduleKey: key,
    contentItemId: piece.id,
    createdByStaffId: null,
    expiresAt,
    ...(piece.linkUrl ? { buttons: [{ title: CONTENT_TEXT.readMore, url: piece.linkUrl }] } : {}),
  };
}

/**
 * The day's good news (or legal information) to the topic's subscribers: each approved item
 * scheduled for the local day of `scheduledFor`, one broadcast each, once. Good news is "today's",
 * so a copy waiting for the member expires at midnight; legal information keeps three days.
 */
export async function sendDailyContent(ctx: ScheduleContext, kind: DailyKind, scheduledFor: Date): Promise<DailyOutcome> {
  const today = localDayOf(scheduledFor, ctx.timeZone);
  const day = formatIsoDay(today);
  const items = await itemsScheduledOn(ctx.db, kind, day);
  const keyOf = (piece: ContentPiece) => `${kind}:${day}:${piece.id}`;
  const runs = await findRuns(ctx.db, items.map(keyOf));
  const tomorrow = addDays(today, 1);
  const midnight = zonedMidnight(tomorrow.year, tomorrow.month, tomorrow.day, ctx.timeZone);
  const expiresAt = kind === 'goodNews' ? midnight : new Date(midnight.getTime() + 2 * DAY_MS);
  const sent: DailyOutcome['sent'][number][] = [];
  for (const piece of items) {
    const key = keyOf(piece);
    if (runs.has(key)) continue;
    const created = await ctx.broadcasts.create(dailyBroadcast(kind, piece, key, expiresAt), null);
    const recorded = await withTransaction(ctx.db, async (tx) => {
      if (!(await recordRun(tx, { key, ranAt: scheduledFor, broadcastId: created.id }))) return false;
      await markContentSent(tx, piece.id, scheduledFor);
      return true;
    });
    if (recorded) sent.push({ contentItemId: piece.id, broadcastId: created.id, key });
  }
  return { day, sent, alreadySent: items.length - sent.length };
}

import { addDays, formatIsoDay, localDayOf, zonedMidnight } from '../shared/time';
import { runStepOnce, type StepOutcome } from './direct-messages';
import { GOOD_NEWS_REPORT_TEXT, THEORY_CLUB_TEXT } from './reminders.vi';
import { branchesReportedOn, listBranches, listCadres, listTheoryClub } from './reminders.repository';
import type { ScheduleContext } from './schedule-context';

const DAY_MS = 86_400_000;

export interface PeriodicOutcome {
  readonly key: string;
  /** False when an earlier run of the same step had done it. */
  readonly ran: boolean;
  readonly messages: number;
  readonly withoutIdentity: number;
}

function outcomeOf(key: string, step: StepOutcome): PeriodicOutcome {
  return step.ran ? { key, ran: true, messages: step.deliveryIds.length, withoutIdentity: step.withoutIdentity.length } : { key, ran: false, messages: 0, withoutIdentity: 0 };
}

/** "theoryClub:2026-Q2": one reminder per quarter, whichever day of it the schedule fires. */
export function theoryClubKey(scheduledFor: Date, timeZone: string): { key: string; quarter: number; year: number } {
  const day = localDayOf(scheduledFor, timeZone);
  const quarter = Math.floor((day.month - 1) / 3) + 1;
  return { key: `theoryClub:${day.year}-Q${quarter}`, quarter, year: day.year };
}

/** The quarterly reminder of the theory club's meeting, to its verified members, once a quarter. */
export async function sendTheoryClubReminder(ctx: ScheduleContext, scheduledFor: Date): Promise<PeriodicOutcome> {
  const { key, quarter, year } = theoryClubKey(scheduledFor, ctx.timeZone);
  const step = await runStepOnce(ctx.db, ctx.outbox, { key, ranAt: scheduledFor }, async (tx) =>
    (await listTheoryClub(tx)).map((memberId) => ({
      memberId,
      // A club notice, not an event the member signed up for in the bot: sent like recurring content.
      purpose: 'recurringContent' as const,
      idempotencyKey: `${key}:${memberId}`,
      message: { text: THEORY_CLUB_TEXT.quarterly(quarter, year) },
      topic: 'theoryClub',
      expiresAt: new Date(scheduledFor.getTime() + 14 * DAY_MS),
    })),
  );
  return outcomeOf(key, step);
}

/**
 * The evening reminder: the cadres of each branch that has reported no good-news post for the day
 * (branch_reports, local day) are reminded, once a day. Branches without cadres are left out.
 */
export async function sendGoodNewsReportReminders(ctx: ScheduleContext, scheduledFor: Date): Promise<PeriodicOutcome> {
  const today = localDayOf(scheduledFor, ctx.timeZone);
  const day = formatIsoDay(today);
  const key = `goodNewsReport:${day}`;
  const tomorrow = addDays(today, 1);
  const midnight = zonedMidnight(tomorrow.year, tomorrow.month, tomorrow.day, ctx.timeZone);
  const step = await runStepOnce(ctx.db, ctx.outbox, { key, ranAt: scheduledFor }, async (tx) => {
    const reported = await branchesReportedOn(tx, day);
    const names = new Map((await listBranches(tx)).map((b) => [b.id, b.name]));
    const cadres = (await listCadres(tx)).filter((c) => names.has(c.branchId) && !reported.has(c.branchId));
    return cadres.map((cadre) => ({
      memberId: cadre.id,
      purpose: 'cadreNudge' as const,
      idempotencyKey: `${key}:${cadre.id}`,
      message: { text: GOOD_NEWS_REPORT_TEXT.evening(names.get(cadre.branchId)!, today) },
      topic: 'goodNewsReport',
      // About today's post: pointless after midnight.
      expiresAt: midnight,
    }));
  });
  return outcomeOf(key, step);
}

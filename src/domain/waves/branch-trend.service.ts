import { withTransaction, type Db, type Tx } from '../../db/database';
import { recordMemberAction } from '../members/member-verification.repository';
import { foldVietnamese } from '../shared/text';
import { assertLocalDay, zonedDayRange, zonedMidnight, type LocalDay } from '../shared/time';
import { countBranchTrends, findPlanAboveBranch, insertBranchTrend } from './branch-trend.repository';

/**
 * A branch's own trend (trào lưu của cơ sở; the plan asks each branch for at least one a year),
 * registered by one of its cadres in chat: checked here, saved as a draft wave the branch owns,
 * for district staff to see and open.
 */

export const TREND_TITLE_MIN = 5;
export const TREND_TITLE_MAX = 150;
export const TREND_DESCRIPTION_MIN = 10;
export const TREND_DESCRIPTION_MAX = 1000;
export const HASHTAG_MIN = 2;
export const HASHTAG_MAX = 50;
/** A trend is a short burst; anything longer is more likely a typing slip than a plan. */
export const TREND_MAX_DAYS = 92;

export type TextCheck = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problem: 'tooShort' | 'tooLong' };

function checkLength(text: string, min: number, max: number): TextCheck {
  const value = text.normalize('NFC').replace(/[ \t]+/g, ' ').trim();
  if (value.length < min) return { ok: false, problem: 'tooShort' };
  if (value.length > max) return { ok: false, problem: 'tooLong' };
  return { ok: true, value };
}

export function checkTrendTitle(text: string): TextCheck {
  return checkLength(text.replace(/\s+/g, ' '), TREND_TITLE_MIN, TREND_TITLE_MAX);
}

export function checkTrendDescription(text: string): TextCheck {
  return checkLength(text, TREND_DESCRIPTION_MIN, TREND_DESCRIPTION_MAX);
}

export type HashtagCheck = { readonly ok: true; readonly hashtag: string } | { readonly ok: false; readonly problem: 'empty' | 'tooLong' };

/**
 * "#NoSpaces": what the cadre typed, with or without "#", words run together, each word after the
 * first starting with a capital so it stays readable ("tự hào bình tân" → "#TựHàoBìnhTân").
 * Letters keep their diacritics (Facebook and TikTok take them); punctuation is dropped.
 */
export function normalizeHashtag(text: string): HashtagCheck {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{M}\p{N}_]+/u)
    .filter((w) => w !== '');
  const tag = words.map((w, i) => (i === 0 && words.length === 1 ? w : w.charAt(0).toLocaleUpperCase('vi') + w.slice(1))).join('');
  if (tag.length < HASHTAG_MIN || !/\p{L}/u.test(tag)) return { ok: false, problem: 'empty' };
  if (tag.length > HASHTAG_MAX) return { ok: false, problem: 'tooLong' };
  return { ok: true, hashtag: `#${tag}` };
}

export interface TypedDay {
  readonly day: number;
  readonly month: number;
  /** Absent when the cadre typed d/m. */
  readonly year?: number;
}

/** "5/12", "05-12", "5.12.2026", "ngày 5/12/26" → the parts; undefined when it is not a day written so. */
export function parseTypedDay(text: string): TypedDay | undefined {
  const m = /^(?:ngay\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2}))?$/.exec(foldVietnamese(text));
  if (!m) return undefined;
  const yearText = m[3];
  const year = yearText === undefined ? undefined : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  return { day: Number(m[1]), month: Number(m[2]), ...(year === undefined ? {} : { year }) };
}

export type DayCheck =
  | { readonly ok: true; readonly day: LocalDay }
  | { readonly ok: false; readonly problem: 'notADay' | 'notACalendarDay' | 'inThePast' | 'beforeStart' | 'tooLong' };

function isCalendarDay(day: LocalDay): boolean {
  try {
    assertLocalDay(day);
    return true;
  } catch {
    return false;
  }
}

function compareDays(a: LocalDay, b: LocalDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function daysBetween(first: LocalDay, last: LocalDay): number {
  return Math.round((Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000);
}

/**
 * The first day of a trend. d/m means its next occurrence (today counts), so "5/1" typed in
 * November is next January; a day with its year must not be in the past.
 */
export function checkStartDay(text: string, today: LocalDay): DayCheck {
  const typed = parseTypedDay(text);
  if (!typed) return { ok: false, problem: 'notADay' };
  let day: LocalDay = { year: typed.year ?? today.year, month: typed.month, day: typed.day };
  if (typed.year === undefined && compareDays(day, today) < 0) day = { ...day, year: today.year + 1 };
  if (!isCalendarDay(day)) return { ok: false, problem: 'notACalendarDay' };
  if (compareDays(day, today) < 0) return { ok: false, problem: 'inThePast' };
  return { ok: true, day };
}

/**
 * The last day of a trend (inclusive), on or after its first. d/m means the first such day on or
 * after the start (20/12 → 10/1 crosses the new year), unless that makes the trend implausibly
 * long: then the cadre most likely typed an end before the start, and is told so.
 */
export function checkEndDay(text: string, start: LocalDay): DayCheck {
  const typed = parseTypedDay(text);
  if (!typed) return { ok: false, problem: 'notADay' };
  let day: LocalDay = { year: typed.year ?? start.year, month: typed.month, day: typed.day };
  let rolled = false;
  if (typed.year === undefined && compareDays(day, start) < 0) {
    day = { ...day, year: start.year + 1 };
    rolled = true;
  }
  if (!isCalendarDay(day)) return { ok: false, problem: 'notACalendarDay' };
  if (compareDays(day, start) < 0) return { ok: false, problem: 'beforeStart' };
  if (daysBetween(start, day) + 1 > TREND_MAX_DAYS) return { ok: false, problem: rolled ? 'beforeStart' : 'tooLong' };
  return { ok: true, day };
}

export interface BranchTrendDraft {
  readonly title: string;
  readonly description: string;
  readonly hashtag: string;
  readonly first: LocalDay;
  readonly last: LocalDay;
}

export interface SavedBranchTrend {
  readonly waveId: string;
  /** This one included: the branch's trends starting in the trend's (local) year. */
  readonly trendsThisYear: number;
}

/** Saves a checked draft as the branch's trend (a draft wave, attached to the year's plan when there is one). */
export async function registerBranchTrend(
  db: Db | Tx,
  cadre: { readonly memberId: string; readonly branchId: string },
  draft: BranchTrendDraft,
  timeZone: string,
  now: Date,
): Promise<SavedBranchTrend> {
  const { startsAt, endsAt } = zonedDayRange(draft.first, draft.last, timeZone);
  return withTransaction(db, async (tx) => {
    const planId = (await findPlanAboveBranch(tx, cadre.branchId, draft.first.year)) ?? null;
    const waveId = await insertBranchTrend(tx, {
      branchId: cadre.branchId,
      createdByMemberId: cadre.memberId,
      planId,
      title: draft.title,
      description: draft.description,
      hashtag: draft.hashtag,
      startsAt,
      endsAt,
    });
    await recordMemberAction(tx, { actorMemberId: cadre.memberId, action: 'trend.registered', subjectKind: 'wave', subjectId: waveId, unitId: cadre.branchId, at: now });
    const yearStart = zonedMidnight(draft.first.year, 1, 1, timeZone);
    const nextYear = zonedMidnight(draft.first.year + 1, 1, 1, timeZone);
    return { waveId, trendsThisYear: await countBranchTrends(tx, cadre.branchId, yearStart, nextYear) };
  });
}


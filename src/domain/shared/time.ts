/**
 * Calendar days and instants in a named time zone (APP_TIMEZONE). Pure: the zone's offset comes
 * from Intl, never from a hard-coded +07:00, so a zone with daylight saving time works too.
 */

/** A day on the wall calendar, with no zone: month 1–12, day 1–31. */
export interface LocalDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// Date.UTC maps years 0–99 onto 1900–1999; setUTCFullYear does not.
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The wall-clock reading of `instant` in `timeZone`, as if that reading were UTC (milliseconds). */
function wallClockMs(instant: Date, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) fields[part.type] = part.value;
  return utcMs(Number(fields.year), Number(fields.month), Number(fields.day), Number(fields.hour), Number(fields.minute), Number(fields.second));
}

/** The zone's offset from UTC at `instant`, in minutes (Asia/Ho_Chi_Minh: 420). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid instant');
  const wholeSeconds = ms - (((ms % 1000) + 1000) % 1000);
  return Math.round((wallClockMs(instant, timeZone) - wholeSeconds) / MINUTE_MS);
}

/** Throws unless `day` names a real calendar day (no 30 February). */
export function assertLocalDay(day: LocalDay): void {
  const { year, month, day: dayOfMonth } = day;
  if (![year, month, dayOfMonth].every(Number.isInteger)) throw new RangeError(`not a calendar day: ${formatIsoDay(day)}`);
  const date = new Date(utcMs(year, month, dayOfMonth));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== dayOfMonth) {
    throw new RangeError(`not a calendar day: ${formatIsoDay(day)}`);
  }
}

/**
 * The instant a calendar day begins in `timeZone`: local 00:00. Where a zone skips midnight
 * (daylight saving starting at 00:00), the day begins when the clocks jump; where midnight occurs
 * twice, the first one counts.
 */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  assertLocalDay({ year, month, day });
  const wall = utcMs(year, month, day);
  // Transitions are months apart, so the offsets a day either side are the only candidates.
  const offsets = [...new Set([zoneOffsetMinutes(new Date(wall - DAY_MS), timeZone), zoneOffsetMinutes(new Date(wall + DAY_MS), timeZone)])];
  const matching = offsets
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((candidate) => wallClockMs(new Date(candidate), timeZone) === wall)
    .sort((a, b) => a - b);
  if (matching[0] !== undefined) return new Date(matching[0]);
  // Midnight fell in a gap: the jump happened at 00:00 on the earlier (smaller) offset.
  return new Date(wall - Math.min(...offsets) * MINUTE_MS);
}

/** The calendar day `instant` falls on in `timeZone`. */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  const wall = new Date(wallClockMs(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The calendar day `instant` falls on in `timeZone`, as YYYY-MM-DD. */
export function localDateOf(instant: Date, timeZone: string): string {
  return formatIsoDay(localDayOf(instant, timeZone));
}

/** The calendar day `days` after `day` (negative goes back). */
export function addDays(day: LocalDay, days: number): LocalDay {
  const date = new Date(utcMs(day.year, day.month, day.day) + days * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

export interface ZonedRange {
  readonly startsAt: Date;
  /** Exclusive: local midnight of the day after the last day. */
  readonly endsAt: Date;
}

/** The instants spanning whole days `first` through `last` (inclusive) in `timeZone`. */
export function zonedDayRange(first: LocalDay, last: LocalDay, timeZone: string): ZonedRange {
  const after = addDays(last, 1);
  const startsAt = zonedMidnight(first.year, first.month, first.day, timeZone);
  const endsAt = zonedMidnight(after.year, after.month, after.day, timeZone);
  if (endsAt <= startsAt) throw new RangeError(`the range ${formatIsoDay(first)}–${formatIsoDay(last)} is empty`);
  return { startsAt, endsAt };
}

/** YYYY-MM-DD. */
export function formatIsoDay(day: LocalDay): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(day.year, 4)}-${pad(day.month, 2)}-${pad(day.day, 2)}`;
}

/** The Vietnamese way of writing a day: 2/9/1945. */
export function formatVietnameseDay(day: LocalDay): string {
  return `${day.day}/${day.month}/${day.year}`;
}

/** The ISO 8601 week of a calendar day (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOf(day: LocalDay): { readonly year: number; readonly week: number } {
  const date = new Date(utcMs(day.year, day.month, day.day));
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(date.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - utcMs(year, 1, 1)) / (7 * DAY_MS));
  return { year, week };
}

/** The ISO week as "2026-W48". */
export function formatIsoWeek(day: LocalDay): string {
  const { year, week } = isoWeekOf(day);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The instant of a local wall-clock time (hour, minute) on `day` in `timeZone`. */
export function zonedTime(day: LocalDay, hour: number, minute: number, timeZone: string): Date {
  const midnight = zonedMidnight(day.year, day.month, day.day, timeZone);
  const guess = new Date(midnight.getTime() + (hour * 60 + minute) * MINUTE_MS);
  // A change of offset between midnight and that time (daylight saving) shifts the reading.
  const drift = zoneOffsetMinutes(guess, timeZone) - zoneOffsetMinutes(midnight, timeZone);
  return new Date(guess.getTime() - drift * MINUTE_MS);
}

/** Minutes since local midnight at `instant` in `timeZone`. */
export function localMinuteOf(instant: Date, timeZone: string): number {
  const wall = wallClockMs(instant, timeZone);
  return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDay, to: LocalDay): number {
  return Math.round((utcMs(to.year, to.month, to.day) - utcMs(from.year, from.month, from.day)) / DAY_MS);
}

/** A YYYY-MM-DD day back into its parts. */
export function parseIsoDay(text: string): LocalDay {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a YYYY-MM-DD day: ${text}`);
  const day = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  assertLocalDay(day);
  return day;
}

/**
 * The next instants of every schedule across 2024–2026 in Asia/Ho_Chi_Minh, computed by the very
 * function BullMQ's job scheduler calls (`defaultRepeatStrategy`, on cron-parser) with the options
 * ensureSchedulers passes ({pattern, tz}), from the patterns the settings give by default.
 */
import { defaultRepeatStrategy } from 'bullmq';
import { loadConfig, type ScheduleName } from '../../../src/config/config';

const TZ = 'Asia/Ho_Chi_Minh';
const settings = loadConfig({}).schedules;

/** Every firing after `from` (exclusive) up to `until`, stepping the way the scheduler does: from each fired instant. */
function firings(schedule: ScheduleName, fromIso: string, untilIso: string): Date[] {
  const pattern = settings[schedule];
  if (pattern === null) throw new Error(`${schedule} is off by default`);
  const out: Date[] = [];
  let at = Date.parse(fromIso);
  const until = Date.parse(untilIso);
  for (;;) {
    const next = defaultRepeatStrategy(at, { pattern, tz: TZ });
    if (next === undefined || next > until) return out;
    if (next <= at) throw new Error(`no progress at ${new Date(at).toISOString()}`);
    out.push(new Date(next));
    at = next;
  }
}

/** Read back independently of the code under test: weekday and wall clock in Ho Chi Minh City. */
function local(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

const FROM = '2023-12-31T17:00:00.000Z'; // 1 Jan 2024 00:00 local
const UNTIL = '2026-12-31T16:59:59.999Z'; // 31 Dec 2026 23:59:59 local
const DAY_MS = 86_400_000;

function gaps(dates: readonly Date[]): Set<number> {
  return new Set(dates.slice(1).map((d, i) => d.getTime() - dates[i]!.getTime()));
}

describe('schedule times (BullMQ cron, Asia/Ho_Chi_Minh, 2024–2026)', () => {
  it('When the defaults are read, then each schedule has the documented pattern', () => {
    expect(settings).toEqual({
      uncleHoTeaching: '30 7 * * 1',
      goodNews: '0 7 * * *',
      legalInfo: '30 11 * * *',
      waveLifecycle: '*/5 * * * *',
      cadreNudges: '0 9 * * *',
      branchDigest: '0 16 * * 5',
      theoryClub: '0 8 * 1,4,7,10 1#1',
      goodNewsReportReminder: '0 20 * * *',
    });
  });

  it('When the weekly teaching runs, then it is every Monday 07:30 local, the first on Monday 1 Jan 2024, across both year ends', () => {
    const dates = firings('uncleHoTeaching', FROM, UNTIL);
    expect(dates).toHaveLength(53 + 52 + 52); // 2024 begins on a Monday and has 53 of them
    expect(dates[0]!.toISOString()).toBe('2024-01-01T00:30:00.000Z');
    expect(local(dates[0]!)).toBe('Mon, 01/01/2024, 07:30');
    for (const d of dates) expect(local(d)).toMatch(/^Mon, .*, 07:30$/);
    expect(gaps(dates)).toEqual(new Set([7 * DAY_MS]));
    const iso = dates.map((d) => d.toISOString());
    // 30 Dec 2024 → 6 Jan 2025; 29 Dec 2025 → 5 Jan 2026.
    expect(iso[iso.indexOf('2024-12-30T00:30:00.000Z') + 1]).toBe('2025-01-06T00:30:00.000Z');
    expect(iso[iso.indexOf('2025-12-29T00:30:00.000Z') + 1]).toBe('2026-01-05T00:30:00.000Z');
    expect(iso.at(-1)).toBe('2026-12-28T00:30:00.000Z');
  });

  it.each([
    ['goodNews', '07:00', '2024-01-01T00:00:00.000Z', '2024-12-31T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['legalInfo', '11:30', '2024-01-01T04:30:00.000Z', '2024-12-31T04:30:00.000Z', '2025-01-01T04:30:00.000Z'],
    ['cadreNudges', '09:00', '2024-01-01T02:00:00.000Z', '2024-12-31T02:00:00.000Z', '2025-01-01T02:00:00.000Z'],
    ['goodNewsReportReminder', '20:00', '2024-01-01T13:00:00.000Z', '2024-12-31T13:00:00.000Z', '2025-01-01T13:00:00.000Z'],
  ] as const)('When %s runs daily, then it is %s local every day of the three years (1,096 days, 29 Feb 2024 included)', (schedule, time, first, newYearsEve, newYearsDay) => {
    const dates = firings(schedule, FROM, UNTIL);
    expect(dates).toHaveLength(366 + 365 + 365);
    expect(dates[0]!.toISOString()).toBe(first);
    for (const d of dates) expect(local(d).endsWith(`, ${time}`)).toBe(true);
    expect(gaps(dates)).toEqual(new Set([DAY_MS]));
    const iso = dates.map((d) => d.toISOString());
    expect(iso[iso.indexOf(newYearsEve) + 1]).toBe(newYearsDay);
    expect(dates.some((d) => local(d).startsWith('Thu, 29/02/2024'))).toBe(true);
  });

  it('When the weekly digest runs, then it is every Friday 16:00 local', () => {
    const dates = firings('branchDigest', FROM, UNTIL);
    expect(dates).toHaveLength(52 + 52 + 52);
    expect(dates[0]!.toISOString()).toBe('2024-01-05T09:00:00.000Z');
    for (const d of dates) expect(local(d)).toMatch(/^Fri, .*, 16:00$/);
    expect(gaps(dates)).toEqual(new Set([7 * DAY_MS]));
    const iso = dates.map((d) => d.toISOString());
    expect(iso[iso.indexOf('2024-12-27T09:00:00.000Z') + 1]).toBe('2025-01-03T09:00:00.000Z');
    expect(iso[iso.indexOf('2025-12-26T09:00:00.000Z') + 1]).toBe('2026-01-02T09:00:00.000Z');
  });

  it('When the theory club reminder runs, then it is the first Monday of each quarter at 08:00 local, and only then', () => {
    const dates = firings('theoryClub', FROM, UNTIL).map(local);
    expect(dates).toEqual([
      'Mon, 01/01/2024, 08:00',
      'Mon, 01/04/2024, 08:00',
      'Mon, 01/07/2024, 08:00',
      'Mon, 07/10/2024, 08:00',
      'Mon, 06/01/2025, 08:00',
      'Mon, 07/04/2025, 08:00',
      'Mon, 07/07/2025, 08:00',
      'Mon, 06/10/2025, 08:00',
      'Mon, 05/01/2026, 08:00',
      'Mon, 06/04/2026, 08:00',
      'Mon, 06/07/2026, 08:00',
      'Mon, 05/10/2026, 08:00',
    ]);
  });

  it('When the wave lifecycle ticks, then it is every 5 minutes, through midnight of a year end', () => {
    const dates = firings('waveLifecycle', '2024-12-31T16:50:00.000Z', '2024-12-31T17:10:00.000Z').map(local);
    expect(dates).toEqual(['Tue, 31/12/2024, 23:55', 'Wed, 01/01/2025, 00:00', 'Wed, 01/01/2025, 00:05', 'Wed, 01/01/2025, 00:10']);
    const day = firings('waveLifecycle', '2024-02-28T16:59:59.999Z', '2024-02-29T16:59:59.999Z'); // 29 Feb 2024, local
    expect(day).toHaveLength(288);
    expect(local(day[0]!)).toBe('Thu, 29/02/2024, 00:00');
    expect(gaps(day)).toEqual(new Set([5 * 60_000]));
  });

  it('When asked at the exact instant of a firing, then the next is the following one (a fired job is not fired again)', () => {
    expect(new Date(defaultRepeatStrategy(Date.parse('2024-01-01T00:30:00.000Z'), { pattern: '30 7 * * 1', tz: TZ })!).toISOString()).toBe('2024-01-08T00:30:00.000Z');
  });

  it('When a server in UTC forgot the zone, then 07:30 would be 14:30 in Vietnam (why ensureSchedulers always passes tz)', () => {
    const utc = defaultRepeatStrategy(Date.parse(FROM), { pattern: '30 7 * * 1', tz: 'UTC' })!;
    expect(local(new Date(utc))).toBe('Mon, 01/01/2024, 14:30');
  });
});

import {
  addDays,
  assertLocalDay,
  formatIsoDay,
  formatVietnameseDay,
  localDateOf,
  zonedDayRange,
  zonedMidnight,
  zoneOffsetMinutes,
} from '../../../src/domain/shared/time';

const HCM = 'Asia/Ho_Chi_Minh';
const BERLIN = 'Europe/Berlin';

describe('zoneOffsetMinutes', () => {
  it('When asked for Ho Chi Minh City, then the offset is +7 h all year', () => {
    expect(zoneOffsetMinutes(new Date('2024-01-15T12:00:00Z'), HCM)).toBe(420);
    expect(zoneOffsetMinutes(new Date('2024-07-15T12:00:00Z'), HCM)).toBe(420);
  });

  it('When asked for Berlin in winter and in summer, then daylight saving time shows', () => {
    expect(zoneOffsetMinutes(new Date('2024-01-15T12:00:00Z'), BERLIN)).toBe(60);
    expect(zoneOffsetMinutes(new Date('2024-07-15T12:00:00Z'), BERLIN)).toBe(120);
  });

  it('When the zone is behind UTC or off by a half hour, then the sign and minutes are right', () => {
    expect(zoneOffsetMinutes(new Date('2024-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes(new Date('2024-01-15T12:00:00.999Z'), 'Asia/Kolkata')).toBe(330);
  });
});

describe('zonedMidnight', () => {
  it('When a day begins in Ho Chi Minh City, then it is 17:00 UTC the day before', () => {
    expect(zonedMidnight(2024, 3, 1, HCM).toISOString()).toBe('2024-02-29T17:00:00.000Z');
    expect(zonedMidnight(2025, 1, 1, HCM).toISOString()).toBe('2024-12-31T17:00:00.000Z');
  });

  it('When the day is in UTC, then it is the same midnight', () => {
    expect(zonedMidnight(2024, 2, 29, 'UTC').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('When Berlin changes to and from summer time, then each midnight uses the offset of that night', () => {
    expect(zonedMidnight(2024, 3, 31, BERLIN).toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(zonedMidnight(2024, 4, 1, BERLIN).toISOString()).toBe('2024-03-31T22:00:00.000Z');
    expect(zonedMidnight(2024, 10, 27, BERLIN).toISOString()).toBe('2024-10-26T22:00:00.000Z');
    expect(zonedMidnight(2024, 10, 28, BERLIN).toISOString()).toBe('2024-10-27T23:00:00.000Z');
  });

  it('When a zone skips midnight (Santiago starts summer time at 00:00), then the day begins at the jump', () => {
    // 00:00 -04 never happens on 8 September 2024: the clocks go to 01:00 -03, which is 04:00 UTC.
    expect(zonedMidnight(2024, 9, 8, 'America/Santiago').toISOString()).toBe('2024-09-08T04:00:00.000Z');
  });

  it('When the date does not exist, then it throws', () => {
    expect(() => zonedMidnight(2025, 2, 29, HCM)).toThrow(RangeError);
    expect(() => zonedMidnight(2024, 13, 1, HCM)).toThrow(RangeError);
    expect(() => zonedMidnight(2024, 4, 31, HCM)).toThrow(RangeError);
  });

  it('When the time zone is unknown, then it throws', () => {
    expect(() => zonedMidnight(2024, 3, 1, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('localDateOf', () => {
  it('When an instant is late evening UTC, then in Ho Chi Minh City it is already the next day', () => {
    expect(localDateOf(new Date('2024-02-29T17:00:00.000Z'), HCM)).toBe('2024-03-01');
    expect(localDateOf(new Date('2024-02-29T16:59:59.999Z'), HCM)).toBe('2024-02-29');
  });

  it('When an instant is a zone midnight, then its local date is that day in the same zone', () => {
    for (const zone of [HCM, BERLIN, 'America/New_York', 'UTC']) {
      expect(localDateOf(zonedMidnight(2024, 10, 27, zone), zone)).toBe('2024-10-27');
    }
  });
});

describe('calendar days', () => {
  it('When days are added across a month, a leap day and a year, then the calendar is followed', () => {
    expect(addDays({ year: 2024, month: 3, day: 31 }, 1)).toEqual({ year: 2024, month: 4, day: 1 });
    expect(addDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addDays({ year: 2024, month: 12, day: 31 }, 1)).toEqual({ year: 2025, month: 1, day: 1 });
    expect(addDays({ year: 2024, month: 3, day: 1 }, -1)).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('When a day is checked or formatted, then impossible days are refused and real ones written both ways', () => {
    expect(() => assertLocalDay({ year: 2024, month: 2, day: 30 })).toThrow(RangeError);
    expect(() => assertLocalDay({ year: 2024, month: 2.5, day: 1 })).toThrow(RangeError);
    expect(formatIsoDay({ year: 1945, month: 9, day: 2 })).toBe('1945-09-02');
    expect(formatVietnameseDay({ year: 1945, month: 9, day: 2 })).toBe('2/9/1945');
  });
});

describe('zonedDayRange', () => {
  it('When a range covers March in Ho Chi Minh City, then it ends exclusively at 1 April 00:00 local', () => {
    const range = zonedDayRange({ year: 2024, month: 3, day: 1 }, { year: 2024, month: 3, day: 31 }, HCM);
    expect(range.startsAt.toISOString()).toBe('2024-02-29T17:00:00.000Z');
    expect(range.endsAt.toISOString()).toBe('2024-03-31T17:00:00.000Z');
  });

  it('When a Berlin range spans the change to summer time, then it is one hour shorter than its days', () => {
    const range = zonedDayRange({ year: 2024, month: 3, day: 1 }, { year: 2024, month: 3, day: 31 }, BERLIN);
    expect(range.endsAt.getTime() - range.startsAt.getTime()).toBe((31 * 24 - 1) * 3_600_000);
  });

  it('When the last day is before the first, then it throws', () => {
    expect(() => zonedDayRange({ year: 2024, month: 3, day: 2 }, { year: 2024, month: 3, day: 1 }, HCM)).toThrow(RangeError);
  });
});

import { localDayOf, zoneOffsetMinutes, type LocalDay } from '../shared/time';

/** The union's name as every report of a Youth Union office opens with it. */
export const UNION_NAME = 'ĐOÀN TNCS HỒ CHÍ MINH';

/** "ngày 29 tháng 11 năm 2026", as an official document writes a date. */
export function vietnameseLongDate(day: LocalDay): string {
  return `ngày ${day.day} tháng ${day.month} năm ${day.year}`;
}

/** "1/11/2026". */
export function shortDate(day: LocalDay): string {
  return `${day.day}/${day.month}/${day.year}`;
}

/** "14:05 ngày 29 tháng 11 năm 2026" on the zone's wall clock. */
export function vietnameseMoment(instant: Date, timeZone: string): string {
  const wall = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  const hhmm = `${String(wall.getUTCHours()).padStart(2, '0')}:${String(wall.getUTCMinutes()).padStart(2, '0')}`;
  return `${hhmm} ${vietnameseLongDate(localDayOf(instant, timeZone))}`;
}

/** The last day a period with an exclusive end covers. */
export function lastDayBefore(endsAt: Date, timeZone: string): LocalDay {
  return localDayOf(new Date(endsAt.getTime() - 1), timeZone);
}

/**
 * The lines above a report's table, in the shape a district office sends up to the city union:
 * the union and the unit (upper case, top left), a blank line, the report's title and what it
 * covers (centred), and when its figures were taken.
 */
export function reportHeading(input: { readonly unitName: string; readonly title: string; readonly details: readonly string[]; readonly at: Date; readonly timeZone: string }): string[] {
  return [
    UNION_NAME,
    input.unitName.toLocaleUpperCase('vi'),
    '',
    input.title.toLocaleUpperCase('vi'),
    ...input.details,
    `Số liệu tính đến ${vietnameseMoment(input.at, input.timeZone)}`,
  ];
}

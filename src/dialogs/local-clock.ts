import { localDayOf, type LocalDay } from '../domain/shared/time';

export interface LocalClock extends LocalDay {
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of `instant` in `timeZone`, to show members a deadline or a time sent. */
export function localClockOf(instant: Date, timeZone: string): LocalClock {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return { ...localDayOf(instant, timeZone), hour: Number(parts.hour), minute: Number(parts.minute) };
}

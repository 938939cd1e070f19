import { decideCadreNudge, NO_NUDGES, type CadreNudgeHistory } from '../../../src/domain/reminders/cadre-nudge';
import { addDays, type LocalDay } from '../../../src/domain/shared/time';

const launchedOn: LocalDay = { year: 2026, month: 3, day: 30 };
const day = (n: number) => addDays(launchedOn, n);

/** Plays the daily run from the launch for `days` days, applying each decision; returns what happened on which day. */
function simulate(days: number, joinedOnDay: number | null = null): string[] {
  let history: CadreNudgeHistory = NO_NUDGES;
  const log: string[] = [];
  for (let n = 0; n <= days; n += 1) {
    const d = decideCadreNudge({ launchedOn, joined: joinedOnDay !== null && n >= joinedOnDay, history }, day(n));
    if (d.kind === 'nudge') {
      history = { ...history, nudges: d.nth, lastNudgedOn: day(n) };
      log.push(`day ${n}: nudge ${d.nth}`);
    } else if (d.kind === 'tellSecretary') {
      history = { ...history, secretaryToldOn: day(n) };
      log.push(`day ${n}: secretary`);
    }
  }
  return log;
}

describe('cadre nudge cadence', () => {
  it('When a cadre never joins, then the nudges come on day 3 and day 5 (across a month end), the secretary is told on day 7, then nothing more', () => {
    expect(simulate(30)).toEqual(['day 3: nudge 1', 'day 5: nudge 2', 'day 7: secretary']);
  });

  it('When the cadre joins after the first nudge, then nothing more is sent', () => {
    expect(simulate(30, 4)).toEqual(['day 3: nudge 1']);
  });

  it('When the cadre joined before day 3, then no nudge at all', () => {
    expect(simulate(30, 2)).toEqual([]);
  });

  it('When the daily run missed days, then the next nudge still waits 2 days after the last one', () => {
    const history: CadreNudgeHistory = { nudges: 1, lastNudgedOn: day(10), secretaryToldOn: null };
    expect(decideCadreNudge({ launchedOn, joined: false, history }, day(11))).toEqual({ kind: 'wait' });
    expect(decideCadreNudge({ launchedOn, joined: false, history }, day(12))).toEqual({ kind: 'nudge', nth: 2 });
  });

  it('When run twice on the same day, then the second run finds the day already used', () => {
    const history: CadreNudgeHistory = { nudges: 1, lastNudgedOn: day(3), secretaryToldOn: null };
    expect(decideCadreNudge({ launchedOn, joined: false, history }, day(3))).toEqual({ kind: 'wait' });
  });
});

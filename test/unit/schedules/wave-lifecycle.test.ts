import { dueWaveSteps, stepWindows, waveStepKey, type LifecycleWave, type WaveStep } from '../../../src/domain/waves/wave-lifecycle';

const TZ = 'Asia/Ho_Chi_Minh';
const at = (local: string) => new Date(`${local}+07:00`);

/** The March wave of the example plan: 1–31 March, ends at 1 April 00:00 local. */
const march: LifecycleWave = { startsAt: at('2026-03-01T00:00:00'), endsAt: at('2026-04-01T00:00:00'), status: 'open' };

function due(wave: LifecycleWave, now: string, done: Partial<Record<WaveStep, string>> = {}): WaveStep[] {
  return dueWaveSteps(wave, at(now), { done: new Map(Object.entries(done).map(([k, v]) => [k as WaveStep, at(v)])) }, TZ);
}

describe('wave lifecycle (when each step is due)', () => {
  it('When a month-long wave starts at midnight, then its steps fall at 08:00 local: launch on the first day, mid-wave, the day before the last day, and after the end', () => {
    const w = stepWindows(march, TZ);
    expect(w.launch?.from).toEqual(at('2026-03-01T08:00:00'));
    expect(w.midReminder?.from).toEqual(at('2026-03-16T12:00:00'));
    expect(w.midProofNudge?.from).toEqual(at('2026-03-16T12:00:00'));
    expect(w.lastDayReminder?.from).toEqual(at('2026-03-30T08:00:00'));
    expect(w.lastDayReminder?.until).toEqual(march.endsAt);
    expect(w.closingSummary?.from).toEqual(at('2026-04-01T08:00:00'));
    expect(w.closingSummary?.until).toEqual(at('2026-04-04T00:00:00'));
  });

  it('When the ticks go by, then each step is due once in its window and not before', () => {
    expect(due(march, '2026-03-01T07:55:00')).toEqual([]);
    expect(due(march, '2026-03-01T08:00:00')).toEqual(['launch']);
    const launched = { launch: '2026-03-01T08:00:00' };
    expect(due(march, '2026-03-01T08:05:00', launched)).toEqual([]);
    expect(due(march, '2026-03-16T12:00:00', launched)).toEqual(['midReminder', 'midProofNudge']);
    const mid = { ...launched, midReminder: '2026-03-16T12:00:00', midProofNudge: '2026-03-16T12:00:00' };
    expect(due(march, '2026-03-20T10:00:00', mid)).toEqual([]);
    expect(due(march, '2026-03-30T08:00:00', mid)).toEqual(['lastDayReminder', 'lastDayProofNudge']);
    const lastDay = { ...mid, lastDayReminder: '2026-03-30T08:00:00', lastDayProofNudge: '2026-03-30T08:00:00' };
    expect(due(march, '2026-03-31T23:55:00', lastDay)).toEqual([]);
    expect(due(march, '2026-04-01T08:00:00', lastDay)).toEqual(['closingSummary']);
    expect(due(march, '2026-04-01T08:05:00', { ...lastDay, closingSummary: '2026-04-01T08:00:00' })).toEqual([]);
  });

  it('When the mid-wave reminder was missed (the service was down), then it is not sent late once the last-day one is due', () => {
    expect(due(march, '2026-03-30T09:00:00', { launch: '2026-03-01T08:00:00' })).toEqual(['lastDayReminder', 'lastDayProofNudge']);
  });

  it('When the service first sees a wave in its second half, then it is not announced as new, and reminders still go', () => {
    expect(due(march, '2026-03-20T10:00:00')).toEqual(['midReminder', 'midProofNudge']);
  });

  it('When the launch went out late, then reminders wait 12 hours after it', () => {
    expect(due(march, '2026-03-16T11:00:00')).toEqual(['launch']);
    const late = { launch: '2026-03-16T11:00:00' };
    expect(due(march, '2026-03-16T12:00:00', late)).toEqual([]);
    expect(due(march, '2026-03-16T22:55:00', late)).toEqual([]);
    expect(due(march, '2026-03-16T23:00:00', late)).toEqual(['midReminder', 'midProofNudge']);
  });

  it('When the candle call starts on the eve of 30/4 at 19:00 and lasts two days, then it is launched at 19:00 and has no mid-wave or last-day reminder', () => {
    const candle: LifecycleWave = { startsAt: at('2026-04-29T19:00:00'), endsAt: at('2026-05-01T00:00:00'), status: 'open' };
    expect(stepWindows(candle, TZ).launch?.from).toEqual(at('2026-04-29T19:00:00'));
    expect(stepWindows(candle, TZ).midReminder).toBeUndefined();
    expect(stepWindows(candle, TZ).lastDayReminder).toBeUndefined();
    expect(due(candle, '2026-04-29T19:00:00')).toEqual(['launch']);
    expect(due(candle, '2026-04-30T12:00:00', { launch: '2026-04-29T19:00:00' })).toEqual([]);
  });

  it('When the wave is a draft or cancelled, then nothing is due; when staff closed it early, it gets no reminders but still its summary', () => {
    expect(due({ ...march, status: 'draft' }, '2026-03-01T08:00:00')).toEqual([]);
    expect(due({ ...march, status: 'cancelled' }, '2026-04-01T09:00:00')).toEqual([]);
    expect(due({ ...march, status: 'closed' }, '2026-03-16T12:00:00', { launch: '2026-03-01T08:00:00' })).toEqual([]);
    expect(due({ ...march, status: 'closed' }, '2026-04-01T09:00:00', { launch: '2026-03-01T08:00:00' })).toEqual(['closingSummary']);
  });

  it('When the end is moved later after the mid-wave reminder, then the last-day reminder follows the new end and the mid-wave one is not repeated', () => {
    const extended: LifecycleWave = { ...march, endsAt: at('2026-04-11T00:00:00') };
    const done = { launch: '2026-03-01T08:00:00', midReminder: '2026-03-16T12:00:00', midProofNudge: '2026-03-16T12:00:00' };
    expect(due(extended, '2026-03-30T08:00:00', done)).toEqual([]);
    expect(due(extended, '2026-04-09T08:00:00', done)).toEqual(['lastDayReminder', 'lastDayProofNudge']);
  });

  it('When keys are made, then they read wave:<id>:<step>', () => {
    expect(waveStepKey('w1', 'launch')).toBe('wave:w1:launch');
    expect(waveStepKey('w1', 'lastDayProofNudge')).toBe('wave:w1:last-day-proof');
  });
});

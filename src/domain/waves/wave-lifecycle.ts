/**
 * When each step of a wave's life is due (issue 5 §3): pure, from the wave's current dates, what
 * already happened and the time. The lifecycle job runs every few minutes and fires what this says
 * is due, each step once (its key), so an edit of the dates is followed and a restart loses nothing.
 *
 *   launch            the wave's audience, at its start (in the first half of the wave: a wave found
 *                     long after it started is not announced as new)
 *   midReminder       those who have not joined, at mid-wave
 *   midProofNudge     those who joined without proof, at mid-wave
 *   lastDayReminder   those who have not joined, the day before the last day
 *   lastDayProofNudge those who joined without proof, the day before the last day
 *   closingSummary    each branch's cadres, their branch's figures, once the wave has ended
 *
 * A step that falls before the working day (DAY_START_HOUR local) moves to it: a wave starting at
 * midnight is announced at 08:00, not deferred overnight by quiet hours. Reminders keep their
 * distance from the launch, so nobody gets a reminder hours after the announcement.
 */
import { addDays, localDayOf, localMinuteOf, zonedTime } from '../shared/time';

export type WaveStep = 'launch' | 'midReminder' | 'midProofNudge' | 'lastDayReminder' | 'lastDayProofNudge' | 'closingSummary';

export const WAVE_STEPS: readonly WaveStep[] = ['launch', 'midReminder', 'midProofNudge', 'lastDayReminder', 'lastDayProofNudge', 'closingSummary'];

const STEP_KEY_SUFFIX: Readonly<Record<WaveStep, string>> = {
  launch: 'launch',
  midReminder: 'mid',
  midProofNudge: 'mid-proof',
  lastDayReminder: 'last-day',
  lastDayProofNudge: 'last-day-proof',
  closingSummary: 'closing',
};

/** The step's key (a broadcast's scheduleKey, a ledger row): `wave:<id>:launch` and so on. */
export function waveStepKey(waveId: string, step: WaveStep): string {
  return `wave:${waveId}:${STEP_KEY_SUFFIX[step]}`;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DAY_START_HOUR = 8;
/** A reminder is only worth it this long after the launch (and before the next reminder). */
export const REMINDER_GAP_MS = DAY_MS;
/** A launch that went out late (the service was down) holds reminders back this long after it. */
export const AFTER_LATE_LAUNCH_MS = 12 * HOUR_MS;
/** The closing summary is sent within this after the end; a wave found later gets none. */
export const CLOSING_GRACE_MS = 3 * DAY_MS;

export interface LifecycleWave {
  readonly startsAt: Date;
  /** Exclusive. */
  readonly endsAt: Date;
  readonly status: 'draft' | 'open' | 'closed' | 'cancelled';
}

export interface StepWindow {
  /** When it becomes due. */
  readonly from: Date;
  /** After this it is no longer sent. */
  readonly until: Date;
}

/** `instant`, or the start of the working day when it falls before it (same local day). */
function withinWorkingDay(instant: Date, timeZone: string): Date {
  if (localMinuteOf(instant, timeZone) >= DAY_START_HOUR * 60) return instant;
  return zonedTime(localDayOf(instant, timeZone), DAY_START_HOUR, 0, timeZone);
}

/** Each step's window for the wave's current dates; steps a wave is too short for are absent. */
export function stepWindows(wave: LifecycleWave, timeZone: string): Partial<Record<WaveStep, StepWindow>> {
  const start = wave.startsAt.getTime();
  const end = wave.endsAt.getTime();
  const launchAt = withinWorkingDay(wave.startsAt, timeZone);
  const midAt = withinWorkingDay(new Date(start + (end - start) / 2), timeZone);
  const lastDay = localDayOf(new Date(end - 1), timeZone);
  const lastDayAt = zonedTime(addDays(lastDay, -1), DAY_START_HOUR, 0, timeZone);
  const closingAt = withinWorkingDay(wave.endsAt, timeZone);
  const windows: Partial<Record<WaveStep, StepWindow>> = {};
  if (launchAt.getTime() < end) windows.launch = { from: launchAt, until: new Date(Math.min(end, Math.max(midAt.getTime(), launchAt.getTime() + 1))) };
  const lastDayFits = lastDayAt.getTime() - launchAt.getTime() >= REMINDER_GAP_MS && lastDayAt.getTime() < end;
  const midFits = midAt.getTime() - launchAt.getTime() >= REMINDER_GAP_MS && (!lastDayFits || lastDayAt.getTime() - midAt.getTime() >= REMINDER_GAP_MS);
  if (midFits) {
    const until = new Date(lastDayFits ? lastDayAt.getTime() : end);
    windows.midReminder = { from: midAt, until };
    windows.midProofNudge = { from: midAt, until };
  }
  if (lastDayFits) {
    windows.lastDayReminder = { from: lastDayAt, until: wave.endsAt };
    windows.lastDayProofNudge = { from: lastDayAt, until: wave.endsAt };
  }
  windows.closingSummary = { from: closingAt, until: new Date(end + CLOSING_GRACE_MS) };
  return windows;
}

export interface LifecycleState {
  /** Steps already done, with when. */
  readonly done: ReadonlyMap<WaveStep, Date>;
}

/** The steps due at `now`, in order. */
export function dueWaveSteps(wave: LifecycleWave, now: Date, state: LifecycleState, timeZone: string): WaveStep[] {
  if (wave.status === 'draft' || wave.status === 'cancelled') return [];
  const windows = stepWindows(wave, timeZone);
  const t = now.getTime();
  const inWindow = (step: WaveStep) => {
    const w = windows[step];
    return w !== undefined && w.from.getTime() <= t && t < w.until.getTime();
  };
  const due: WaveStep[] = [];
  // A wave closed by staff before its end is neither announced nor reminded; it still gets its summary.
  if (wave.status === 'open') {
    if (!state.done.has('launch') && inWindow('launch')) due.push('launch');
    const launchedAt = state.done.get('launch');
    const launchPending = !state.done.has('launch') && windows.launch !== undefined && t < windows.launch.until.getTime();
    const launchSettled = !launchPending && !due.includes('launch') && (launchedAt === undefined || t - launchedAt.getTime() >= AFTER_LATE_LAUNCH_MS);
    if (launchSettled) {
      for (const step of ['midReminder', 'midProofNudge', 'lastDayReminder', 'lastDayProofNudge'] as const) {
        if (!state.done.has(step) && inWindow(step)) due.push(step);
      }
    }
  }
  if (!state.done.has('closingSummary') && inWindow('closingSummary')) due.push('closingSummary');
  return due;
}

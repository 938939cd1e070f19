/**
 * The cadence of cadre nudges (issue 5 §3), pure: a cadre who has not joined a district wave gets
 * a nudge from the 3rd day after its launch, at most one every 2 days, two in all; 2 days after the
 * second, if they still have not joined, their branch secretary is told their name. Counted in
 * local calendar days, so a daily run a few seconds earlier than the day before still counts a day.
 */
import { daysBetween, type LocalDay } from '../shared/time';

export const FIRST_NUDGE_AFTER_DAYS = 3;
export const NUDGE_EVERY_DAYS = 2;
export const NUDGES_BEFORE_SECRETARY = 2;

export interface CadreNudgeHistory {
  readonly nudges: number;
  readonly lastNudgedOn: LocalDay | null;
  readonly secretaryToldOn: LocalDay | null;
}

export const NO_NUDGES: CadreNudgeHistory = { nudges: 0, lastNudgedOn: null, secretaryToldOn: null };

export type CadreNudgeDecision =
  | { readonly kind: 'nudge'; readonly nth: number }
  | { readonly kind: 'tellSecretary' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'done' };

export function decideCadreNudge(input: { readonly launchedOn: LocalDay; readonly joined: boolean; readonly history: CadreNudgeHistory }, today: LocalDay): CadreNudgeDecision {
  const { history } = input;
  if (input.joined || history.secretaryToldOn !== null) return { kind: 'done' };
  if (daysBetween(input.launchedOn, today) < FIRST_NUDGE_AFTER_DAYS) return { kind: 'wait' };
  if (history.nudges === 0 || history.lastNudgedOn === null) return { kind: 'nudge', nth: 1 };
  if (daysBetween(history.lastNudgedOn, today) < NUDGE_EVERY_DAYS) return { kind: 'wait' };
  if (history.nudges < NUDGES_BEFORE_SECRETARY) return { kind: 'nudge', nth: history.nudges + 1 };
  return { kind: 'tellSecretary' };
}

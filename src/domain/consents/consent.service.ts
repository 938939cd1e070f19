import type { ConsentAnswer } from './consents.repository';

/**
 * The version of the notice members read before registering (Decree 13/2023/NĐ-CP: what is
 * collected, why, who sees it, how long, how to withdraw). Change it whenever the notice's
 * substance changes: everyone who answered an older version is asked again.
 */
export const REGISTRATION_NOTICE_VERSION = '2026-11-v1';

/** Where a person stands with the current notice. */
export type ConsentState = 'granted' | 'declined' | 'unanswered';

export function consentState(latest: ConsentAnswer | undefined, currentVersion: string = REGISTRATION_NOTICE_VERSION): ConsentState {
  if (!latest || latest.noticeVersion !== currentVersion) return 'unanswered';
  return latest.granted ? 'granted' : 'declined';
}

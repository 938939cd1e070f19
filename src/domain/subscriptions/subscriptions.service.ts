import type { Db, Tx } from '../../db/database';
import type { SubscriptionTopic } from '../../db/types';
import { activeTopics, deactivateAll, insertConsent, latestConsent, setTopic } from './subscriptions.repository';

/**
 * Periodic content a member chooses to receive (weekly "Lời Bác dạy", daily good news, daily legal
 * information). Subscriptions belong to a channel identity, not to the member: the member reads
 * them on the channel where they opted in, and a member with two channels chooses on each.
 */
export const TOPICS: readonly SubscriptionTopic[] = ['uncleHoTeaching', 'goodNews', 'legalInfo'];

export type SubscriptionStates = Readonly<Record<SubscriptionTopic, boolean>>;

export async function subscriptionStates(db: Db | Tx, identityId: string): Promise<SubscriptionStates> {
  const active = new Set(await activeTopics(db, identityId));
  return { uncleHoTeaching: active.has('uncleHoTeaching'), goodNews: active.has('goodNews'), legalInfo: active.has('legalInfo') };
}

/** Whether the member agreed to receive periodic content (asked once; a "no" is asked again next time they opt in). */
export async function hasSubscriptionConsent(db: Db | Tx, identityId: string, memberId: string | null): Promise<boolean> {
  return (await latestConsent(db, identityId, memberId, 'subscriptions')) === true;
}

export async function recordSubscriptionConsent(
  db: Db | Tx,
  who: { identityId: string; memberId: string | null },
  granted: boolean,
  noticeVersion: string,
  at: Date,
): Promise<void> {
  await insertConsent(db, { ...who, purpose: 'subscriptions', granted, noticeVersion, at });
}

/**
 * Turns a topic on or off. Turning one on needs the consent first: the caller asks, records it,
 * then calls this (a programming error otherwise, so it throws).
 */
export async function setSubscription(db: Db | Tx, who: { identityId: string; memberId: string | null }, topic: SubscriptionTopic, active: boolean): Promise<void> {
  if (active && !(await hasSubscriptionConsent(db, who.identityId, who.memberId))) throw new Error('setSubscription: no consent recorded for subscriptions');
  await setTopic(db, who.identityId, topic, active);
}

/** "dừng nhận tin": every topic off at once; how many were on. */
export async function stopAllSubscriptions(db: Db | Tx, identityId: string): Promise<number> {
  return deactivateAll(db, identityId);
}

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ConsentPurpose, SubscriptionTopic } from '../../db/types';

/** The only SQL for `subscriptions` and the consents they depend on. */

export async function activeTopics(db: Db | Tx, identityId: string): Promise<SubscriptionTopic[]> {
  const rows = await db.selectFrom('subscriptions').select('topic').where('identity_id', '=', identityId).where('active', '=', true).execute();
  return rows.map((r) => r.topic);
}

export async function setTopic(db: Db | Tx, identityId: string, topic: SubscriptionTopic, active: boolean): Promise<void> {
  await db
    .insertInto('subscriptions')
    .values({ identity_id: identityId, topic, active })
    .onConflict((oc) => oc.columns(['identity_id', 'topic']).doUpdateSet({ active, updated_at: sql<Date>`now()` }))
    .execute();
}

/** Turns every active topic off; returns how many were on. */
export async function deactivateAll(db: Db | Tx, identityId: string): Promise<number> {
  const result = await db
    .updateTable('subscriptions')
    .set({ active: false, updated_at: sql<Date>`now()` })
    .where('identity_id', '=', identityId)
    .where('active', '=', true)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The latest answer this identity (or its member, on any channel) gave for `purpose`; undefined if never asked. */
export async function latestConsent(db: Db | Tx, identityId: string, memberId: string | null, purpose: ConsentPurpose): Promise<boolean | undefined> {
  const row = await db
    .selectFrom('consents')
    .select('granted')
    .where('purpose', '=', purpose)
    .where((eb) => (memberId ? eb.or([eb('identity_id', '=', identityId), eb('member_id', '=', memberId)]) : eb('identity_id', '=', identityId)))
    .orderBy('recorded_at', 'desc')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.granted;
}

export async function insertConsent(
  db: Db | Tx,
  consent: { identityId: string; memberId: string | null; purpose: ConsentPurpose; granted: boolean; noticeVersion: string; at: Date },
): Promise<void> {
  await db
    .insertInto('consents')
    .values({
      identity_id: consent.identityId,
      member_id: consent.memberId,
      purpose: consent.purpose,
      granted: consent.granted,
      notice_version: consent.noticeVersion,
      recorded_at: consent.at,
    })
    .execute();
}

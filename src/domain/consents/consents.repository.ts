import type { Db, Tx } from '../../db/database';
import type { ConsentPurpose } from '../../db/types';

export interface ConsentAnswer {
  readonly granted: boolean;
  readonly noticeVersion: string;
  readonly recordedAt: Date;
}

export interface ConsentRecord {
  readonly identityId: string;
  readonly memberId: string | null;
  readonly purpose: ConsentPurpose;
  readonly granted: boolean;
  readonly noticeVersion: string;
}

/** Appends an answer; the history is kept (the latest answer is the one in force). */
export async function recordConsent(db: Db | Tx, consent: ConsentRecord): Promise<void> {
  await db
    .insertInto('consents')
    .values({ identity_id: consent.identityId, member_id: consent.memberId, purpose: consent.purpose, granted: consent.granted, notice_version: consent.noticeVersion })
    .execute();
}

/** The latest answer given through this identity for `purpose`, if any. */
export async function latestConsentOfIdentity(db: Db | Tx, identityId: string, purpose: ConsentPurpose): Promise<ConsentAnswer | undefined> {
  const row = await db
    .selectFrom('consents')
    .select(['granted', 'notice_version', 'recorded_at'])
    .where('identity_id', '=', identityId)
    .where('purpose', '=', purpose)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { granted: row.granted, noticeVersion: row.notice_version, recordedAt: row.recorded_at };
}

/** Once the identity registers, its answers are the member's too (they were given before the member existed). */
export async function attachConsentsToMember(db: Db | Tx, identityId: string, memberId: string): Promise<void> {
  await db.updateTable('consents').set({ member_id: memberId }).where('identity_id', '=', identityId).where('member_id', 'is', null).execute();
}

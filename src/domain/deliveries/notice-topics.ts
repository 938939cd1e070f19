/**
 * The topics of the notices a member gets about one subject. Deferred deliveries are collapsed per
 * purpose and topic when the member next writes (releaseDeferred), so a topic names the subject: a
 * newer notice about the same proof may replace an older one, but the result of one proof must never
 * swallow another proof's (or a registration's).
 */
export const proofTopic = (proofId: string): string => `proof:${proofId}`;
export const registrationTopic = (memberId: string): string => `registration:${memberId}`;

/**
 * The idempotency key of a registration's result notice: the same whether a cadre decided in the
 * chat or staff in the admin web, so the member is told once.
 */
export const registrationNoticeKey = (memberId: string, outcome: 'verified' | 'declined'): string => `registration:${memberId}:${outcome}`;

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ProofImageState, ProofPlatform, ReviewState } from '../../db/types';

/** The only SQL for `proofs`. */

/** How many proofs the member sent since each instant (recorded ones only: refusals leave no row). */
export async function countProofsSince(db: Db | Tx, memberId: string, since: readonly Date[]): Promise<number[]> {
  const earliest = new Date(Math.min(...since.map((d) => d.getTime())));
  const rows = await db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .select('p.submitted_at')
    .where('pa.member_id', '=', memberId)
    .where('p.submitted_at', '>', earliest)
    .execute();
  return since.map((instant) => rows.filter((r) => r.submitted_at.getTime() > instant.getTime()).length);
}

export interface ProofOwner {
  readonly proofId: string;
  readonly memberId: string;
}

/** Who already sent this canonical link in this wave, if anyone. */
export async function findLinkInWave(db: Db | Tx, waveId: string, canonicalUrl: string): Promise<ProofOwner | undefined> {
  const row = await db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .select(['p.id', 'pa.member_id'])
    .where('p.wave_id', '=', waveId)
    .where('p.canonical_url', '=', canonicalUrl)
    .executeTakeFirst();
  return row && { proofId: row.id, memberId: row.member_id };
}

export interface NewLinkProof {
  readonly participationId: string;
  readonly waveId: string;
  readonly originalUrl: string;
  readonly canonicalUrl: string;
  readonly platform: ProofPlatform;
  readonly hashtagConfirmed: boolean | null;
  readonly identityId: string | null;
  readonly at: Date;
}

/** Inserts a link proof; undefined when the wave already has this canonical link (a race lost). */
export async function insertLinkProof(db: Db | Tx, proof: NewLinkProof): Promise<string | undefined> {
  const row = await db
    .insertInto('proofs')
    .values({
      participation_id: proof.participationId,
      wave_id: proof.waveId,
      kind: 'link',
      original_url: proof.originalUrl,
      canonical_url: proof.canonicalUrl,
      platform: proof.platform,
      hashtag_confirmed: proof.hashtagConfirmed,
      submitted_via_identity_id: proof.identityId,
      submitted_at: proof.at,
    })
    .onConflict((oc) => oc.columns(['wave_id', 'canonical_url']).where('canonical_url', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface NewImageProof {
  readonly participationId: string;
  readonly waveId: string;
  readonly sourceUrl: string;
  readonly caption: string | null;
  readonly identityId: string | null;
  readonly at: Date;
}

/** Records an image proof awaiting its download. */
export async function insertAwaitingImageProof(db: Db | Tx, proof: NewImageProof): Promise<string> {
  const row = await db
    .insertInto('proofs')
    .values({
      participation_id: proof.participationId,
      wave_id: proof.waveId,
      kind: 'image',
      image_state: 'awaiting',
      image_source_url: proof.sourceUrl,
      caption: proof.caption,
      submitted_via_identity_id: proof.identityId,
      submitted_at: proof.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface AwaitingImage {
  readonly proofId: string;
  readonly participationId: string;
  readonly memberId: string;
  readonly identityId: string | null;
  readonly sourceUrl: string;
  readonly waveTitle: string;
}

/** An image proof still awaiting its download; `lock` holds it for the rest of the transaction. */
export async function findAwaitingImage(db: Db | Tx, proofId: string, lock = false): Promise<AwaitingImage | undefined> {
  let query = db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .innerJoin('waves as w', 'w.id', 'p.wave_id')
    .select(['p.id', 'p.participation_id', 'pa.member_id', 'p.submitted_via_identity_id', 'p.image_source_url', 'w.title'])
    .where('p.id', '=', proofId)
    .where('p.image_state', '=', 'awaiting');
  if (lock) query = query.forUpdate('p');
  const row = await query.executeTakeFirst();
  if (!row || row.image_source_url === null) return undefined;
  return { proofId: row.id, participationId: row.participation_id, memberId: row.member_id, identityId: row.submitted_via_identity_id, sourceUrl: row.image_source_url, waveTitle: row.title };
}

/** The earliest proof of this image by a member other than `memberId`, if any. */
export async function findImageOfAnotherMember(db: Db | Tx, sha256: string, memberId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .select('p.id')
    .where('p.image_sha256', '=', sha256)
    .where('pa.member_id', '<>', memberId)
    .orderBy('p.submitted_at')
    .orderBy('p.id')
    .executeTakeFirst();
  return row?.id;
}

export async function markImageStored(
  db: Db | Tx,
  proofId: string,
  image: { readonly sha256: string; readonly mime: string; readonly bytes: number; readonly duplicateOfProofId: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('proofs')
    .set({
      image_state: 'stored',
      image_sha256: image.sha256,
      image_mime: image.mime,
      image_bytes: image.bytes,
      image_source_url: null,
      duplicate_of_proof_id: image.duplicateOfProofId,
    })
    .where('id', '=', proofId)
    .where('image_state', '=', 'awaiting')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Removes an image proof whose image could not be fetched (there is nothing to review). */
export async function deleteAwaitingImageProof(db: Db | Tx, proofId: string): Promise<boolean> {
  const result = await db.deleteFrom('proofs').where('id', '=', proofId).where('image_state', '=', 'awaiting').executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Image proofs awaiting download since before `before` (their job was lost), oldest first. */
export async function listAwaitingImagesBefore(db: Db | Tx, before: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('proofs')
    .select('id')
    .where('image_state', '=', 'awaiting')
    .where('submitted_at', '<', before)
    .orderBy('submitted_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface MemberProof {
  readonly proofId: string;
  readonly waveId: string;
  readonly waveTitle: string;
  readonly kind: 'link' | 'image';
  readonly canonicalUrl: string | null;
  readonly platform: ProofPlatform | null;
  readonly imageState: ProofImageState | null;
  readonly reviewState: ReviewState;
  readonly rejectReason: string | null;
  readonly submittedAt: Date;
}

/** The member's proofs, newest first. */
export async function listMemberProofs(db: Db | Tx, memberId: string, limit: number): Promise<MemberProof[]> {
  const rows = await db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .innerJoin('waves as w', 'w.id', 'p.wave_id')
    .select(['p.id', 'p.wave_id', 'w.title', 'p.kind', 'p.canonical_url', 'p.platform', 'p.image_state', 'p.review_state', 'p.reject_reason', 'p.submitted_at'])
    .where('pa.member_id', '=', memberId)
    .orderBy('p.submitted_at', 'desc')
    .orderBy(sql`p.id`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    proofId: r.id,
    waveId: r.wave_id,
    waveTitle: r.title,
    kind: r.kind,
    canonicalUrl: r.canonical_url,
    platform: r.platform,
    imageState: r.image_state,
    reviewState: r.review_state,
    rejectReason: r.reject_reason,
    submittedAt: r.submitted_at,
  }));
}

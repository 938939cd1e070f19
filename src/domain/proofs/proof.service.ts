import type { Db, Tx } from '../../db/database';
import type { ProofPlatform } from '../../db/types';
import { ensureParticipation, markProofSubmitted } from '../waves/participations.repository';
import { findWave, isWaveOpenAt, type WaveDetails } from '../waves/waves.repository';
import { canonicalizeProofLink, type ProofLinkProblem } from './proof-link';
import { proofRateExceeded } from './proof-rate-limit';
import { findLinkInWave, insertAwaitingImageProof, insertLinkProof } from './proofs.repository';

interface ProofInput {
  readonly memberId: string;
  readonly waveId: string;
  /** The channel identity it came from (where later news about it goes). */
  readonly identityId: string | null;
  readonly now: Date;
}

export type ProofRefusal =
  | { readonly kind: 'waveNotOpen' }
  | { readonly kind: 'slowDown' };

export type LinkProofOutcome =
  | { readonly kind: 'recorded'; readonly proofId: string; readonly wave: WaveDetails; readonly joinedNow: boolean; readonly platform: ProofPlatform }
  /** The member sent this post for this wave before: nothing changes. */
  | { readonly kind: 'alreadyRecorded'; readonly wave: WaveDetails }
  /** Someone else sent this post for this wave. */
  | { readonly kind: 'usedByAnother'; readonly wave: WaveDetails }
  | { readonly kind: 'invalidLink'; readonly reason: ProofLinkProblem; readonly message: string }
  | { readonly kind: 'platformNotAccepted'; readonly wave: WaveDetails; readonly accepted: readonly ProofPlatform[] }
  /** The wave requires a hashtag: ask the member to confirm the post carries it, then call again. */
  | { readonly kind: 'needsHashtagConfirmation'; readonly wave: WaveDetails; readonly hashtag: string }
  /** The member said the post does not carry the required hashtag. */
  | { readonly kind: 'hashtagMissing'; readonly wave: WaveDetails; readonly hashtag: string }
  | ProofRefusal;

export type ImageProofOutcome =
  | { readonly kind: 'recorded'; readonly proofId: string; readonly wave: WaveDetails; readonly joinedNow: boolean }
  | { readonly kind: 'badImageUrl' }
  | ProofRefusal;

async function openWave(db: Db | Tx, waveId: string, now: Date): Promise<WaveDetails | undefined> {
  const wave = await findWave(db, waveId);
  return wave && isWaveOpenAt(wave, now) ? wave : undefined;
}

/**
 * A link sent as proof for a wave. The rules, in the order a member meets them: the wave is open;
 * the member is not sending faster than PROOF_RATE_LIMITS; the link is an http(s) post on a
 * supported platform (proof-link.ts), on one the wave accepts; no one else sent the same post for
 * this wave (a member's own resubmission changes nothing); the member confirms the post carries
 * the wave's required hashtag (`hashtagConfirmed`: undefined asks, false refuses). Then the member
 * joins the wave if they had not (said in `joinedNow`) and the proof waits for review.
 */
export async function submitLinkProof(db: Db | Tx, input: ProofInput & { readonly link: string; readonly hashtagConfirmed?: boolean }): Promise<LinkProofOutcome> {
  const wave = await openWave(db, input.waveId, input.now);
  if (!wave) return { kind: 'waveNotOpen' };
  if (await proofRateExceeded(db, input.memberId, input.now)) return { kind: 'slowDown' };
  const link = canonicalizeProofLink(input.link);
  if (!link.ok) return { kind: 'invalidLink', reason: link.reason, message: link.message };
  if (wave.acceptedPlatforms.length > 0 && !wave.acceptedPlatforms.includes(link.platform)) {
    return { kind: 'platformNotAccepted', wave, accepted: wave.acceptedPlatforms };
  }
  const earlier = await findLinkInWave(db, wave.id, link.canonical);
  if (earlier) return earlier.memberId === input.memberId ? { kind: 'alreadyRecorded', wave } : { kind: 'usedByAnother', wave };
  const hashtag = wave.requiredHashtag;
  if (hashtag !== null && input.hashtagConfirmed === undefined) return { kind: 'needsHashtagConfirmation', wave, hashtag };
  if (hashtag !== null && input.hashtagConfirmed === false) return { kind: 'hashtagMissing', wave, hashtag };

  const participation = await ensureParticipation(db, wave.id, input.memberId, input.now);
  const proofId = await insertLinkProof(db, {
    participationId: participation.id,
    waveId: wave.id,
    originalUrl: link.original,
    canonicalUrl: link.canonical,
    platform: link.platform,
    hashtagConfirmed: hashtag === null ? null : true,
    identityId: input.identityId,
    at: input.now,
  });
  if (proofId === undefined) {
    // Sent by someone else between our check and the insert.
    const winner = await findLinkInWave(db, wave.id, link.canonical);
    return winner?.memberId === input.memberId ? { kind: 'alreadyRecorded', wave } : { kind: 'usedByAnother', wave };
  }
  await markProofSubmitted(db, participation.id, input.now);
  return { kind: 'recorded', proofId, wave, joinedNow: participation.created, platform: link.platform };
}

/**
 * An image sent as proof. Its URL expires and fetching it is slow, so nothing is downloaded here:
 * the proof is recorded as awaiting its image and the caller starts the download once the turn
 * commits (the proof-images job stores it by hash and tells the member).
 */
export async function submitImageProof(db: Db | Tx, input: ProofInput & { readonly imageUrl: string; readonly caption?: string }): Promise<ImageProofOutcome> {
  const wave = await openWave(db, input.waveId, input.now);
  if (!wave) return { kind: 'waveNotOpen' };
  if (!/^https?:\/\//i.test(input.imageUrl)) return { kind: 'badImageUrl' };
  if (await proofRateExceeded(db, input.memberId, input.now)) return { kind: 'slowDown' };
  const participation = await ensureParticipation(db, wave.id, input.memberId, input.now);
  const proofId = await insertAwaitingImageProof(db, {
    participationId: participation.id,
    waveId: wave.id,
    sourceUrl: input.imageUrl,
    caption: input.caption?.trim() ? input.caption.trim().slice(0, 500) : null,
    identityId: input.identityId,
    at: input.now,
  });
  await markProofSubmitted(db, participation.id, input.now);
  return { kind: 'recorded', proofId, wave, joinedNow: participation.created };
}

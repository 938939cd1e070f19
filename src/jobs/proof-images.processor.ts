import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { withTransaction, type Db } from '../db/database';
import { insertDeliveries } from '../domain/deliveries/deliveries.repository';
import { storeImageOnce } from '../domain/media/media.repository';
import {
  deleteAwaitingImageProof,
  findAwaitingImage,
  findImageOfAnotherMember,
  listAwaitingImagesBefore,
  markImageStored,
} from '../domain/proofs/proofs.repository';
import { revertToJoinedIfNoProof } from '../domain/waves/participations.repository';
import { PROOF_TEXT } from '../dialogs/messages.vi';
import type { Logger } from '../logging/logger';
import type { ImageDownload } from './image-download';
import { PROOF_IMAGE_JOB_NAME, PROOF_IMAGE_SWEEP_JOB_NAME, type ProofImageJob, type ProofImageResult, type ProofImageSweepJob } from './queues';

export interface ProofImagesDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly download: (url: string) => Promise<ImageDownload>;
  /** Hands the member's "received" / "send it again" message to the outbox once recorded. */
  readonly enqueueDeliveries: (ids: readonly number[]) => Promise<void>;
  /** Adds download jobs back for proofs whose job was lost (the sweeper). */
  readonly requeue?: (proofIds: readonly string[]) => Promise<void>;
}

export type ProofImageOutcome = ProofImageResult['outcome'];

/** A download failing only for now (timeout, 5xx): thrown so that BullMQ retries with backoff. */
export class ImageNotYetFetched extends Error {
  constructor(readonly reason: string) {
    super(`proof image not fetched yet (${reason})`);
    this.name = 'ImageNotYetFetched';
  }
}

/**
 * Downloads one awaiting proof image, stores it once per hash, flags an image another member
 * already sent, and tells the member. Safe to run twice, or at once in two workers: the proof is
 * locked and re-checked before anything is written, and the member's message has an idempotency
 * key. A failure that may pass is thrown (retried) unless `lastAttempt`; a permanent one, or the
 * last attempt, drops the proof (there is nothing to review) and asks the member to send it again.
 */
export async function processProofImage(deps: ProofImagesDeps, proofId: string, lastAttempt: boolean): Promise<ProofImageOutcome> {
  const awaiting = await findAwaitingImage(deps.db, proofId);
  if (!awaiting) return 'notAwaiting';
  // The network call happens outside any transaction: nothing is held while the CDN answers.
  const fetched = await deps.download(awaiting.sourceUrl);
  if (!fetched.ok && fetched.retryable && !lastAttempt) throw new ImageNotYetFetched(fetched.reason);

  const recorded = await withTransaction(deps.db, async (tx) => {
    const proof = await findAwaitingImage(tx, proofId, true);
    if (!proof) return { outcome: 'notAwaiting' as const, ids: [] as number[] };
    let outcome: ProofImageOutcome;
    let text: string;
    if (fetched.ok) {
      await storeImageOnce(tx, { sha256: fetched.sha256, mime: fetched.mime, bytes: fetched.data.length, data: fetched.data });
      const duplicateOf = await findImageOfAnotherMember(tx, fetched.sha256, proof.memberId);
      await markImageStored(tx, proof.proofId, { sha256: fetched.sha256, mime: fetched.mime, bytes: fetched.data.length, duplicateOfProofId: duplicateOf ?? null });
      outcome = duplicateOf ? 'storedDuplicate' : 'stored';
      text = PROOF_TEXT.imageReceived(proof.waveTitle);
    } else {
      await deleteAwaitingImageProof(tx, proof.proofId);
      await revertToJoinedIfNoProof(tx, proof.participationId);
      outcome = 'failed';
      text = fetched.reason === 'tooLarge' ? PROOF_TEXT.imageTooLarge : fetched.reason === 'notAnImage' ? PROOF_TEXT.imageNotAnImage : PROOF_TEXT.imageNotFetched;
    }
    if (proof.identityId === null) return { outcome, ids: [] };
    const inserted = await insertDeliveries(tx, [{ identityId: proof.identityId, purpose: 'reply', idempotencyKey: `proofImage:${proof.proofId}`, message: { text } }]);
    return { outcome, ids: inserted.map((d) => d.id) };
  });
  deps.logger.info({ proofId, outcome: recorded.outcome, ...(fetched.ok ? { bytes: fetched.data.length } : { reason: fetched.reason }) }, 'proof image processed');
  if (recorded.ids.length > 0) await deps.enqueueDeliveries(recorded.ids);
  return recorded.outcome;
}

/** Proof images awaiting this long have lost their job (a crash between commit and enqueue). */
export const AWAITING_IMAGE_STALE_MS = 2 * 60_000;
const SWEEP_BATCH = 200;

/** Finds awaiting proofs whose download never started and adds their jobs back. */
export async function sweepAwaitingImages(deps: ProofImagesDeps, now: Date): Promise<number> {
  const ids = await listAwaitingImagesBefore(deps.db, new Date(now.getTime() - AWAITING_IMAGE_STALE_MS), SWEEP_BATCH);
  if (ids.length > 0 && deps.requeue) await deps.requeue(ids);
  return ids.length;
}

export function createProofImagesProcessor(deps: ProofImagesDeps): Processor<ProofImageJob | ProofImageSweepJob, ProofImageResult> {
  return async (job: Job<ProofImageJob | ProofImageSweepJob, ProofImageResult>) => {
    if (job.name === PROOF_IMAGE_SWEEP_JOB_NAME) return { outcome: 'swept', count: await sweepAwaitingImages(deps, new Date()) };
    if (job.name !== PROOF_IMAGE_JOB_NAME || !('proofId' in job.data)) throw new UnrecoverableError(`unknown proof-images job ${job.name}`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { outcome: await processProofImage(deps, job.data.proofId, lastAttempt) };
  };
}

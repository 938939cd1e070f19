import type { Db, Tx } from '../../db/database';
import { ensureParticipation } from './participations.repository';
import { findWave, isWaveOpenAt, type WaveDetails } from './waves.repository';

export type JoinOutcome =
  | { readonly kind: 'joined'; readonly wave: WaveDetails; readonly participationId: string }
  | { readonly kind: 'alreadyJoined'; readonly wave: WaveDetails; readonly participationId: string }
  /** Closed, cancelled, not started or over: nothing is recorded. */
  | { readonly kind: 'notOpen'; readonly wave: WaveDetails | undefined };

/**
 * Joins a member to a wave. Idempotent: joining twice records nothing the second time and says
 * so. Pending (not yet verified) members may join: verification can come later, and their
 * participation counts in the figures once they are verified.
 */
export async function joinWave(db: Db | Tx, input: { readonly memberId: string; readonly waveId: string; readonly now: Date }): Promise<JoinOutcome> {
  const wave = await findWave(db, input.waveId);
  if (!wave || !isWaveOpenAt(wave, input.now)) return { kind: 'notOpen', wave };
  const participation = await ensureParticipation(db, wave.id, input.memberId, input.now);
  return { kind: participation.created ? 'joined' : 'alreadyJoined', wave, participationId: participation.id };
}

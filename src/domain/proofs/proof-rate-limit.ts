import type { Db, Tx } from '../../db/database';
import { countProofsSince } from './proofs.repository';

/**
 * How fast a member may send proofs. A person posting for a wave and copying each link by hand
 * sends one every minute or so, a few in a burst at most (several screenshots at once); a wave asks
 * for one or two posts. Five a minute leaves room for a burst, thirty an hour for a keen member
 * catching up on a whole campaign; beyond either it is a script or a forwarding loop, which would
 * flood the branch's review queue. Counted from the proofs table: refused excess leaves no row.
 */
export const PROOF_RATE_LIMITS: readonly { readonly windowMs: number; readonly max: number }[] = [
  { windowMs: 60_000, max: 5 },
  { windowMs: 60 * 60_000, max: 30 },
];

/** True when one more proof now would exceed a limit. */
export async function proofRateExceeded(db: Db | Tx, memberId: string, now: Date): Promise<boolean> {
  const counts = await countProofsSince(db, memberId, PROOF_RATE_LIMITS.map((l) => new Date(now.getTime() - l.windowMs)));
  return PROOF_RATE_LIMITS.some((limit, i) => (counts[i] ?? 0) >= limit.max);
}

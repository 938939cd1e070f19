import type { Db, Tx } from '../../db/database';
import { listMemberProofs, type MemberProof } from '../proofs/proofs.repository';
import { branchTurnout, findPlanTargets, listJoinedWaves, type BranchTurnout, type JoinedWave } from './participations.repository';
import { listOpenWaves } from './waves.repository';

export interface WaveStanding extends BranchTurnout {
  readonly title: string;
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
}

export interface MyResults {
  readonly joined: readonly JoinedWave[];
  readonly proofs: readonly MemberProof[];
  /** The branch's turnout in each open wave of a plan, against the plan's targets; empty without a branch. */
  readonly branch: readonly WaveStanding[];
}

const MAX_LISTED = 10;
const MAX_OPEN_WAVES = 5;

/**
 * "Kết quả của tôi": the waves the member joined, their proofs with the review state, and how the
 * member's branch stands in each open wave against its plan's targets (cadres and members counted
 * once each, whatever channels they use). Waves without a plan (a branch's own trend) have no
 * targets and are not compared.
 */
export async function myResults(db: Db | Tx, member: { readonly id: string; readonly branchId: string | null }, now: Date): Promise<MyResults> {
  const joined = await listJoinedWaves(db, member.id, MAX_LISTED);
  const proofs = await listMemberProofs(db, member.id, MAX_LISTED);
  if (member.branchId === null) return { joined, proofs, branch: [] };
  const planned = (await listOpenWaves(db, now, MAX_OPEN_WAVES)).filter((w) => w.planId !== null);
  const turnout = await branchTurnout(db, member.branchId, planned.map((w) => w.id));
  const branch: WaveStanding[] = [];
  for (const wave of planned) {
    const targets = await findPlanTargets(db, wave.planId!);
    const figures = turnout.find((t) => t.waveId === wave.id);
    if (!targets || !figures) continue;
    branch.push({ ...figures, title: wave.title, cadreTargetPct: targets.cadreTargetPct, memberTargetPct: targets.memberTargetPct });
  }
  return { joined, proofs, branch };
}

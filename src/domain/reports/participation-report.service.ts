import type { Db } from '../../db/database';
import type { StaffPrincipal } from '../staff/staff-scope';
import { findPlanTargets, type PlanTargets } from '../waves/participations.repository';
import { findWaveFor } from '../waves/staff-waves.service';
import type { StaffWave } from '../waves/staff-waves.repository';
import { waveParticipationByBranch, type BranchParticipation } from './participation-report.repository';

export interface BranchStanding extends BranchParticipation {
  /** Percentages with one decimal; null when the branch has nobody of that role. */
  readonly cadreRatePct: number | null;
  readonly memberRatePct: number | null;
  /** Null when the wave has no plan (a branch's own trend) and so no target. */
  readonly meetsCadreTarget: boolean | null;
  readonly meetsMemberTarget: boolean | null;
}

export interface ParticipationReport {
  readonly wave: StaffWave;
  readonly targets: PlanTargets | null;
  readonly branches: readonly BranchStanding[];
  readonly totals: Omit<BranchStanding, 'branchId' | 'code' | 'name'>;
}

function ratePct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

function standing(figures: Pick<BranchParticipation, 'cadres' | 'cadresTookPart' | 'members' | 'membersTookPart'>, targets: PlanTargets | null) {
  const cadreRatePct = ratePct(figures.cadresTookPart, figures.cadres);
  const memberRatePct = ratePct(figures.membersTookPart, figures.members);
  return {
    cadreRatePct,
    memberRatePct,
    // A branch with nobody of a role cannot miss that role's target.
    meetsCadreTarget: targets === null ? null : cadreRatePct === null || cadreRatePct >= targets.cadreTargetPct,
    meetsMemberTarget: targets === null ? null : memberRatePct === null || memberRatePct >= targets.memberTargetPct,
  };
}

/**
 * How each branch in the staff member's scope takes part in a wave, against the plan's targets
 * (100% of cadres, 80% of members in the example plan). Undefined when the wave is absent or not
 * the staff member's to see.
 */
export async function participationReport(db: Db, staff: StaffPrincipal, waveId: string): Promise<ParticipationReport | undefined> {
  const wave = await findWaveFor(db, staff, waveId);
  if (!wave) return undefined;
  const targets = wave.planId === null ? null : ((await findPlanTargets(db, wave.planId)) ?? null);
  const rows = await waveParticipationByBranch(db, wave.id, wave.ownerUnitId, staff.scope === null ? null : staff.scope.branchIds);
  const sum = (pick: (r: BranchParticipation) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const total = { cadres: sum((r) => r.cadres), cadresTookPart: sum((r) => r.cadresTookPart), members: sum((r) => r.members), membersTookPart: sum((r) => r.membersTookPart) };
  return {
    wave,
    targets,
    branches: rows.map((r) => ({ ...r, ...standing(r, targets) })),
    totals: { ...total, ...standing(total, targets) },
  };
}

import { formatIsoWeek, localDayOf } from '../shared/time';
import { runStepOnce, type DirectMessage } from './direct-messages';
import { DIGEST_TEXT, type DigestWave } from './reminders.vi';
import { figuresByBranch, listBranches, listCadres, listOpenPlannedWaves, missingNames, planTargets, unitParents } from './reminders.repository';
import { branchesUnder, type ScheduleContext } from './schedule-context';

export interface DigestOutcome {
  /** Branches whose digest this run sent. */
  readonly branches: number;
  readonly messages: number;
  readonly withoutIdentity: number;
}

const DAY_MS = 86_400_000;

/**
 * The weekly digest to each branch's cadres: for every open wave of a plan that covers the branch,
 * the branch's turnout against the plan's targets and the names of those who have not taken part
 * (names only, never phones). One step per branch and ISO week (`digest:<branch>:<week>`), its
 * messages and ledger row in one transaction; a branch with no such wave, or no cadre, gets none.
 */
export async function sendBranchDigests(ctx: ScheduleContext, scheduledFor: Date): Promise<DigestOutcome> {
  const today = localDayOf(scheduledFor, ctx.timeZone);
  const week = formatIsoWeek(today);
  const waves = await listOpenPlannedWaves(ctx.db, scheduledFor);
  if (waves.length === 0) return { branches: 0, messages: 0, withoutIdentity: 0 };
  const targets = await planTargets(ctx.db, waves.map((w) => w.planId!));
  const parents = await unitParents(ctx.db);
  const cadres = await listCadres(ctx.db);
  let branches = 0;
  let messages = 0;
  let withoutIdentity = 0;
  for (const branch of await listBranches(ctx.db)) {
    const branchCadres = cadres.filter((c) => c.branchId === branch.id);
    const branchWaves = waves.filter((w) => branchesUnder(w.ownerUnitId, [branch.id], parents).length > 0);
    if (branchCadres.length === 0 || branchWaves.length === 0) continue;
    const key = `digest:${branch.id}:${week}`;
    const outcome = await runStepOnce(ctx.db, ctx.outbox, { key, ranAt: scheduledFor }, async (tx) => {
      const digestWaves: DigestWave[] = [];
      for (const wave of branchWaves) {
        const target = targets.get(wave.planId!);
        if (!target) continue;
        const f = (await figuresByBranch(tx, wave.id, [branch.id])).get(branch.id);
        digestWaves.push({
          title: wave.title,
          endsAt: wave.endsAt,
          cadres: f?.cadres ?? 0,
          cadresTookPart: f?.cadresTookPart ?? 0,
          members: f?.members ?? 0,
          membersTookPart: f?.membersTookPart ?? 0,
          ...target,
          missing: await missingNames(tx, wave.id, branch.id),
        });
      }
      if (digestWaves.length === 0) return [];
      const text = DIGEST_TEXT.digest(branch.name, today, digestWaves, ctx.timeZone);
      return branchCadres.map(
        (cadre): DirectMessage => ({
          memberId: cadre.id,
          purpose: 'cadreNudge',
          idempotencyKey: `${key}:${cadre.id}`,
          message: { text },
          topic: 'branchDigest',
          expiresAt: new Date(scheduledFor.getTime() + 3 * DAY_MS),
        }),
      );
    });
    if (!outcome.ran) continue;
    branches += 1;
    messages += outcome.deliveryIds.length;
    withoutIdentity += outcome.withoutIdentity.length;
  }
  return { branches, messages, withoutIdentity };
}

import { closeEndedWaves } from '../waves/waves.repository';
import type { BroadcastAudience, NewBroadcast } from '../broadcasts/broadcast.types';
import type { DeliveryPurpose } from '../../db/types';
import { dueWaveSteps, waveStepKey, CLOSING_GRACE_MS, WAVE_STEPS, type WaveStep } from '../waves/wave-lifecycle';
import { runStepOnce, type DirectMessage } from './direct-messages';
import { CLOSING_TEXT, WAVE_TEXT } from './reminders.vi';
import { figuresByBranch, listBranches, listCadres, listLifecycleWaves, planTargets, unitParents, type ScheduledWave } from './reminders.repository';
import { branchesUnder, type ScheduleContext } from './schedule-context';
import { findRuns, recordRun } from './schedule-runs.repository';

export interface FiredWaveStep {
  readonly waveId: string;
  readonly step: WaveStep;
  readonly key: string;
  /** The broadcast created (or found: a twin run had created it), for broadcast steps. */
  readonly broadcastId?: string;
  /** Direct messages inserted, for the closing summary. */
  readonly messages?: number;
}

export interface FailedWaveStep {
  readonly waveId: string;
  readonly step: WaveStep;
  readonly error: unknown;
}

export interface LifecycleTick {
  readonly fired: readonly FiredWaveStep[];
  /** Steps that threw (a wave whose text the broadcast refuses, the database away); tried again next tick. */
  readonly failed: readonly FailedWaveStep[];
  /** Open waves whose end passed, closed by this tick. */
  readonly closed: readonly string[];
}

type BroadcastStep = Exclude<WaveStep, 'closingSummary'>;

/**
 * Purpose per step. Reminders to members who have not joined are not "a reminder of a wave the
 * member joined" (Messenger's event-update tag would not cover them), so they travel as a launch
 * does; proof nudges go to members who did join, so they are wave reminders.
 */
const PURPOSE: Readonly<Record<BroadcastStep, DeliveryPurpose>> = {
  launch: 'waveLaunch',
  midReminder: 'waveLaunch',
  lastDayReminder: 'waveLaunch',
  midProofNudge: 'waveReminder',
  lastDayProofNudge: 'waveReminder',
};

const AUDIENCE_STATE: Readonly<Record<BroadcastStep, 'notJoined' | 'withoutProof' | null>> = {
  launch: null,
  midReminder: 'notJoined',
  lastDayReminder: 'notJoined',
  midProofNudge: 'withoutProof',
  lastDayProofNudge: 'withoutProof',
};

/** The owner unit's members (district waves: everyone), narrowed to a participation state. */
export function waveAudience(wave: Pick<ScheduledWave, 'id' | 'ownerUnitId' | 'ownerLevel'>, state: 'notJoined' | 'withoutProof' | null): BroadcastAudience {
  const scope = wave.ownerLevel === 'district' ? {} : wave.ownerLevel === 'cluster' ? { clusters: [wave.ownerUnitId] } : { branches: [wave.ownerUnitId] };
  if (state === null) return wave.ownerLevel === 'district' ? { everyone: true } : scope;
  return { ...scope, wave: { id: wave.id, state } };
}

/** The broadcast of a step: what, to whom, until when. */
export function waveStepBroadcast(wave: ScheduledWave, step: BroadcastStep, timeZone: string): NewBroadcast {
  const text = WAVE_TEXT[step](wave, timeZone);
  return {
    purpose: PURPOSE[step],
    text,
    audience: waveAudience(wave, AUDIENCE_STATE[step]),
    scheduleKey: waveStepKey(wave.id, step),
    waveId: wave.id,
    createdByStaffId: null,
    // Deferred copies are pointless once the wave is over.
    expiresAt: wave.endsAt,
    ...(step === 'launch' && wave.assetUrl ? { buttons: [{ title: 'Tài liệu của đợt', url: wave.assetUrl }] } : {}),
  };
}

/**
 * One tick of the waves' lifecycle: for every wave that has started and not ended long ago, the
 * steps due now (wave-lifecycle.ts) are fired, each once. A broadcast step records its run after
 * the broadcast exists (the broadcast's scheduleKey makes a repeated create return the first one,
 * so a crash in between is harmless); the closing summary's messages and its run are one
 * transaction. A step that fails does not hold back the other waves' steps.
 */
export async function runWaveLifecycle(ctx: ScheduleContext, now: Date): Promise<LifecycleTick> {
  // A wave past its end is no longer "đang mở" anywhere (chat, dashboard, API); its closing summary still goes out below.
  const closed = await closeEndedWaves(ctx.db, now);
  const waves = await listLifecycleWaves(ctx.db, now, CLOSING_GRACE_MS);
  const fired: FiredWaveStep[] = [];
  const failed: FailedWaveStep[] = [];
  for (const wave of waves) {
    const runs = await findRuns(
      ctx.db,
      WAVE_STEPS.map((step) => waveStepKey(wave.id, step)),
    );
    const done = new Map<WaveStep, Date>();
    for (const step of WAVE_STEPS) {
      const run = runs.get(waveStepKey(wave.id, step));
      if (run) done.set(step, run.ranAt);
    }
    for (const step of dueWaveSteps(wave, now, { done }, ctx.timeZone)) {
      try {
        const done = await fireStep(ctx, wave, step, now);
        if (done) fired.push(done);
      } catch (error) {
        failed.push({ waveId: wave.id, step, error });
      }
    }
  }
  return { fired, failed, closed };
}

async function fireStep(ctx: ScheduleContext, wave: ScheduledWave, step: WaveStep, now: Date): Promise<FiredWaveStep | undefined> {
  const key = waveStepKey(wave.id, step);
  if (step === 'closingSummary') {
    const outcome = await runStepOnce(ctx.db, ctx.outbox, { key, ranAt: now }, () => closingSummaries(ctx, wave, key));
    return outcome.ran ? { waveId: wave.id, step, key, messages: outcome.deliveryIds.length } : undefined;
  }
  const created = await ctx.broadcasts.create(waveStepBroadcast(wave, step, ctx.timeZone), null);
  return (await recordRun(ctx.db, { key, ranAt: now, broadcastId: created.id })) ? { waveId: wave.id, step, key, broadcastId: created.id } : undefined;
}

/** To each cadre of each branch the wave covers, the branch's own figures. */
async function closingSummaries(ctx: ScheduleContext, wave: ScheduledWave, key: string): Promise<DirectMessage[]> {
  const branches = await listBranches(ctx.db);
  const covered = new Set(branchesUnder(wave.ownerUnitId, branches.map((b) => b.id), await unitParents(ctx.db)));
  const cadres = await listCadres(ctx.db, [...covered]);
  if (cadres.length === 0) return [];
  const figures = await figuresByBranch(ctx.db, wave.id, [...new Set(cadres.map((c) => c.branchId))]);
  const targets = wave.planId ? (await planTargets(ctx.db, [wave.planId])).get(wave.planId) : undefined;
  const names = new Map(branches.map((b) => [b.id, b.name]));
  const expiresAt = new Date(wave.endsAt.getTime() + 7 * 86_400_000);
  return cadres.map((cadre) => {
    const f = figures.get(cadre.branchId);
    const text = CLOSING_TEXT.summary(
      names.get(cadre.branchId) ?? 'chi đoàn',
      wave.title,
      wave.endsAt,
      ctx.timeZone,
      targets ? { cadres: 0, cadresTookPart: 0, members: 0, membersTookPart: 0, ...f, ...targets } : null,
    );
    return { memberId: cadre.id, purpose: 'cadreNudge', idempotencyKey: `${key}:${cadre.id}`, message: { text }, topic: 'waveClosing', expiresAt };
  });
}

import { withTransaction, type Tx } from '../../db/database';
import { formatIsoDay, localDayOf } from '../shared/time';
import { waveStepKey } from '../waves/wave-lifecycle';
import { decideCadreNudge, NO_NUDGES } from './cadre-nudge';
import { countNudge, markSecretaryTold, nudgeHistories } from './cadre-nudges.repository';
import { insertDirectMessages, type DirectMessage } from './direct-messages';
import { CADRE_NUDGE_TEXT } from './reminders.vi';
import { joinedMembers, listBranches, listCadres, listOpenDistrictWaves, listSecretaries, type PersonRecord, type ScheduledWave } from './reminders.repository';
import type { ScheduleContext } from './schedule-context';
import { findRuns } from './schedule-runs.repository';

export interface CadreNudgesOutcome {
  /** Nudges inserted, per wave. */
  readonly nudged: number;
  /** Cadres whose names went to their branch secretary. */
  readonly reportedToSecretary: number;
  /** Branches with cadres to report but no member flagged as secretary (nobody was told; tried again tomorrow). */
  readonly branchesWithoutSecretary: readonly string[];
  /** Messages not inserted because the person never wrote to the bot (no chat identity). */
  readonly withoutIdentity: number;
}

/**
 * The daily run of cadre nudges over the open district waves that were launched (their launch
 * step ran): who gets a nudge and whose secretary is told is decided per cadre from the
 * cadre_nudges rows (cadre-nudge.ts). Each count is conditional on the previous one, in the same
 * transaction as the message, so a second run the same day (or a second worker) sends nothing
 * more. Nudges go to the cadre's Zalo identity when they have one (direct-messages.ts).
 */
export async function runCadreNudges(ctx: ScheduleContext, now: Date): Promise<CadreNudgesOutcome> {
  const today = localDayOf(now, ctx.timeZone);
  const waves = await listOpenDistrictWaves(ctx.db, now);
  const launches = await findRuns(
    ctx.db,
    waves.map((w) => waveStepKey(w.id, 'launch')),
  );
  const cadres = await listCadres(ctx.db);
  const branchNames = new Map((await listBranches(ctx.db)).map((b) => [b.id, b.name]));
  let nudged = 0;
  let reported = 0;
  let withoutIdentity = 0;
  const branchesWithoutSecretary = new Set<string>();
  const toEnqueue: number[] = [];

  for (const wave of waves) {
    const launch = launches.get(waveStepKey(wave.id, 'launch'));
    if (!launch) continue;
    const launchedOn = localDayOf(launch.ranAt, ctx.timeZone);
    const joined = await joinedMembers(ctx.db, wave.id, cadres.map((c) => c.id));
    const histories = await nudgeHistories(ctx.db, wave.id);
    const toNudge: { cadre: PersonRecord; nth: number }[] = [];
    const toReport: PersonRecord[] = [];
    for (const cadre of cadres) {
      const decision = decideCadreNudge({ launchedOn, joined: joined.has(cadre.id), history: histories.get(cadre.id) ?? NO_NUDGES }, today);
      if (decision.kind === 'nudge') toNudge.push({ cadre, nth: decision.nth });
      else if (decision.kind === 'tellSecretary') toReport.push(cadre);
    }
    if (toNudge.length === 0 && toReport.length === 0) continue;

    const result = await withTransaction(ctx.db, async (tx) => {
      const messages: DirectMessage[] = [];
      for (const { cadre, nth } of toNudge) {
        if (!(await countNudge(tx, wave.id, cadre.id, nth, today))) continue;
        messages.push({
          memberId: cadre.id,
          purpose: 'cadreNudge',
          idempotencyKey: `cadreNudge:${wave.id}:${cadre.id}:${nth}`,
          message: { text: CADRE_NUDGE_TEXT.nudge(wave.title, wave.endsAt, ctx.timeZone, nth) },
          topic: `cadreNudge:${wave.id}`,
          expiresAt: wave.endsAt,
        });
      }
      const nudges = messages.length;
      const secretaryMessages = await reportToSecretaries(tx, wave, toReport, today, branchNames, branchesWithoutSecretary);
      const inserted = await insertDirectMessages(tx, [...messages, ...secretaryMessages.messages]);
      return { inserted, nudges, reported: secretaryMessages.reported };
    });
    nudged += result.nudges;
    reported += result.reported;
    withoutIdentity += result.inserted.withoutIdentity.length;
    toEnqueue.push(...result.inserted.deliveryIds);
  }
  if (toEnqueue.length > 0) await ctx.outbox.enqueue(toEnqueue);
  return { nudged, reportedToSecretary: reported, branchesWithoutSecretary: [...branchesWithoutSecretary], withoutIdentity };
}

/**
 * One message per secretary of each branch with the names of its cadres who were nudged twice in
 * vain (a secretary is never sent their own name). A branch without a flagged secretary keeps its
 * cadres unmarked, so they are reported once one is flagged.
 */
async function reportToSecretaries(
  tx: Tx,
  wave: ScheduledWave,
  cadres: readonly PersonRecord[],
  today: ReturnType<typeof localDayOf>,
  branchNames: ReadonlyMap<string, string>,
  branchesWithoutSecretary: Set<string>,
): Promise<{ messages: DirectMessage[]; reported: number }> {
  const byBranch = new Map<string, PersonRecord[]>();
  for (const cadre of cadres) byBranch.set(cadre.branchId, [...(byBranch.get(cadre.branchId) ?? []), cadre]);
  const secretaries = await listSecretaries(tx, [...byBranch.keys()]);
  const messages: DirectMessage[] = [];
  let reported = 0;
  for (const [branchId, branchCadres] of byBranch) {
    const branchSecretaries = secretaries.filter((s) => s.branchId === branchId);
    if (branchSecretaries.length === 0) {
      branchesWithoutSecretary.add(branchId);
      continue;
    }
    const marked = await markSecretaryTold(tx, wave.id, branchCadres.map((c) => c.id), today);
    const newlyReported = branchCadres.filter((c) => marked.has(c.id));
    reported += newlyReported.length;
    for (const secretary of branchSecretaries) {
      const names = newlyReported.filter((c) => c.id !== secretary.id).map((c) => c.fullName);
      if (names.length === 0) continue;
      messages.push({
        memberId: secretary.id,
        purpose: 'cadreNudge',
        idempotencyKey: `cadreNudgeSecretary:${wave.id}:${branchId}:${formatIsoDay(today)}:${secretary.id}`,
        message: { text: CADRE_NUDGE_TEXT.toSecretary(branchNames.get(branchId) ?? 'chi đoàn', wave.title, names) },
        topic: `cadreNudgeSecretary:${wave.id}`,
        expiresAt: wave.endsAt,
      });
    }
  }
  return { messages, reported };
}

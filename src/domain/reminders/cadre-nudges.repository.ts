import type { Db, Tx } from '../../db/database';
import { parseIsoDay, type LocalDay, formatIsoDay } from '../shared/time';
import type { CadreNudgeHistory } from './cadre-nudge';

/** The only SQL for `cadre_nudges`. */

export async function nudgeHistories(db: Db | Tx, waveId: string): Promise<Map<string, CadreNudgeHistory>> {
  const rows = await db.selectFrom('cadre_nudges').select(['member_id', 'nudges', 'last_nudged_on', 'secretary_told_on']).where('wave_id', '=', waveId).execute();
  return new Map(
    rows.map((r) => [
      r.member_id,
      {
        nudges: r.nudges,
        lastNudgedOn: r.last_nudged_on === null ? null : parseIsoDay(r.last_nudged_on),
        secretaryToldOn: r.secretary_told_on === null ? null : parseIsoDay(r.secretary_told_on),
      },
    ]),
  );
}

/**
 * Counts nudge number `nth` of the cadre on `day`, only if exactly `nth - 1` were counted before:
 * false when another run got there first (it then sends the nudge, not this one).
 */
export async function countNudge(tx: Tx, waveId: string, memberId: string, nth: number, day: LocalDay): Promise<boolean> {
  const on = formatIsoDay(day);
  if (nth === 1) {
    const row = await tx
      .insertInto('cadre_nudges')
      .values({ wave_id: waveId, member_id: memberId, nudges: 1, last_nudged_on: on })
      .onConflict((oc) => oc.columns(['wave_id', 'member_id']).doUpdateSet({ nudges: 1, last_nudged_on: on }).where('cadre_nudges.nudges', '=', 0))
      .returning('member_id')
      .executeTakeFirst();
    return row !== undefined;
  }
  const result = await tx
    .updateTable('cadre_nudges')
    .set({ nudges: nth, last_nudged_on: on, updated_at: new Date() })
    .where('wave_id', '=', waveId)
    .where('member_id', '=', memberId)
    .where('nudges', '=', nth - 1)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Marks the cadres' secretary as told on `day`; returns those this call marked (not marked before). */
export async function markSecretaryTold(tx: Tx, waveId: string, memberIds: readonly string[], day: LocalDay): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await tx
    .updateTable('cadre_nudges')
    .set({ secretary_told_on: formatIsoDay(day), updated_at: new Date() })
    .where('wave_id', '=', waveId)
    .where('member_id', 'in', [...memberIds])
    .where('secretary_told_on', 'is', null)
    .returning('member_id')
    .execute();
  return new Set(rows.map((r) => r.member_id));
}

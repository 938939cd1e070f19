import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ParticipationState } from '../../db/types';

export interface ParticipationRecord {
  readonly id: string;
  readonly waveId: string;
  readonly memberId: string;
  readonly state: ParticipationState;
  readonly joinedAt: Date;
}

/**
 * The member's participation in the wave, created if absent. Safe under a race (the unique key
 * on wave × member decides): `created` says whether this call made it.
 */
export async function ensureParticipation(db: Db | Tx, waveId: string, memberId: string, now: Date): Promise<ParticipationRecord & { readonly created: boolean }> {
  const inserted = await db
    .insertInto('participations')
    .values({ wave_id: waveId, member_id: memberId, joined_at: now })
    .onConflict((oc) => oc.columns(['wave_id', 'member_id']).doNothing())
    .returning(['id', 'wave_id', 'member_id', 'state', 'joined_at'])
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, waveId: inserted.wave_id, memberId: inserted.member_id, state: inserted.state, joinedAt: inserted.joined_at, created: true };
  const existing = await findParticipation(db, waveId, memberId);
  if (!existing) throw new Error(`participation of member ${memberId} in wave ${waveId} neither inserted nor found`);
  return { ...existing, created: false };
}

export async function findParticipation(db: Db | Tx, waveId: string, memberId: string): Promise<ParticipationRecord | undefined> {
  const row = await db
    .selectFrom('participations')
    .select(['id', 'wave_id', 'member_id', 'state', 'joined_at'])
    .where('wave_id', '=', waveId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  return row && { id: row.id, waveId: row.wave_id, memberId: row.member_id, state: row.state, joinedAt: row.joined_at };
}

/** A proof was sent: a joined (or rejected, now trying again) participation awaits review; an approved one stays approved. */
export async function markProofSubmitted(db: Db | Tx, participationId: string, at: Date): Promise<void> {
  await db
    .updateTable('participations')
    .set({ state: sql<ParticipationState>`case when state = 'approved' then state else 'proofSubmitted' end`, proof_submitted_at: at, updated_at: sql<Date>`now()` })
    .where('id', '=', participationId)
    .execute();
}

/** The participation has lost its only proof (an image that could not be fetched): back to joined. */
export async function revertToJoinedIfNoProof(db: Db | Tx, participationId: string): Promise<void> {
  await db
    .updateTable('participations')
    .set({ state: 'joined', proof_submitted_at: null, updated_at: sql<Date>`now()` })
    .where('id', '=', participationId)
    .where('state', '=', 'proofSubmitted')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('proofs').select('proofs.id').whereRef('proofs.participation_id', '=', 'participations.id'))))
    .execute();
}

export interface JoinedWave {
  readonly waveId: string;
  readonly title: string;
  readonly state: ParticipationState;
  readonly joinedAt: Date;
  readonly endsAt: Date;
}

/** The waves the member joined, most recent first. */
export async function listJoinedWaves(db: Db | Tx, memberId: string, limit: number): Promise<JoinedWave[]> {
  const rows = await db
    .selectFrom('participations as p')
    .innerJoin('waves as w', 'w.id', 'p.wave_id')
    .select(['p.wave_id', 'w.title', 'p.state', 'p.joined_at', 'w.ends_at'])
    .where('p.member_id', '=', memberId)
    .orderBy('p.joined_at', 'desc')
    .orderBy('p.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ waveId: r.wave_id, title: r.title, state: r.state, joinedAt: r.joined_at, endsAt: r.ends_at }));
}

export interface BranchTurnout {
  readonly waveId: string;
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
}

/**
 * Per wave, the branch's verified cadres and members and how many of them took part (sent a
 * proof that is not rejected). Counts members, never channel identities: a person linked on two
 * channels is one row in `members`, so counts once.
 */
export async function branchTurnout(db: Db | Tx, branchId: string, waveIds: readonly string[]): Promise<BranchTurnout[]> {
  if (waveIds.length === 0) return [];
  const result = await sql<{ wave_id: string; cadres: number; cadres_took_part: number; members: number; members_took_part: number }>`
    select w.id as wave_id,
      count(*) filter (where m.role = 'cadre')::int as cadres,
      count(*) filter (where m.role = 'cadre' and p.id is not null)::int as cadres_took_part,
      count(*) filter (where m.role = 'member')::int as members,
      count(*) filter (where m.role = 'member' and p.id is not null)::int as members_took_part
    from unnest(${[...waveIds]}::uuid[]) as w(id)
    cross join members m
    left join participations p on p.wave_id = w.id and p.member_id = m.id and p.state in ('proofSubmitted', 'approved')
    where m.branch_id = ${branchId} and m.status = 'verified' and m.role in ('cadre', 'member')
    group by w.id`.execute(db);
  const byWave = new Map(result.rows.map((r) => [r.wave_id, r]));
  return waveIds.map((waveId) => {
    const r = byWave.get(waveId);
    return { waveId, cadres: r?.cadres ?? 0, cadresTookPart: r?.cadres_took_part ?? 0, members: r?.members ?? 0, membersTookPart: r?.members_took_part ?? 0 };
  });
}

export interface PlanTargets {
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
}

export async function findPlanTargets(db: Db | Tx, planId: string): Promise<PlanTargets | undefined> {
  const row = await db.selectFrom('plans').select(['cadre_target_pct', 'member_target_pct']).where('id', '=', planId).executeTakeFirst();
  return row && { cadreTargetPct: row.cadre_target_pct, memberTargetPct: row.member_target_pct };
}

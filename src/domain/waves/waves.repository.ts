import type { Db, Tx } from '../../db/database';
import type { ProofPlatform, WaveAction } from '../../db/types';

export interface WaveSummary {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly actionKind: WaveAction;
  readonly hashtags: readonly string[];
  readonly assetUrl: string | null;
  readonly startsAt: Date;
  /** Exclusive. */
  readonly endsAt: Date;
}

/** A wave with the rules its proofs must meet. */
export interface WaveDetails extends WaveSummary {
  readonly status: 'draft' | 'open' | 'closed' | 'cancelled';
  readonly planId: string | null;
  readonly requiredHashtag: string | null;
  /** Empty: every supported platform. */
  readonly acceptedPlatforms: readonly ProofPlatform[];
}

const WAVE_COLUMNS = [
  'id', 'title', 'description', 'action_kind', 'hashtags', 'asset_url', 'starts_at', 'ends_at',
  'status', 'plan_id', 'required_hashtag', 'accepted_platforms',
] as const;

interface WaveColumns {
  id: string;
  title: string;
  description: string;
  action_kind: WaveAction;
  hashtags: string[];
  asset_url: string | null;
  starts_at: Date;
  ends_at: Date;
  status: WaveDetails['status'];
  plan_id: string | null;
  required_hashtag: string | null;
  accepted_platforms: ProofPlatform[];
}

function waveOf(r: WaveColumns): WaveDetails {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    actionKind: r.action_kind,
    hashtags: r.hashtags,
    assetUrl: r.asset_url,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    status: r.status,
    planId: r.plan_id,
    requiredHashtag: r.required_hashtag,
    acceptedPlatforms: r.accepted_platforms,
  };
}

/** True when members may join the wave and send proof for it at `now`. */
export function isWaveOpenAt(wave: Pick<WaveDetails, 'status' | 'startsAt' | 'endsAt'>, now: Date): boolean {
  return wave.status === 'open' && wave.startsAt.getTime() <= now.getTime() && now.getTime() < wave.endsAt.getTime();
}

/** Published waves running at `now` or starting within `horizonDays`, soonest first. */
export async function listCurrentAndUpcomingWaves(db: Db | Tx, now: Date, horizonDays: number, limit: number): Promise<WaveDetails[]> {
  const horizon = new Date(now.getTime() + horizonDays * 86_400_000);
  const rows = await db
    .selectFrom('waves')
    .select([...WAVE_COLUMNS])
    .where('status', '=', 'open')
    .where('ends_at', '>', now)
    .where('starts_at', '<', horizon)
    .orderBy('starts_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(waveOf);
}

/** Waves members may join and send proof for at `now` (open, started, not ended), soonest ending first. */
export async function listOpenWaves(db: Db | Tx, now: Date, limit: number): Promise<WaveDetails[]> {
  const rows = await db
    .selectFrom('waves')
    .select([...WAVE_COLUMNS])
    .where('status', '=', 'open')
    .where('starts_at', '<=', now)
    .where('ends_at', '>', now)
    .orderBy('ends_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(waveOf);
}

export async function findWave(db: Db | Tx, waveId: string): Promise<WaveDetails | undefined> {
  const row = await db.selectFrom('waves').select([...WAVE_COLUMNS]).where('id', '=', waveId).executeTakeFirst();
  return row ? waveOf(row) : undefined;
}

/** Open waves whose end has passed are closed (the lifecycle tick does it; staff may close earlier). Returns their ids. */
export async function closeEndedWaves(db: Db | Tx, now: Date): Promise<string[]> {
  const rows = await db
    .updateTable('waves')
    .set({ status: 'closed', updated_at: now })
    .where('status', '=', 'open')
    .where('ends_at', '<=', now)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

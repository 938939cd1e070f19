import type { Db, Tx } from '../../db/database';
import type { WaveAction } from '../../db/types';

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

/** Published waves running at `now` or starting within `horizonDays`, soonest first. */
export async function listCurrentAndUpcomingWaves(db: Db | Tx, now: Date, horizonDays: number, limit: number): Promise<WaveSummary[]> {
  const horizon = new Date(now.getTime() + horizonDays * 86_400_000);
  const rows = await db
    .selectFrom('waves')
    .select(['id', 'title', 'description', 'action_kind', 'hashtags', 'asset_url', 'starts_at', 'ends_at'])
    .where('status', '=', 'open')
    .where('ends_at', '>', now)
    .where('starts_at', '<', horizon)
    .orderBy('starts_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    actionKind: r.action_kind,
    hashtags: r.hashtags,
    assetUrl: r.asset_url,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
  }));
}

import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database';
import type { ChannelId, FollowState } from '../../db/types';

export interface IdentityTouch {
  readonly channel: ChannelId;
  readonly platformUserId: string;
  readonly accountId: string;
  /** When the member acted (the platform's stamp); null for events that are not the member's action. */
  readonly actedAt: Date | null;
  readonly followState?: FollowState;
}

export interface IdentityRecord {
  readonly id: string;
  readonly memberId: string | null;
  readonly displayName: string | null;
  readonly profileFetchedAt: Date | null;
  /** Deliveries wait for this member to write ('deferred'); set by touchIdentities only. */
  readonly hasDeferred?: boolean;
}

/**
 * Creates or updates the identity an event came from: the window clock (`last_inbound_at`)
 * only moves forward, a member action reopens a window the platform had closed, and a follow
 * makes an unreachable identity reachable again.
 */
export async function touchIdentity(db: Db | Tx, touch: IdentityTouch): Promise<IdentityRecord> {
  const acted = touch.actedAt;
  const row = await db
    .insertInto('channel_identities')
    .values({
      channel: touch.channel,
      platform_user_id: touch.platformUserId,
      account_id: touch.accountId,
      last_inbound_at: acted,
      follow_state: touch.followState ?? 'unknown',
    })
    .onConflict((oc) =>
      oc.columns(['channel', 'platform_user_id']).doUpdateSet((eb) => ({
        account_id: eb.ref('excluded.account_id'),
        last_inbound_at: acted === null ? eb.ref('channel_identities.last_inbound_at') : sql<Date>`greatest(channel_identities.last_inbound_at, excluded.last_inbound_at)`,
        window_closed_at: acted === null ? eb.ref('channel_identities.window_closed_at') : sql<Date | null>`case when channel_identities.window_closed_at < excluded.last_inbound_at then null else channel_identities.window_closed_at end`,
        follow_state: touch.followState ? eb.ref('excluded.follow_state') : eb.ref('channel_identities.follow_state'),
        reachability: touch.followState === 'following' || acted !== null ? sql<'reachable'>`'reachable'` : eb.ref('channel_identities.reachability'),
        unreachable_reason: touch.followState === 'following' || acted !== null ? sql<null>`null` : eb.ref('channel_identities.unreachable_reason'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .returning(['id', 'member_id', 'display_name', 'profile_fetched_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, memberId: row.member_id, displayName: row.display_name, profileFetchedAt: row.profile_fetched_at };
}

/**
 * Records a fetched display name, unless a turn of this member holds the identity's row right
 * now (every turn touches it): then nothing is written and false comes back, at once, so that the
 * caller can try again later rather than hold a pooled connection while the turn runs.
 */
export async function recordProfile(db: Db, identityId: string, displayName: string | null): Promise<boolean> {
  const result = await db
    .updateTable('channel_identities')
    .set({ display_name: displayName, profile_fetched_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', identityId)
    .where('id', 'in', (eb) => eb.selectFrom('channel_identities as locked').select('locked.id').where('locked.id', '=', identityId).forUpdate().skipLocked())
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * recordProfile for many identities in one statement: returns the ids recorded (an identity a
 * turn holds right now is passed by, as in recordProfile).
 */
export async function recordProfiles(db: Db, profiles: readonly { readonly identityId: string; readonly displayName: string | null }[]): Promise<Set<string>> {
  if (profiles.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    update channel_identities ci set display_name = v.name, profile_fetched_at = now(), updated_at = now()
    from unnest(${profiles.map((p) => p.identityId)}::uuid[], ${profiles.map((p) => p.displayName)}::text[]) as v(id, name)
    where ci.id = v.id
      and ci.id in (select locked.id from channel_identities locked where locked.id = any(${profiles.map((p) => p.identityId)}::uuid[]) for update skip locked)
    returning ci.id`.execute(db);
  return new Set(rows.map((r) => r.id));
}

export async function findIdentity(db: Db | Tx, channel: ChannelId, platformUserId: string): Promise<IdentityRecord | undefined> {
  const row = await db
    .selectFrom('channel_identities')
    .select(['id', 'member_id', 'display_name', 'profile_fetched_at'])
    .where('channel', '=', channel)
    .where('platform_user_id', '=', platformUserId)
    .executeTakeFirst();
  return row && { id: row.id, memberId: row.member_id, displayName: row.display_name, profileFetchedAt: row.profile_fetched_at };
}

/**
 * touchIdentity for many identities in one statement (a batch of turns), with the same rules;
 * the touches must name distinct identities (one statement cannot update a row twice). Returns
 * the records keyed `${channel}:${platformUserId}`, each saying whether deliveries wait for that
 * member to write (an index probe: the turn pipeline flushes them only when some do).
 */
export async function touchIdentities(db: Db | Tx, touches: readonly IdentityTouch[]): Promise<Map<string, IdentityRecord>> {
  const found = new Map<string, IdentityRecord>();
  if (touches.length === 0) return found;
  // Sorted: two batches touching overlapping identities lock their rows in the same order.
  const sorted = [...touches].sort((a, b) => (a.channel + a.platformUserId < b.channel + b.platformUserId ? -1 : 1));
  const { rows } = await sql<{ id: string; channel: string; platform_user_id: string; member_id: string | null; display_name: string | null; profile_fetched_at: Date | null; has_deferred: boolean }>`
    insert into channel_identities as ci (channel, platform_user_id, account_id, last_inbound_at, follow_state)
    select * from unnest(${sorted.map((t) => t.channel)}::text[], ${sorted.map((t) => t.platformUserId)}::text[], ${sorted.map((t) => t.accountId)}::text[],
                         ${sorted.map((t) => t.actedAt?.toISOString() ?? null)}::timestamptz[], ${sorted.map((t) => t.followState ?? 'unknown')}::text[])
    on conflict (channel, platform_user_id) do update set
      account_id = excluded.account_id,
      last_inbound_at = greatest(ci.last_inbound_at, excluded.last_inbound_at),
      window_closed_at = case when ci.window_closed_at < excluded.last_inbound_at then null else ci.window_closed_at end,
      follow_state = case when excluded.follow_state = 'unknown' then ci.follow_state else excluded.follow_state end,
      reachability = case when excluded.follow_state = 'following' or excluded.last_inbound_at is not null then 'reachable' else ci.reachability end,
      unreachable_reason = case when excluded.follow_state = 'following' or excluded.last_inbound_at is not null then null else ci.unreachable_reason end,
      updated_at = now()
    returning id, channel, platform_user_id, member_id, display_name, profile_fetched_at,
      exists (select 1 from deliveries d where d.identity_id = ci.id and d.status = 'deferred') as has_deferred`.execute(db);
  for (const r of rows) {
    found.set(`${r.channel}:${r.platform_user_id}`, { id: r.id, memberId: r.member_id, displayName: r.display_name, profileFetchedAt: r.profile_fetched_at, hasDeferred: r.has_deferred });
  }
  return found;
}

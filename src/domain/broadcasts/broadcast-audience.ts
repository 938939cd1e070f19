/**
 * Who a broadcast reaches, as SQL (set-based: the audience is never loaded into memory).
 *
 * - `everyone`: verified members whose latest answer to the registration notice is yes.
 * - member filters (branches, clusters, roles, a wave's participation state) narrow that down;
 *   all given filters must hold.
 * - `topic`: the topic's active subscribers. Subscribing is its own consent, so they need no
 *   membership: a subscriber without a member record is reached too (unless member filters or a
 *   staff scope ask for members of some branch, which such a person is not).
 * - `channel`: only identities on that channel.
 * - the staff scope (a branch cadre: their branch only) always applies on top.
 *
 * One recipient is one channel identity. A member on both channels gets ONE message, on the
 * identity they were most recently active on (a reachable one first): two copies of the same
 * broadcast on two apps is noise, and the recent one is where they read.
 */
import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import type { Db } from '../../db/database';
import type { BroadcastAudience, StaffScope } from './broadcast.types';

const MEMBER_ROLES = ['cadre', 'member', 'youth'] as const;
const WAVE_STATES = ['joined', 'notJoined', 'withoutProof', 'proofSubmitted', 'approved', 'rejected'] as const;
const TOPICS = ['uncleHoTeaching', 'goodNews', 'legalInfo'] as const;

const ids = (what: string) => z.array(z.uuid({ message: `expected ${what} ids (UUIDs)` })).min(1, { message: `name at least one ${what}` }).max(1_000);

/** The audience as callers may give it (the API validates requests with it; the fan-out re-reads stored ones). */
export const broadcastAudienceSchema = z.union([
  z.strictObject({ everyone: z.literal(true) }),
  z
    .strictObject({
      branches: ids('branch').optional(),
      clusters: ids('cluster').optional(),
      roles: z.array(z.enum(MEMBER_ROLES)).min(1).optional(),
      channel: z.enum(['zalo', 'messenger']).optional(),
      wave: z.strictObject({ id: z.uuid(), state: z.enum(WAVE_STATES) }).optional(),
      topic: z.enum(TOPICS).optional(),
    })
    .refine((a) => Object.values(a).some((v) => v !== undefined), { message: 'expected {"everyone": true} or at least one of branches, clusters, roles, channel, wave, topic' }),
]);

/** An audience with the scope it runs in: what the SQL below needs. */
export interface ResolvedAudience {
  readonly audience: BroadcastAudience;
  /** Null: the whole district. */
  readonly scopeBranchIds: readonly string[] | null;
}

export function parseAudience(value: unknown): BroadcastAudience {
  const parsed = broadcastAudienceSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('VALIDATION_FAILED', `audience${issue && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`, {
      details: { field: ['audience', ...(issue?.path ?? [])].join('.') },
    });
  }
  return parsed.data as BroadcastAudience;
}

const filtersOf = (a: BroadcastAudience) => ('everyone' in a ? {} : a);

/**
 * Checks the audience against the staff scope: a cadre may name only their own branches, and a
 * cluster only when every branch in it is theirs. Throws FORBIDDEN otherwise. Asking for
 * everyone (or a topic) in a scope means everyone in that scope.
 */
export async function assertAudienceInScope(db: Db, audience: BroadcastAudience, scope: StaffScope): Promise<void> {
  if (scope === null) return;
  const f = filtersOf(audience);
  const allowed = new Set(scope.branchIds);
  const outside = (f.branches ?? []).filter((b) => !allowed.has(b));
  if (outside.length > 0) throw new AppError('FORBIDDEN', 'the audience names branches outside your scope', { details: { field: 'audience.branches' } });
  if (f.clusters && f.clusters.length > 0) {
    const branches = await db.selectFrom('units').select('id').where('parent_id', 'in', [...f.clusters]).where('level', '=', 'branch').execute();
    if (branches.some((b) => !allowed.has(b.id))) throw new AppError('FORBIDDEN', 'the audience names clusters with branches outside your scope', { details: { field: 'audience.clusters' } });
  }
}

const PLATFORM_CHANNELS = sql`('zalo', 'messenger')`;

function waveCondition(wave: NonNullable<ReturnType<typeof filtersOf>['wave']>): RawBuilder<boolean> {
  const part = (state?: string) =>
    sql`exists (select 1 from participations p where p.wave_id = ${wave.id} and p.member_id = m.id${state ? sql` and p.state = ${state}` : sql``})`;
  switch (wave.state) {
    case 'joined':
      return sql<boolean>`${part()}`;
    case 'notJoined':
      return sql<boolean>`not ${part()}`;
    case 'withoutProof':
      return sql<boolean>`${part('joined')}`;
    default:
      return sql<boolean>`${part(wave.state)}`;
  }
}

/** The conditions on `members m` (the staff scope included); `whole`: for the whole audience at once, not a page. */
function memberConditions(r: ResolvedAudience, whole: boolean): RawBuilder<boolean>[] {
  const f = filtersOf(r.audience);
  const out: RawBuilder<boolean>[] = [];
  if (f.topic) {
    out.push(sql<boolean>`m.status in ('pending', 'verified')`);
  } else {
    out.push(sql<boolean>`m.status = 'verified'`);
    // The latest answer is the one in force. A page looks it up per member (an index probe each);
    // the whole audience at once joins the latest answers of everyone (a hash join, far cheaper).
    out.push(
      whole
        ? sql<boolean>`m.id in (select c.member_id from (select distinct on (member_id) member_id, granted from consents
                                where purpose = 'registration' and member_id is not null order by member_id, recorded_at desc, id desc) c where c.granted)`
        : sql<boolean>`coalesce((select c.granted from consents c where c.member_id = m.id and c.purpose = 'registration' order by c.recorded_at desc, c.id desc limit 1), false)`,
    );
  }
  if (f.branches) out.push(sql<boolean>`m.branch_id = any(${[...f.branches]}::uuid[])`);
  if (f.clusters) out.push(sql<boolean>`m.branch_id in (select u.id from units u where u.parent_id = any(${[...f.clusters]}::uuid[]))`);
  if (f.roles) out.push(sql<boolean>`m.role = any(${[...f.roles]}::text[])`);
  if (f.wave) out.push(waveCondition(f.wave));
  if (r.scopeBranchIds !== null) out.push(sql<boolean>`m.branch_id = any(${[...r.scopeBranchIds]}::uuid[])`);
  return out;
}

/** The conditions on `channel_identities i` (channel, topic subscription). */
function identityConditions(r: ResolvedAudience): RawBuilder<boolean>[] {
  const f = filtersOf(r.audience);
  const out: RawBuilder<boolean>[] = [sql<boolean>`i.channel in ${PLATFORM_CHANNELS}`];
  if (f.channel) out.push(sql<boolean>`i.channel = ${f.channel}`);
  if (f.topic) out.push(sql<boolean>`exists (select 1 from subscriptions s where s.identity_id = i.id and s.topic = ${f.topic} and s.active)`);
  return out;
}

/** True when subscribers without a member record belong to the audience too. */
export function reachesGuests(r: ResolvedAudience): boolean {
  const f = filtersOf(r.audience);
  return f.topic !== undefined && r.scopeBranchIds === null && !f.branches && !f.clusters && !f.roles && !f.wave;
}

const and = (conditions: readonly RawBuilder<boolean>[]) => sql.join(conditions, sql` and `);

/** A member's identity a broadcast goes to: a reachable one first, then the one they wrote on last. */
const PREFERRED_IDENTITY = sql`(i.reachability = 'reachable') desc, i.last_inbound_at desc nulls last, i.id`;

/** The columns every recipient query yields: `key` orders the pages and names the recipient. */
const RECIPIENT_COLUMNS = sql`i.id as identity_id, i.channel, i.last_inbound_at, i.window_closed_at, i.reachability, i.follow_state`;

/**
 * Members of the audience with the one identity each is reached on, keyed by member id: a page
 * of them after `page.after` (keyset on members' primary key, one identity probe per member), or
 * without `page` all of them at once (set-based: one join and one sort).
 */
export function memberRecipients(r: ResolvedAudience, page?: { readonly after: string | null; readonly limit: number }): RawBuilder<unknown> {
  const conditions = memberConditions(r, page === undefined);
  if (!page) {
    return sql`
      select distinct on (m.id) m.id as key, ${RECIPIENT_COLUMNS}
      from members m
      join channel_identities i on i.member_id = m.id and ${and(identityConditions(r))}
      where ${and(conditions)}
      order by m.id, ${PREFERRED_IDENTITY}`;
  }
  if (page.after) conditions.push(sql<boolean>`m.id > ${page.after}::uuid`);
  return sql`
    select m.id as key, ${RECIPIENT_COLUMNS}
    from members m
    cross join lateral (
      select i.* from channel_identities i
      where i.member_id = m.id and ${and(identityConditions(r))}
      order by ${PREFERRED_IDENTITY}
      limit 1
    ) i
    where ${and(conditions)}
    order by m.id limit ${page.limit}`;
}

/** Subscribers without a member record, keyed by identity id (empty unless `reachesGuests`). */
export function guestRecipients(r: ResolvedAudience, page?: { readonly after: string | null; readonly limit: number }): RawBuilder<unknown> {
  const conditions = [sql<boolean>`i.member_id is null`, ...identityConditions(r)];
  if (!reachesGuests(r)) conditions.push(sql<boolean>`false`);
  if (page?.after) conditions.push(sql<boolean>`i.id > ${page.after}::uuid`);
  return sql`
    select i.id as key, ${RECIPIENT_COLUMNS}
    from channel_identities i
    where ${and(conditions)}
    ${page ? sql`order by i.id limit ${page.limit}` : sql``}`;
}

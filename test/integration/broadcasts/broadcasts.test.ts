import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import type { DeliveryPurpose, MemberRole, ParticipationState, PlatformChannelId, SubscriptionTopic } from '../../../src/db/types';
import type { BroadcastAudience, StaffScope } from '../../../src/domain/broadcasts/broadcast.types';
import { createBroadcastsService, type BroadcastJobs, type BroadcastsService } from '../../../src/domain/broadcasts/broadcasts.service';
import { decideDelivery, type DeliveryPolicySettings } from '../../../src/domain/deliveries/delivery-policy';
import type { Outbox } from '../../../src/domain/deliveries/outbox';
import { isAppError } from '../../../src/errors/app-error';
import { aDistrict, aMember, aUnit, aWave } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const HOUR = 3_600_000;
const POLICY: DeliveryPolicySettings = {
  timeZone: 'Asia/Ho_Chi_Minh',
  quietHours: null,
  dailyCap: 2,
  messengerTags: { confirmedEventUpdate: false, accountUpdate: false, humanAgent: false },
  zaloPaidEnabled: true,
  zaloTemplates: {},
};

/** For the tests that send one broadcast after another to the same people (the cap is tested in the forecast). */
const UNCAPPED: DeliveryPolicySettings = { ...POLICY, dailyCap: 1_000 };

interface IdentityFields {
  readonly channel: PlatformChannelId;
  readonly lastInboundAgoMs?: number | null;
  readonly windowClosed?: boolean;
  readonly unreachable?: boolean;
  readonly unfollowed?: boolean;
  readonly sentToday?: number;
  readonly topics?: readonly SubscriptionTopic[];
}

let seq = 0;

/** An identity (and what it already got today, and its subscriptions); returns its id. */
async function anIdentity(db: Db, memberId: string | null, f: IdentityFields): Promise<string> {
  seq += 1;
  const last = f.lastInboundAgoMs === undefined ? new Date(Date.now() - HOUR) : f.lastInboundAgoMs === null ? null : new Date(Date.now() - f.lastInboundAgoMs);
  const row = await db
    .insertInto('channel_identities')
    .values({
      channel: f.channel,
      platform_user_id: `bt-${process.pid}-${seq}`,
      member_id: memberId,
      last_inbound_at: last,
      window_closed_at: f.windowClosed ? new Date() : null,
      reachability: f.unreachable ? 'unreachable' : 'reachable',
      unreachable_reason: f.unreachable ? '-213: blocked' : null,
      follow_state: f.unfollowed ? 'unfollowed' : 'following',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < (f.sentToday ?? 0); i += 1) {
    await db
      .insertInto('deliveries')
      .values({ identity_id: row.id, purpose: 'waveLaunch', idempotency_key: `today-${row.id}-${i}`, payload: '{}', status: 'sent', sent_at: new Date() })
      .execute();
  }
  for (const topic of f.topics ?? []) await db.insertInto('subscriptions').values({ identity_id: row.id, topic }).execute();
  return row.id;
}

interface RecipientFields extends Partial<IdentityFields> {
  readonly branchId: string;
  readonly role?: MemberRole;
  readonly consent?: 'granted' | 'none' | 'withdrawn';
  readonly status?: 'verified' | 'pending';
  /** More identities of the same member. */
  readonly also?: readonly IdentityFields[];
}

/** A member with one identity (or more) and their registration consent; returns the ids. */
async function aRecipient(db: Db, f: RecipientFields): Promise<{ memberId: string; identityId: string; identityIds: string[] }> {
  const memberId = await aMember(db, { branchId: f.branchId, role: f.role ?? 'member', status: f.status ?? 'verified' });
  const identityId = await anIdentity(db, memberId, { channel: f.channel ?? 'messenger', ...f });
  const identityIds = [identityId];
  for (const other of f.also ?? []) identityIds.push(await anIdentity(db, memberId, other));
  const consent = f.consent ?? 'granted';
  if (consent !== 'none') {
    await db.insertInto('consents').values({ identity_id: identityId, member_id: memberId, purpose: 'registration', granted: true, notice_version: 't', recorded_at: new Date(Date.now() - 2 * HOUR) }).execute();
  }
  if (consent === 'withdrawn') {
    await db.insertInto('consents').values({ identity_id: identityId, member_id: memberId, purpose: 'registration', granted: false, notice_version: 't', recorded_at: new Date(Date.now() - HOUR) }).execute();
  }
  return { memberId, identityId, identityIds };
}

class RecordingOutbox implements Outbox {
  readonly enqueued: number[] = [];
  onEnqueue: ((ids: readonly number[]) => Promise<void>) | undefined;
  async enqueue(ids: readonly number[]): Promise<void> {
    await this.onEnqueue?.(ids);
    this.enqueued.push(...ids);
  }
}

class RecordingJobs implements BroadcastJobs {
  readonly scheduled: { id: string; at: Date | null }[] = [];
  readonly cancelled: string[] = [];
  async scheduleFanOut(id: string, at: Date | null): Promise<void> {
    this.scheduled.push({ id, at });
  }
  async afterCancel(id: string): Promise<void> {
    this.cancelled.push(id);
  }
}

describe('broadcasts: audience, forecast, fan-out, cancel, figures', () => {
  let t: TestDatabase;
  let db: Db;
  let outbox: RecordingOutbox;
  let jobs: RecordingJobs;
  const service = (policy: DeliveryPolicySettings = POLICY, pageSize = 1_000, feedAhead?: number): BroadcastsService =>
    createBroadcastsService({ db, outbox, jobs, policy, pageSize, ...(feedAhead ? { feedAhead } : {}) });

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
  });

  afterAll(async () => {
    await t?.drop();
  });

  beforeEach(() => {
    outbox = new RecordingOutbox();
    jobs = new RecordingJobs();
  });

  /** Creates, fans out, and returns the identities that got a delivery. */
  async function recipientsOf(audience: BroadcastAudience, scope: StaffScope = null, purpose: DeliveryPurpose = 'waveLaunch'): Promise<string[]> {
    const s = service();
    const { id } = await s.create({ purpose, text: 'Chào bạn, đợt hoạt động mới đã bắt đầu!', audience, createdByStaffId: null }, scope);
    expect(await s.fanOut(id)).toMatchObject({ kind: 'done' });
    const rows = await db.selectFrom('deliveries').select('identity_id').where('broadcast_id', '=', id).execute();
    return rows.map((r) => r.identity_id).sort();
  }

  describe('forecast', () => {
    let branch: string;
    const expectedIds: Record<string, string> = {};

    beforeAll(async () => {
      const district = await aDistrict(db);
      branch = await aUnit(db, district);
      const add = async (name: string, f: Omit<RecipientFields, 'branchId'>) => {
        expectedIds[name] = (await aRecipient(db, { branchId: branch, ...f })).identityId;
      };
      await add('messengerRecent', { channel: 'messenger', lastInboundAgoMs: HOUR });
      await add('messenger30h', { channel: 'messenger', lastInboundAgoMs: 30 * HOUR });
      await add('messengerNever', { channel: 'messenger', lastInboundAgoMs: null });
      await add('messengerClosedByPlatform', { channel: 'messenger', lastInboundAgoMs: HOUR, windowClosed: true });
      await add('messengerCapped', { channel: 'messenger', lastInboundAgoMs: HOUR, sentToday: 2 });
      await add('zaloRecent', { channel: 'zalo', lastInboundAgoMs: HOUR });
      await add('zalo3days', { channel: 'zalo', lastInboundAgoMs: 72 * HOUR });
      await add('zalo10days', { channel: 'zalo', lastInboundAgoMs: 240 * HOUR });
      await add('zaloBlocked', { channel: 'zalo', lastInboundAgoMs: HOUR, unreachable: true });
      await add('zaloUnfollowed', { channel: 'zalo', lastInboundAgoMs: HOUR, unfollowed: true });
      // On both channels: one message, on Zalo where they wrote last.
      await add('bothChannels', { channel: 'messenger', lastInboundAgoMs: 50 * HOUR, also: [{ channel: 'zalo', lastInboundAgoMs: 2 * HOUR }] });
      // Not in the audience: no consent, consent withdrawn, not verified.
      await add('noConsent', { channel: 'zalo', consent: 'none' });
      await add('withdrawn', { channel: 'zalo', consent: 'withdrawn' });
      await add('pending', { channel: 'zalo', status: 'pending' });
    });

    it('When staff ask the reach of a wave launch to a branch, then each channel counts now, later, paid and never as the delivery policy decides for each clock', async () => {
      const forecast = await service().forecast({ branches: [branch] }, 'waveLaunch', null);
      expect(forecast).toEqual({
        total: 11,
        byChannel: {
          messenger: { now: 1, later: 4, paid: 0, never: 0 },
          zalo: { now: 2, later: 1, paid: 1, never: 2 },
        },
      });
    });

    it('When the forecast is compared with the policy asked about each recipient one by one, then they agree for every purpose', async () => {
      const recipients = await recipientsOf({ branches: [branch] });
      const clocks = await db
        .selectFrom('channel_identities as i')
        .select(['i.id', 'i.channel', 'i.last_inbound_at', 'i.window_closed_at', 'i.reachability', 'i.follow_state'])
        .where('i.id', 'in', recipients)
        .execute();
      // Everyone but the three outside the audience; the member on both channels through their Zalo identity.
      const outside = new Set(['noConsent', 'withdrawn', 'pending', 'bothChannels']);
      const viaZalo = clocks.filter((c) => !Object.values(expectedIds).includes(c.id));
      expect(viaZalo).toMatchObject([{ channel: 'zalo' }]);
      expect(recipients.sort()).toEqual([...Object.entries(expectedIds).filter(([k]) => !outside.has(k)).map(([, v]) => v), viaZalo[0]!.id].sort());
      for (const purpose of ['waveLaunch', 'recurringContent', 'waveReminder', 'reviewResult', 'cadreNudge'] as const) {
        const now = new Date();
        const byHand = { messenger: { now: 0, later: 0, paid: 0, never: 0 }, zalo: { now: 0, later: 0, paid: 0, never: 0 } };
        for (const c of clocks) {
          const sentToday = c.id === expectedIds.messengerCapped ? 2 : 0;
          const d = decideDelivery(
            { purpose, now, sentToday, recipient: { channel: c.channel as PlatformChannelId, lastInboundAt: c.last_inbound_at, windowClosedAt: c.window_closed_at, reachability: c.reachability, followState: c.follow_state } },
            POLICY,
          );
          const column = d.kind === 'skip' ? 'never' : d.kind === 'defer' ? 'later' : d.cost === 'paid' ? 'paid' : 'now';
          byHand[c.channel as PlatformChannelId][column] += 1;
        }
        expect((await service().forecast({ branches: [branch] }, purpose, null)).byChannel).toEqual(byHand);
      }
    });

    it('When it is quiet hours, then everyone who could be reached is counted as later, and the unreachable still as never', async () => {
      const local = new Date(Date.now() + 7 * HOUR);
      const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
      const quiet = { ...POLICY, quietHours: { startMinute: (minute + 1440 - 5) % 1440, endMinute: (minute + 60) % 1440 } };
      const forecast = await service(quiet).forecast({ branches: [branch] }, 'waveLaunch', null);
      expect(forecast.byChannel).toEqual({ messenger: { now: 0, later: 5, paid: 0, never: 0 }, zalo: { now: 0, later: 4, paid: 0, never: 2 } });
    });
  });

  describe('audience filters and scope', () => {
    let district: string;
    let clusterA: string;
    let clusterB: string;
    let b1: string;
    let b2: string;
    let b3: string;
    let wave: string;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      district = await aDistrict(db);
      clusterA = await aUnit(db, district, { level: 'cluster' });
      clusterB = await aUnit(db, district, { level: 'cluster' });
      b1 = await aUnit(db, clusterA);
      b2 = await aUnit(db, clusterA);
      b3 = await aUnit(db, clusterB);
      wave = await aWave(db, { ownerUnitId: district });
      const add = async (name: string, f: RecipientFields, state?: ParticipationState) => {
        const r = await aRecipient(db, f);
        ids[name] = r.identityId;
        if (state) await db.insertInto('participations').values({ wave_id: wave, member_id: r.memberId, state }).execute();
      };
      await add('b1Cadre', { branchId: b1, role: 'cadre', channel: 'zalo', topics: ['goodNews'] }, 'joined');
      await add('b1Member', { branchId: b1, channel: 'messenger' }, 'approved');
      await add('b2Member', { branchId: b2, channel: 'zalo', topics: ['goodNews'] }, 'proofSubmitted');
      await add('b3Youth', { branchId: b3, role: 'youth', channel: 'messenger', topics: ['legalInfo'] });
      await add('b3Pending', { branchId: b3, channel: 'zalo', status: 'pending', consent: 'none', topics: ['goodNews'] });
      ids.guest = await anIdentity(db, null, { channel: 'messenger', topics: ['goodNews'] });
      ids.guestOtherTopic = await anIdentity(db, null, { channel: 'zalo', topics: ['legalInfo'] });
    });

    const only = (...names: string[]) => names.map((n) => ids[n]!).sort();
    const within = (got: string[]) => got.filter((id) => Object.values(ids).includes(id));

    it('When filtering by branch, cluster, role, channel, wave state and topic, then exactly the matching identities get a delivery', async () => {
      expect(within(await recipientsOf({ branches: [b1] }))).toEqual(only('b1Cadre', 'b1Member'));
      expect(within(await recipientsOf({ clusters: [clusterA] }))).toEqual(only('b1Cadre', 'b1Member', 'b2Member'));
      expect(within(await recipientsOf({ clusters: [clusterB] }))).toEqual(only('b3Youth'));
      expect(within(await recipientsOf({ roles: ['cadre', 'youth'] }))).toEqual(only('b1Cadre', 'b3Youth'));
      expect(within(await recipientsOf({ channel: 'zalo', clusters: [clusterA] }))).toEqual(only('b1Cadre', 'b2Member'));
      expect(within(await recipientsOf({ wave: { id: wave, state: 'joined' } }))).toEqual(only('b1Cadre', 'b1Member', 'b2Member'));
      expect(within(await recipientsOf({ wave: { id: wave, state: 'withoutProof' } }))).toEqual(only('b1Cadre'));
      expect(within(await recipientsOf({ wave: { id: wave, state: 'approved' } }))).toEqual(only('b1Member'));
      expect(within(await recipientsOf({ wave: { id: wave, state: 'notJoined' }, clusters: [clusterA, clusterB] }))).toEqual(only('b3Youth'));
      // Subscribers need no membership (a pending member and a guest too); the staff's member filters do.
      expect(within(await recipientsOf({ topic: 'goodNews' }, null, 'recurringContent'))).toEqual(only('b1Cadre', 'b2Member', 'b3Pending', 'guest'));
      expect(within(await recipientsOf({ topic: 'goodNews', branches: [b2, b3] }, null, 'recurringContent'))).toEqual(only('b2Member', 'b3Pending'));
    });

    it('When a branch cadre broadcasts, then only their branch is reached, and naming another branch or a wider cluster is refused', async () => {
      const scope = { branchIds: [b1] };
      expect(within(await recipientsOf({ everyone: true }, scope))).toEqual(only('b1Cadre', 'b1Member'));
      expect(within(await recipientsOf({ topic: 'goodNews' }, scope, 'recurringContent'))).toEqual(only('b1Cadre'));
      for (const audience of [{ branches: [b3] }, { branches: [b1, b2] }, { clusters: [clusterA] }] satisfies BroadcastAudience[]) {
        const refused = await service()
          .create({ purpose: 'waveLaunch', text: 'Xin chào', audience, createdByStaffId: null }, scope)
          .then(() => undefined, (err: unknown) => err);
        expect(isAppError(refused, 'FORBIDDEN')).toBe(true);
        await expect(service().forecast(audience, 'waveLaunch', scope)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
      // A cluster made only of the cadre's branches is theirs to use.
      expect(within(await recipientsOf({ clusters: [clusterA] }, { branchIds: [b1, b2] }))).toEqual(only('b1Cadre', 'b1Member', 'b2Member'));
    });

    it('When a broadcast was made by a district user, then a branch cadre can neither see its figures nor cancel it', async () => {
      const s = service();
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Xin chào', audience: { everyone: true }, createdByStaffId: null, sendAt: new Date(Date.now() + HOUR) }, null);
      expect(await s.figures(id, { branchIds: [b1] })).toBeUndefined();
      expect(await s.cancel(id, { branchIds: [b1] })).toBe(false);
      expect(await s.figures(id, null)).toMatchObject({ status: 'scheduled' });
    });

    it('When the audience is malformed, then creating it is refused naming the field', async () => {
      for (const audience of [{}, { everyone: false }, { branches: [] }, { roles: ['boss'] }, { wave: { id: wave, state: 'maybe' } }, { everyone: true, branches: [b1] }]) {
        await expect(service().create({ purpose: 'waveLaunch', text: 'Xin chào', audience: audience as BroadcastAudience, createdByStaffId: null }, null)).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
      }
      await expect(service().create({ purpose: 'waveLaunch', text: '   ', audience: { everyone: true }, createdByStaffId: null }, null)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'text' } });
      await expect(service().create({ purpose: 'reply', text: 'Xin chào', audience: { everyone: true }, createdByStaffId: null }, null)).rejects.toMatchObject({ details: { field: 'purpose' } });
    });
  });

  describe('create, fan-out, cancel and figures', () => {
    let branch: string;
    const recipients: string[] = [];

    beforeAll(async () => {
      const district = await aDistrict(db);
      branch = await aUnit(db, district);
      for (let i = 0; i < 10; i += 1) recipients.push((await aRecipient(db, { branchId: branch, channel: i % 2 === 0 ? 'zalo' : 'messenger' })).identityId);
    });

    const countOf = async (broadcastId: string) => Number((await sql<{ n: string }>`select count(*) as n from deliveries where broadcast_id = ${broadcastId}`.execute(db)).rows[0]!.n);

    it('When a schedule creates the same broadcast twice (same key), then the second create returns the first and nothing is recorded twice', async () => {
      const s = service(UNCAPPED);
      const input = { purpose: 'recurringContent' as const, text: 'Lời Bác dạy tuần này', audience: { branches: [branch] }, createdByStaffId: null, scheduleKey: `uncleHo:2026-W48:${branch}` };
      const first = await s.create(input, null);
      const second = await s.create({ ...input, text: 'another text' }, null);
      expect(first).toMatchObject({ status: 'scheduled', created: true });
      expect(second).toEqual({ id: first.id, status: 'scheduled', created: false });
      expect(await db.selectFrom('broadcasts').select('text').where('schedule_key', '=', input.scheduleKey).execute()).toEqual([{ text: 'Lời Bác dạy tuần này' }]);
      await s.fanOut(first.id);
      expect(await s.create(input, null)).toEqual({ id: first.id, status: 'sending', created: false });
      expect(await countOf(first.id)).toBe(10);
    });

    it('When sendAt is in the future, then the fan-out is scheduled for then and does not run before', async () => {
      const s = service(UNCAPPED);
      const at = new Date(Date.now() + 2 * HOUR);
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Hẹn giờ', audience: { branches: [branch] }, createdByStaffId: null, sendAt: at }, null);
      expect(jobs.scheduled).toEqual([{ id, at }]);
      expect(await s.fanOut(id)).toEqual({ kind: 'notDue', at });
      expect(await countOf(id)).toBe(0);
    });

    it('When the fan-out is cut off and run again from any point, then every recipient has exactly one delivery, rendered with its image and link button in the send mode the policy gives', async () => {
      const s = service(UNCAPPED, 3);
      const { id } = await s.create(
        { purpose: 'waveLaunch', title: 'Đợt mới', text: 'Cùng thay khung ảnh đại diện nhé!', imageUrl: 'https://example.vn/khung.png', buttons: [{ title: 'Xem chi tiết', url: 'https://example.vn/dot' }], audience: { branches: [branch] }, createdByStaffId: null },
        null,
      );
      expect(await s.fanOut(id)).toEqual({ kind: 'done', recipients: 10, pages: 4, statistics: 'notNeeded' });
      const firstPageEnd = (await db.selectFrom('deliveries').select(sql<string>`max(split_part(idempotency_key, ':', 3))`.as('k')).where('broadcast_id', '=', id).executeTakeFirstOrThrow()).k;
      // As if it died before saving its cursor (everything is done again), then after the first page.
      for (const cursor of [null, `members:${firstPageEnd}`]) {
        await db.updateTable('broadcasts').set({ status: 'fanningOut', fanout_cursor: cursor }).where('id', '=', id).execute();
        expect(await s.fanOut(id)).toMatchObject({ kind: 'done' });
      }
      const rows = await db.selectFrom('deliveries').select(['id', 'identity_id', 'status', 'payload', 'send_mode']).where('broadcast_id', '=', id).execute();
      expect(rows.map((r) => r.identity_id).sort()).toEqual([...recipients].sort());
      expect(rows[0]!.payload).toEqual({ text: 'Đợt mới\n\nCùng thay khung ảnh đại diện nhé!', imageUrl: 'https://example.vn/khung.png', links: [{ title: 'Xem chi tiết', url: 'https://example.vn/dot' }] });
      expect(new Set(rows.map((r) => r.send_mode))).toEqual(new Set(['{"channel":"zalo","kind":"cs"}', '{"channel":"messenger","messagingType":"UPDATE"}']));
      expect(new Set(outbox.enqueued)).toEqual(new Set(rows.map((r) => Number(r.id))));
      expect(await s.figures(id, null)).toMatchObject({ status: 'sending', recipients: 10, queued: 10 });
    });

    it('When a broadcast is sending, then its sends are enqueued a few ahead at a time, in order, and it completes once all are sent', async () => {
      const s = service(UNCAPPED, 1_000, 4);
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Từng đợt', audience: { branches: [branch] }, createdByStaffId: null }, null);
      await s.fanOut(id);
      const ids = (await db.selectFrom('deliveries').select('id').where('broadcast_id', '=', id).orderBy('id').execute()).map((r) => Number(r.id));
      expect(outbox.enqueued).toEqual(ids.slice(0, 4));
      const send = (n: number) => db.updateTable('deliveries').set({ status: 'sent', sent_at: new Date() }).where('id', 'in', ids.slice(0, n)).execute();
      await send(2);
      expect(await s.progress(id)).toEqual({ kind: 'feeding', enqueued: 0 });
      await send(3);
      expect(await s.progress(id)).toEqual({ kind: 'feeding', enqueued: 3 });
      expect(outbox.enqueued).toEqual(ids.slice(0, 7));
      // A crash between enqueueing and noting it: the same ones again (a no-op for BullMQ: job ids).
      await db.updateTable('broadcasts').set({ fed_through_id: ids[3]! }).where('id', '=', id).execute();
      expect(await s.progress(id)).toEqual({ kind: 'feeding', enqueued: 3 });
      expect(outbox.enqueued.slice(7)).toEqual(ids.slice(4, 7));
      await send(7);
      expect(await s.progress(id)).toEqual({ kind: 'feeding', enqueued: 3 });
      expect(outbox.enqueued.slice(10)).toEqual(ids.slice(7, 10));
      expect(await s.progress(id)).toEqual({ kind: 'pending', nextDueAt: null });
      await send(10);
      expect(await s.progress(id)).toEqual({ kind: 'completed' });
      expect(await s.progress(id)).toEqual({ kind: 'notSending' });
    });

    it('When a broadcast is cancelled while fanning out, then what was recorded is cancelled, no later page is recorded, and sent messages stay sent', async () => {
      const s = service(UNCAPPED, 4);
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Sẽ bị huỷ', audience: { branches: [branch] }, createdByStaffId: null }, null);
      // Cut off after its first page (as if the worker died there), one of whose messages went out.
      expect(await s.fanOut(id)).toMatchObject({ kind: 'done' });
      const keep = await db.selectFrom('deliveries').select(['id', 'idempotency_key']).where('broadcast_id', '=', id).orderBy('idempotency_key').limit(4).execute();
      await db.deleteFrom('deliveries').where('broadcast_id', '=', id).where('id', 'not in', keep.map((k) => k.id)).execute();
      await db.updateTable('broadcasts').set({ status: 'fanningOut', fanout_cursor: `members:${keep[3]!.idempotency_key.split(':')[2]}`, recipients_count: null }).where('id', '=', id).execute();
      await db.updateTable('deliveries').set({ status: 'sent', sent_at: new Date() }).where('id', '=', keep[0]!.id).execute();

      expect(await s.cancel(id, null)).toBe(true);
      expect(jobs.cancelled).toEqual([id]);
      expect(await s.fanOut(id)).toEqual({ kind: 'skipped', status: 'cancelled' });
      expect(await s.progress(id)).toEqual({ kind: 'notSending' });
      expect(await s.figures(id, null)).toMatchObject({ status: 'cancelled', sent: 1, cancelled: 3, queued: 0 });
      expect(await countOf(id)).toBe(4);
      expect(await s.cancel(id, null)).toBe(false);
    });

    it('When a fan-out page runs while staff cancel, then the cancel waits for the page and cancels its rows too', async () => {
      const s = service(UNCAPPED, 1_000);
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Huỷ giữa chừng', audience: { branches: [branch] }, createdByStaffId: null }, null);
      await db.updateTable('broadcasts').set({ status: 'fanningOut' }).where('id', '=', id).execute();
      // Hold the broadcast's row as a page in progress does, and cancel meanwhile.
      let cancelled: Promise<boolean> | undefined;
      await db.transaction().execute(async (tx) => {
        await tx.selectFrom('broadcasts').select('id').where('id', '=', id).forUpdate().execute();
        await tx.insertInto('deliveries').values({ broadcast_id: id, identity_id: recipients[0]!, purpose: 'waveLaunch', idempotency_key: `broadcast:${id}:manual`, payload: '{}' }).execute();
        cancelled = s.cancel(id, null);
        await new Promise((r) => setTimeout(r, 200));
      });
      expect(await cancelled).toBe(true);
      expect(await s.figures(id, null)).toMatchObject({ status: 'cancelled', cancelled: 1, queued: 0 });
    });

    it('When deliveries end in every way, then the figures count each, failures and skips by reason, and add up to the recipients; it completes when nothing is left to send', async () => {
      const s = service(UNCAPPED);
      const { id } = await s.create({ purpose: 'waveLaunch', text: 'Số liệu', audience: { branches: [branch] }, createdByStaffId: null }, null);
      await s.fanOut(id);
      const rows = await db.selectFrom('deliveries').select('id').where('broadcast_id', '=', id).orderBy('id').execute();
      const set = async (i: number, fields: Record<string, unknown>) => db.updateTable('deliveries').set(fields).where('id', '=', rows[i]!.id).execute();
      await set(0, { status: 'sent', sent_at: new Date() });
      await set(1, { status: 'delivered', sent_at: new Date(), delivered_at: new Date() });
      await set(2, { status: 'read', sent_at: new Date(), delivered_at: new Date(), read_at: new Date() });
      await set(3, { status: 'failed', error_code: '-213' });
      await set(4, { status: 'failed', error_code: '-213' });
      await set(5, { status: 'failed', error_code: 'unknown_outcome' });
      await set(6, { status: 'skipped', error_code: 'unreachable' });
      await set(7, { status: 'deferred' });
      await set(8, { status: 'expired' });
      expect(await s.checkCompletion(id)).toEqual({ kind: 'pending', nextDueAt: null });
      await set(9, { status: 'sending' });
      expect(await s.checkCompletion(id)).toEqual({ kind: 'pending', nextDueAt: null });
      await set(9, { status: 'sent', sent_at: new Date() });
      expect(await s.checkCompletion(id)).toEqual({ kind: 'completed' });
      const f = (await s.figures(id, null))!;
      expect(f).toMatchObject({ status: 'completed', recipients: 10, queued: 0, sent: 4, delivered: 2, read: 1, deferred: 1, expired: 1, cancelled: 0, failed: { '-213': 2, unknown_outcome: 1 }, skipped: { unreachable: 1 } });
      const failed = Object.values(f.failed).reduce((a, b) => a + b, 0);
      const skipped = Object.values(f.skipped).reduce((a, b) => a + b, 0);
      expect(f.queued + f.sent + f.deferred + failed + skipped + f.expired + f.cancelled).toBe(f.recipients);
      expect(f.completedAt).toBeInstanceOf(Date);
    });
  });
});

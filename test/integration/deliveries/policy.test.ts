import { sql } from 'kysely';
import type { DeliveryPolicySettings } from '../../../src/domain/deliveries/delivery-policy';
import { localDayOf, zonedMidnight, addDays } from '../../../src/domain/shared/time';
import { outboundJobId } from '../../../src/jobs/queues';
import { FakeSender, failure } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OPEN_POLICY, OutboundHarness, createDeliveries, createIdentity, deliveryRow, until } from './harness';

const TZ = 'Asia/Ho_Chi_Minh';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The local instant `minute` minutes after midnight, `daysAhead` days after today in Vietnam. */
function localTime(daysAhead: number, minute: number): Date {
  const day = addDays(localDayOf(new Date(), TZ), daysAhead);
  return new Date(zonedMidnight(day.year, day.month, day.day, TZ).getTime() + minute * 60_000);
}

describe('the delivery policy in the outbound path', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let h: OutboundHarness | undefined;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await t.drop();
  });

  afterEach(async () => {
    await h?.close();
    h = undefined;
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
    await t.db.deleteFrom('members').execute();
  });

  function harness(policy: DeliveryPolicySettings = OPEN_POLICY, now?: () => Date): OutboundHarness {
    h = new OutboundHarness(t.db, logs.logger, { policy, jobOptions: { backoff: { type: 'fixed', delay: 50 } }, ...(now ? { now } : {}) });
    return h;
  }

  async function settled(id: number) {
    await until(`delivery ${id} to settle`, async () => !['queued', 'sending'].includes((await deliveryRow(t.db, id)).status));
    return t.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function newMember(): Promise<string> {
    const row = await t.db.insertInto('members').values({ role: 'member', source: 'chat', full_name: 'Nguyễn Thị Lan' }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  it('When a wave launch is for a Zalo member who last wrote 3 days ago and paid sends are off, then it waits for the member (deferred, windowClosed), no call, the attempt given back and the identity untouched', async () => {
    const zalo = new FakeSender('zalo');
    harness().start({ zalo });
    const identity = await createIdentity(t.db, 'zalo', undefined, { lastInboundAt: new Date(Date.now() - 3 * DAY) });
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'waveLaunch', topic: 'wave:1' });

    await h!.outbox.enqueue([id!]);
    const row = await settled(id!);

    expect(row).toMatchObject({ status: 'deferred', error_code: 'windowClosed', attempts: 0, sent_at: null });
    expect(zalo.calls).toHaveLength(0);
    const who = await t.db.selectFrom('channel_identities').select('window_closed_at').where('id', '=', identity).executeTakeFirstOrThrow();
    expect(who.window_closed_at).toBeNull();
  });

  it('When the same member is outside 7 days and a template is configured for wave launches, then it goes as that template with the text as its content, and the row keeps the mode used', async () => {
    const zalo = new FakeSender('zalo');
    harness({ ...OPEN_POLICY, zaloTemplates: { waveLaunch: 'tpl-launch' } }).start({ zalo });
    const identity = await createIdentity(t.db, 'zalo', 'zalo-template-user', { lastInboundAt: new Date(Date.now() - 9 * DAY) });
    const [id] = await createDeliveries(t.db, identity, 1, {
      purpose: 'waveLaunch',
      message: { text: 'Đợt “Thắp nến tri ân” đã bắt đầu, mời bạn tham gia!', links: [{ title: 'Xem chi tiết', url: 'https://example.vn/dot' }] },
    });

    await h!.outbox.enqueue([id!]);
    const row = await settled(id!);

    const mode = { channel: 'zalo', kind: 'template', templateId: 'tpl-launch', templateData: { content: 'Đợt “Thắp nến tri ân” đã bắt đầu, mời bạn tham gia!', link: 'https://example.vn/dot' } };
    expect(row.status).toBe('sent');
    expect(JSON.parse(row.send_mode!)).toEqual(mode);
    expect(zalo.calls.map((c) => c.mode)).toEqual([mode]);
  });

  it('When a wave reminder is for a Messenger member who wrote 30 hours ago, then it goes with the CONFIRMED_EVENT_UPDATE tag only when that tag is on', async () => {
    const messenger = new FakeSender('messenger');
    harness({ ...OPEN_POLICY, messengerTags: { ...OPEN_POLICY.messengerTags, confirmedEventUpdate: true } }).start({ messenger });
    const tagged = await createIdentity(t.db, 'messenger', 'psid-tagged', { lastInboundAt: new Date(Date.now() - 30 * HOUR) });
    const [id] = await createDeliveries(t.db, tagged, 1, { purpose: 'waveReminder', topic: 'wave:1' });
    const [review] = await createDeliveries(t.db, tagged, 1, { purpose: 'reviewResult', topic: 'proof:1' });

    await h!.outbox.enqueue([id!, review!]);

    expect((await settled(id!)).status).toBe('sent');
    expect(await settled(review!)).toMatchObject({ status: 'deferred', error_code: 'windowClosed' });
    expect(messenger.calls.map((c) => c.mode)).toEqual([{ channel: 'messenger', messagingType: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' }]);
  });

  it('When a Zalo member unfollowed the OA, then a proactive message is skipped with that reason, without a call', async () => {
    const zalo = new FakeSender('zalo');
    harness().start({ zalo });
    const identity = await createIdentity(t.db, 'zalo');
    await t.db.updateTable('channel_identities').set({ follow_state: 'unfollowed' }).where('id', '=', identity).execute();
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'recurringContent' });

    await h!.outbox.enqueue([id!]);
    expect(await settled(id!)).toMatchObject({ status: 'skipped', error_code: 'unfollowed' });
    expect(zalo.calls).toHaveLength(0);
  });

  it('When a proactive message meets quiet hours (23:00 local), then it is queued again for 07:00 with its job delayed until then, and it goes once that time comes', async () => {
    const zalo = new FakeSender('zalo');
    // A clock a day or two ahead, at 23:00 local: 07:00 after it is still in the future for Redis.
    let clock = localTime(1, 23 * 60);
    const morning = localTime(2, 7 * 60);
    harness({ ...OPEN_POLICY, quietHours: { startMinute: 21 * 60 + 30, endMinute: 7 * 60 } }, () => clock).start({ zalo });
    const identity = await createIdentity(t.db, 'zalo', undefined, { lastInboundAt: new Date(clock.getTime() - HOUR) });
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'recurringContent' });

    await h!.outbox.enqueue([id!]);
    const job = await h!.queues.outboundZalo.getJob(outboundJobId(id!));
    await until('the job to wait in the delayed set', async () => (await job!.getState()) === 'delayed' && (await deliveryRow(t.db, id!)).error_code === 'quietHours');
    const row = await t.db.selectFrom('deliveries').select(['status', 'not_before', 'attempts', 'error_code']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'queued', not_before: morning, attempts: 0, error_code: 'quietHours' });
    const delayed = await h!.queues.outboundZalo.getJob(outboundJobId(id!));
    // BullMQ keeps the delay relative to its own stamp, a few ms off (LIBRARIES.md B2).
    expect(Math.abs(delayed!.timestamp + delayed!.delay - morning.getTime())).toBeLessThan(1_000);
    expect(zalo.calls).toHaveLength(0);

    // Morning comes: the clock moves, the row is due, and the delayed job runs.
    clock = new Date(morning.getTime() + 60_000);
    await t.db.updateTable('deliveries').set({ not_before: sql<Date>`now() - interval '1 second'` }).where('id', '=', id!).execute();
    await delayed!.promote();
    expect((await settled(id!)).status).toBe('sent');
    expect(zalo.calls).toHaveLength(1);
  });

  it('When a member already got the daily cap of proactive messages on another channel today, then the next one waits until tomorrow; replies neither count nor wait', async () => {
    const zalo = new FakeSender('zalo');
    harness({ ...OPEN_POLICY, dailyCap: 2 }).start({ zalo });
    const memberId = await newMember();
    const onMessenger = await createIdentity(t.db, 'messenger', undefined, { memberId });
    const onZalo = await createIdentity(t.db, 'zalo', undefined, { memberId });
    const earlier = await createDeliveries(t.db, onMessenger, 3, { purpose: 'reply' });
    earlier.push(...(await createDeliveries(t.db, onMessenger, 1, { purpose: 'recurringContent' })));
    await t.db.updateTable('deliveries').set({ status: 'sent', sent_at: sql<Date>`now()` }).where('id', 'in', earlier).execute();
    const [reply] = await createDeliveries(t.db, onZalo, 1, { purpose: 'reply' });
    // 1 proactive so far (3 replies do not count): one more may go, the one after waits.
    const [second, capped] = await createDeliveries(t.db, onZalo, 2, { purpose: 'cadreNudge' });

    await h!.outbox.enqueue([reply!, second!, capped!]);
    expect((await settled(reply!)).status).toBe('sent');
    expect((await settled(second!)).status).toBe('sent');
    await until('the capped one to be postponed', async () => (await deliveryRow(t.db, capped!)).error_code === 'dailyCap');
    const row = await t.db.selectFrom('deliveries').select(['status', 'not_before']).where('id', '=', capped!).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'queued', not_before: localTime(1, 0) });
    expect(zalo.calls).toHaveLength(2);
  });

  it('When Zalo refuses a message for the hour (-234 with a time to retry), then it is queued again for then and the window stays open', async () => {
    const zalo = new FakeSender('zalo').answerNext(failure('windowClosed', '-234', { retryAfterMs: 5 * HOUR }));
    harness().start({ zalo });
    const identity = await createIdentity(t.db, 'zalo');
    const [id] = await createDeliveries(t.db, identity, 1, { purpose: 'waveLaunch' });

    await h!.outbox.enqueue([id!]);
    await until('the row to be postponed', async () => (await deliveryRow(t.db, id!)).error_code === '-234');
    const row = await t.db.selectFrom('deliveries').select(['status', 'not_before']).where('id', '=', id!).executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(row.not_before!.getTime()).toBeGreaterThan(Date.now() + 4 * HOUR);
    const who = await t.db.selectFrom('channel_identities').select('window_closed_at').where('id', '=', identity).executeTakeFirstOrThrow();
    expect(who.window_closed_at).toBeNull();
  });
});

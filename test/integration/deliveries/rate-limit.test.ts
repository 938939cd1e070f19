import { sql } from 'kysely';
import { FakeSender } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, countByStatus, createDeliveries, createIdentity, until } from './harness';

const LIMIT = 20;
const COUNT = 100;
// A limiter window starts when its first job is fetched, a few ms before that job's sent_at.
const WINDOW_START_SLACK_MS = 100;

describe('the per-channel rate limit', () => {
  const logs = captureLogs('info');
  let t: TestDatabase;
  let h: OutboundHarness;

  beforeAll(async () => {
    t = await createTestDatabase();
    h = new OutboundHarness(t.db, logs.logger, { sendsPerSecond: { messenger: LIMIT } });
  });

  afterAll(async () => {
    await h.close();
    await t.drop();
  });

  it(`When ${COUNT} deliveries go to a channel limited to ${LIMIT}/s, then no second-long window from the first send holds more than ${LIMIT} sends`, async () => {
    const messenger = new FakeSender('messenger');
    // One message per member, as a broadcast sends (several to one member would also wait their turn).
    const identities = await Promise.all(Array.from({ length: COUNT }, () => createIdentity(t.db, 'messenger')));
    const ids = (await Promise.all(identities.map((identity) => createDeliveries(t.db, identity, 1)))).flat();
    h.start({ messenger });

    await h.outbox.enqueue(ids);
    await until('every delivery to be sent', async () => (await countByStatus(t.db)).sent === COUNT, 30_000, 100);

    const { rows } = await sql<{ ms: number }>`select (extract(epoch from sent_at) * 1000)::float8 as ms from deliveries order by sent_at`.execute(t.db);
    const times = rows.map((r) => r.ms);
    const first = times[0]!;
    // Cumulative: by `first + t`, at most LIMIT × (windows begun so far) sends.
    const overLimit = times.flatMap((ms, k) => {
      const allowed = LIMIT * (Math.floor((ms - first + WINDOW_START_SLACK_MS) / 1_000) + 1);
      return k + 1 > allowed ? [{ send: k + 1, atMs: Math.round(ms - first), allowed }] : [];
    });
    expect(overLimit).toEqual([]);
    const perSecond = new Map<number, number>();
    for (const ms of times) perSecond.set(Math.floor((ms - first) / 1_000), (perSecond.get(Math.floor((ms - first) / 1_000)) ?? 0) + 1);
    console.log(`rate limit ${LIMIT}/s, ${COUNT} sends: per 1-s window from the first send ${JSON.stringify([...perSecond.values()])}, span ${Math.round(times.at(-1)! - first)} ms`);
    expect(times.at(-1)! - first).toBeGreaterThanOrEqual((COUNT / LIMIT - 1) * 1_000 - WINDOW_START_SLACK_MS);
    expect(messenger.calls).toHaveLength(COUNT);
  });
});

import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import { createBroadcastsService, type BroadcastJobs } from '../../../src/domain/broadcasts/broadcasts.service';
import { aDistrict, aMember, anIdentityFor, aUnit } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OPEN_POLICY } from '../deliveries/harness';

const noJobs: BroadcastJobs = { scheduleFanOut: async () => undefined, afterCancel: async () => undefined };

describe("broadcasts: the planner's statistics after a large fan-out", () => {
  let t: TestDatabase;
  let db: Db;
  let branch: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.db;
    branch = await aUnit(db, await aDistrict(db));
  });
  afterAll(async () => t.drop());

  const plannedRows = async () => Number((await sql<{ n: number }>`select reltuples as n from pg_class where oid = 'deliveries'::regclass`.execute(db)).rows[0]!.n);
  const analyzedColumns = async () => (await sql<{ attname: string }>`select attname from pg_stats where tablename = 'deliveries' and schemaname = current_schema()`.execute(db)).rows.map((r) => r.attname);
  const serviceFrom = (analyzeAfterRecipients: number) => createBroadcastsService({ db, outbox: { enqueue: async () => undefined }, jobs: noJobs, policy: OPEN_POLICY, analyzeAfterRecipients });
  const fanOutWith = async (analyzeAfterRecipients: number) => {
    const s = serviceFrom(analyzeAfterRecipients);
    const { id } = await s.create({ purpose: 'waveLaunch', text: 'Đợt mới', audience: { branches: [branch] }, createdByStaffId: null }, null);
    return s.fanOut(id);
  };

  it('When a fan-out is below the threshold, then the statistics are left as they are', async () => {
    expect(await plannedRows()).toBe(-1);
    expect(await fanOutWith(1)).toMatchObject({ kind: 'done', recipients: 0, statistics: 'notNeeded' });
    expect(await plannedRows()).toBe(-1);
  });

  it('When a fan-out reaches the threshold, then the statistics of deliveries are refreshed before its sends start, without sent_at', async () => {
    // Messages of earlier days, so that there is something to analyze.
    const identityId = await anIdentityFor(db, { channel: 'zalo', platformUserId: 'stats-1' }, await aMember(db, { branchId: branch }));
    for (const n of [1, 2, 3]) {
      await db.insertInto('deliveries').values({ identity_id: identityId, purpose: 'waveLaunch', idempotency_key: `earlier-${n}`, payload: '{}', status: 'sent', sent_at: new Date(Date.now() - n * 86_400_000) }).execute();
    }
    expect(await fanOutWith(0)).toMatchObject({ kind: 'done', statistics: 'refreshed' });
    expect(await plannedRows()).toBe(3);
    const columns = await analyzedColumns();
    expect(columns).toEqual(expect.arrayContaining(['status', 'identity_id', 'broadcast_id']));
    // Analyzed before today's sends, sent_at would look null everywhere, and the daily cap's count would go through the sent_at index.
    expect(columns).not.toContain('sent_at');
  });
});

import { sql } from 'kysely';
import { migrateDown, migrateToLatest } from '../../../src/db/migrate';
import { createHousekeepingProcessor } from '../../../src/jobs/housekeeping.processor';
import { compactTallies } from '../../../src/jobs/housekeeping.repository';
import type { HousekeepingJob, HousekeepingResult } from '../../../src/jobs/queues';
import type { Job } from 'bullmq';
import { aDistrict, aMember, aParticipation, aProof, aUnit, aWave } from '../../helpers/builders';
import { captureLogs } from '../../helpers/logs';
import { talliesByDefinition, talliesOf } from '../../helpers/tallies';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * Migration 1100: writers only insert delta rows (one per statement and key) and tally_compact()
 * folds each key's rows into one outside the writes. Folding changes no figure, leaves one row per
 * key (none for a key that sums to 0), and neither a writer nor another compaction waits for it.
 */
describe('Tally compaction', () => {
  const logs = captureLogs();
  let t: TestDatabase;
  let district: string;
  let branch: string;
  let wave: string;

  /** Per tally table: its rows, the most rows any key has, and the rows of keys with more than one. */
  async function shape(): Promise<Record<string, { rows: number; widest: number; folding: number }>> {
    const { rows } = await sql<{ t: string; rows: number; widest: number; folding: number }>`
      select t, sum(n)::int as rows, max(n)::int as widest, coalesce(sum(n) filter (where n > 1), 0)::int as folding from (
        select 'proof_tallies' as t, count(*) as n from proof_tallies group by wave_id, branch_id, review_state
        union all select 'wave_branch_participants', count(*) from wave_branch_participants group by wave_id, branch_id
        union all select 'wave_branch_tallies', count(*) from wave_branch_tallies group by wave_id, branch_id, role
        union all select 'branch_member_tallies', count(*) from branch_member_tallies group by branch_id, role
      ) k group by t`.execute(t.db);
    return Object.fromEntries(rows.map((r) => [r.t, { rows: r.rows, widest: r.widest, folding: r.folding }]));
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    district = await aDistrict(t.db);
    branch = await aUnit(t.db, district);
    wave = await aWave(t.db, { ownerUnitId: district });
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('When keys have many delta rows, then compaction folds each into one row, keys summing to 0 into none, and every figure is unchanged', async () => {
    // One statement at a time: a row per statement and key.
    for (let i = 0; i < 6; i += 1) await aProof(t.db, { waveId: wave, memberId: await aMember(t.db, { branchId: branch }), link: `https://facebook.com/fold/${i}` });
    const cadre = await aMember(t.db, { branchId: branch, role: 'cadre' });
    await aParticipation(t.db, wave, cadre);
    await t.db.deleteFrom('members').where('id', '=', cadre).execute();
    const before = await shape();
    expect(before.branch_member_tallies!.widest).toBeGreaterThan(5);
    expect(before.proof_tallies!.widest).toBeGreaterThan(5);
    const figures = await talliesOf(t.db);
    expect(figures).toEqual(await talliesByDefinition(t.db));

    const folded = await compactTallies(t.db, 1_000);

    const after = await shape();
    expect(Object.values(after).every((s) => s.widest === 1)).toBe(true);
    expect(folded).toBe(Object.values(before).reduce((n, s) => n + s.folding, 0));
    // The cadre came and went: their roster key summed to 0 and is gone.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from branch_member_tallies where branch_id = ${branch} and role = 'cadre'`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
    expect(await talliesOf(t.db)).toEqual(figures);
    expect(await compactTallies(t.db, 1_000)).toBe(0);
  });

  it('When a compaction holds the rows it folds, then writers to the same keys and a second compaction go on without waiting, and the figures are right after all commit', async () => {
    for (let i = 0; i < 3; i += 1) await aMember(t.db, { branchId: branch });
    let release!: () => void;
    let folding!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const holding = new Promise<void>((resolve) => (folding = resolve));
    const first = t.db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ n: number }>`select tally_compact(1000) as n`.execute(tx);
      expect(rows[0]!.n).toBeGreaterThan(0);
      folding();
      await done;
    });
    await holding;
    // With lock_timeout 1 s, a wait on a tally row would fail instead of hanging.
    await t.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '1s'`.execute(tx);
      await aMember(tx, { branchId: branch });
      await aProof(tx, { waveId: wave, memberId: await aMember(tx, { branchId: branch }), link: 'https://facebook.com/while-folding' });
    });
    await t.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '1s'`.execute(tx);
      await sql`select tally_compact(1000)`.execute(tx);
    });
    release();
    await first;
    expect(await talliesOf(t.db)).toEqual(await talliesByDefinition(t.db));
    await compactTallies(t.db, 1_000);
    expect(Object.values(await shape()).every((s) => s.widest === 1)).toBe(true);
    expect(await talliesOf(t.db)).toEqual(await talliesByDefinition(t.db));
  });

  it('When the job runs with a small round, then it folds in rounds until nothing is left, and stops at its cap', async () => {
    const others = [await aUnit(t.db, district), await aUnit(t.db, district), await aUnit(t.db, district)];
    for (const b of others) for (let i = 0; i < 2; i += 1) await aMember(t.db, { branchId: b });
    const job = (data: HousekeepingJob) => ({ name: 'tally-compaction', data }) as Job<HousekeepingJob, HousekeepingResult>;

    const capped = await createHousekeepingProcessor({ db: t.db, logger: logs.logger, maxCompactionRounds: 1 })(job({ keysPerRound: 1 }));
    expect(capped).toEqual({ foldedRows: 2, rounds: 1, stoppedEarly: true });
    const rest = await createHousekeepingProcessor({ db: t.db, logger: logs.logger })(job({ keysPerRound: 1 }));
    expect(rest).toEqual({ foldedRows: 4, rounds: 3, stoppedEarly: false });
    // A round under its cap is the last: no round only to find nothing.
    await aMember(t.db, { branchId: others[0]! });
    expect(await createHousekeepingProcessor({ db: t.db, logger: logs.logger })(job({ keysPerRound: 1_000 }))).toEqual({ foldedRows: 2, rounds: 1, stoppedEarly: false });
    expect(Object.values(await shape()).every((s) => s.widest === 1)).toBe(true);
    expect(await talliesOf(t.db)).toEqual(await talliesByDefinition(t.db));
    await expect(createHousekeepingProcessor({ db: t.db, logger: logs.logger })(job({ keysPerRound: 0 }))).rejects.toThrow(/positive integer/);
  });

  it('When migration 1100 is undone with delta rows present and redone, then the figures stay right under both kinds of trigger', async () => {
    for (let i = 0; i < 3; i += 1) await aProof(t.db, { waveId: wave, memberId: await aMember(t.db, { branchId: branch }), link: `https://facebook.com/down/${i}` });
    expect((await shape()).proof_tallies!.widest).toBeGreaterThan(1);

    const [down] = await migrateDown(t.db);
    expect(down).toMatchObject({ migrationName: '20261129_1100_tally_deltas', status: 'Success' });
    expect(Object.values(await shape()).every((s) => s.widest === 1)).toBe(true);
    await aProof(t.db, { waveId: wave, memberId: await aMember(t.db, { branchId: branch }), link: 'https://facebook.com/down/after' });
    await t.db.updateTable('members').set({ role: 'cadre' }).where('branch_id', '=', branch).where(sql<boolean>`id::text < '8'`).execute();
    expect(await talliesOf(t.db)).toEqual(await talliesByDefinition(t.db));
    // 0630's triggers fold as they write: still one row per key.
    expect(Object.values(await shape()).every((s) => s.widest === 1)).toBe(true);

    await migrateToLatest(t.db);
    await t.db.updateTable('members').set({ role: 'member' }).where('branch_id', '=', branch).execute();
    await t.db.updateTable('members').set({ branch_id: district }).where('branch_id', '=', branch).where(sql<boolean>`id::text < '4'`).execute();
    expect(await talliesOf(t.db)).toEqual(await talliesByDefinition(t.db));
  });
});

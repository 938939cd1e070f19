import { sql } from 'kysely';
import { listWaveParticipants } from '../../../src/domain/waves/wave-participants.repository';
import { participationByWaveAndBranch } from '../../../src/domain/reports/dashboard.repository';
import { aDistrict, aMember, aParticipation, aProof, aUnit, aWave } from '../../helpers/builders';
import { talliesByDefinition, talliesOf } from '../../helpers/tallies';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * A wave's participants page walks branches by name and members by name (migration 0630's
 * members_branch_name_idx) instead of sorting the whole wave; the dashboard reads who took part from
 * wave_branch_tallies, kept by triggers. Both are held to their plain definitions here.
 */
describe("A wave's participants page and the dashboard's tallies against their definitions", () => {
  let t: TestDatabase;
  let district: string;
  let branchA: string;
  let twinOne: string;
  let twinTwo: string;
  let wave: string;
  let other: string;

  /** The participants by their definition: every participation in scope, by branch name, member name, id. */
  async function reference(branchIds: readonly string[] | null): Promise<string[]> {
    let q = t.db
      .selectFrom('participations as pa')
      .innerJoin('members as m', 'm.id', 'pa.member_id')
      .leftJoin('units as b', 'b.id', 'm.branch_id')
      .select('pa.id')
      .where('pa.wave_id', '=', wave);
    if (branchIds !== null) q = q.where('m.branch_id', 'in', [...branchIds]);
    return (await q.orderBy('b.name').orderBy('m.full_name').orderBy('pa.id').execute()).map((r) => r.id);
  }

  async function allPages(branchIds: readonly string[] | null, limit: number): Promise<{ ids: string[]; totals: Set<number> }> {
    const ids: string[] = [];
    const totals = new Set<number>();
    for (let offset = 0; ; offset += limit) {
      const page = await listWaveParticipants(t.db, wave, branchIds, { limit, offset });
      totals.add(page.total);
      ids.push(...page.participants.map((p) => p.participationId));
      if (page.participants.length < limit) return { ids, totals };
    }
  }

  const tallies = () => talliesOf(t.db);
  const tallyByDefinition = () => talliesByDefinition(t.db);

  beforeAll(async () => {
    t = await createTestDatabase();
    district = await aDistrict(t.db);
    const one = await aUnit(t.db, district, { level: 'cluster' });
    const two = await aUnit(t.db, district, { level: 'cluster' });
    // Two branches with the same name in different clusters: their members interleave by name.
    branchA = await aUnit(t.db, one, { name: 'Chi đoàn An Lạc' });
    twinOne = await aUnit(t.db, one, { name: 'Chi đoàn Bình Trị' });
    twinTwo = await aUnit(t.db, two, { name: 'Chi đoàn Bình Trị' });
    wave = await aWave(t.db, { ownerUnitId: district });
    other = await aWave(t.db, { ownerUnitId: district });
    const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Nguyễn Văn An', 'Lê Văn Cường', 'Trần Thị Bình'];
    let k = 0;
    for (const branch of [branchA, twinOne, twinTwo, null]) {
      for (const fullName of names) {
        k += 1;
        const m = await aMember(t.db, { branchId: branch, fullName, role: k % 4 === 0 ? 'cadre' : k % 7 === 0 ? 'youth' : 'member', status: k % 6 === 0 ? 'pending' : 'verified' });
        if (k % 5 === 0) continue;
        if (k % 3 === 0) await aParticipation(t.db, wave, m);
        else await aProof(t.db, { waveId: wave, memberId: m, link: `https://facebook.com/p/${m}` });
        if (k % 2 === 0) await aProof(t.db, { waveId: other, memberId: m, link: `https://facebook.com/q/${m}` });
      }
    }
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('When the participants are paged through at several page sizes in every scope, then the pages join up to the definition and the total is its size; members of no branch come last for the district', async () => {
    for (const scope of [null, [branchA], [twinOne, twinTwo], [twinTwo, branchA]]) {
      const expected = await reference(scope);
      expect(expected.length).toBeGreaterThan(2);
      for (const limit of [1, 2, 5, 100]) {
        const { ids, totals } = await allPages(scope, limit);
        expect({ scope, limit, ids }).toEqual({ scope, limit, ids: expected });
        expect(totals).toEqual(new Set([expected.length]));
      }
    }
    const last = await listWaveParticipants(t.db, wave, null, { limit: 1, offset: (await reference(null)).length - 1 });
    expect(last.participants[0]?.branchName).toBeNull();
    const cadre = await listWaveParticipants(t.db, wave, [branchA], { limit: 100, offset: 0 });
    expect(new Set(cadre.participants.map((p) => p.branchName))).toEqual(new Set(['Chi đoàn An Lạc']));
  });

  it('When proofs are sent, approved and rejected, members change role, status or branch, and rows are deleted, then the tallies stay equal to the definition', async () => {
    expect(await tallies()).toEqual(await tallyByDefinition());
    const steps: (() => Promise<unknown>)[] = [
      // Approving a submitted proof changes nothing counted; rejecting takes it out; joining alone counts nothing.
      () => t.db.updateTable('participations').set({ state: 'approved' }).where('wave_id', '=', wave).where('state', '=', 'proofSubmitted').execute(),
      () => t.db.updateTable('participations').set({ state: 'rejected' }).where('wave_id', '=', other).execute(),
      () => t.db.updateTable('participations').set({ state: 'proofSubmitted' }).where('wave_id', '=', other).where('state', '=', 'rejected').execute(),
      // The proofs' side: reviews, an image still downloading then stored, an erased proof, a deleted one.
      () => t.db.updateTable('proofs').set({ review_state: 'approved', reviewed_at: new Date() }).where('wave_id', '=', wave).where('kind', '=', 'link').where(sql<boolean>`id::text < '8'`).execute(),
      () => t.db.updateTable('proofs').set({ review_state: 'rejected', reviewed_at: new Date(), reject_reason: 'Thiếu hashtag' }).where('wave_id', '=', other).where(sql<boolean>`id::text < '6'`).execute(),
      async () => {
        const m = await aMember(t.db, { branchId: twinOne, role: 'cadre' });
        const image = await aProof(t.db, { waveId: wave, memberId: m, imageSha256: 'c'.repeat(64) });
        await t.db.updateTable('proofs').set({ image_state: 'awaiting', image_sha256: null, image_mime: null, image_bytes: null, image_source_url: 'https://cdn.example/c.jpg' }).where('id', '=', image).execute();
        await t.db.updateTable('proofs').set({ image_state: 'stored', image_sha256: 'c'.repeat(64), image_mime: 'image/jpeg', image_bytes: 10, image_source_url: null }).where('id', '=', image).execute();
        const link = await aProof(t.db, { waveId: other, memberId: m, link: 'https://facebook.com/erase-me' });
        await t.db.updateTable('proofs').set({ erased_at: new Date(), original_url: null, canonical_url: null }).where('id', '=', link).execute();
      },
      async () => {
        const one = await t.db.selectFrom('proofs').select('id').where('review_state', '=', 'pending').where('erased_at', 'is', null).limit(1).executeTakeFirstOrThrow();
        await t.db.deleteFrom('proofs').where('id', '=', one.id).execute();
      },
      // The member side: role, status, branch, several at once; a new member verified, one leaving.
      () => t.db.updateTable('members').set({ role: 'cadre' }).where('branch_id', '=', twinOne).where('role', '=', 'member').execute(),
      () => t.db.updateTable('members').set({ status: 'left' }).where('branch_id', '=', branchA).where('role', '=', 'cadre').execute(),
      () => t.db.updateTable('members').set({ status: 'verified', verified_at: new Date() }).where('status', '=', 'pending').execute(),
      () => t.db.updateTable('members').set({ branch_id: twinTwo }).where('branch_id', '=', branchA).execute(),
      () => t.db.updateTable('members').set({ branch_id: null, role: 'member' }).where('branch_id', '=', twinOne).where('role', '=', 'cadre').execute(),
      () => t.db.updateTable('members').set({ branch_id: branchA, status: 'verified', verified_at: new Date() }).where('branch_id', 'is', null).execute(),
      () => aMember(t.db, { branchId: twinTwo, role: 'cadre' }),
      () => t.db.updateTable('members').set({ status: 'erased', full_name: null, phone: null, erased_at: new Date() }).where('branch_id', '=', twinTwo).where('role', '=', 'youth').execute(),
      // Deleting: one participation, then a member (its participations go by cascade), then a whole wave.
      async () => {
        const one = await t.db.selectFrom('participations').select('id').where('state', '=', 'proofSubmitted').limit(1).executeTakeFirstOrThrow();
        await t.db.deleteFrom('participations').where('id', '=', one.id).execute();
      },
      async () => {
        const someone = await t.db.selectFrom('participations as pa').innerJoin('members as m', 'm.id', 'pa.member_id').select('m.id').where('m.status', '=', 'verified').where('pa.state', 'in', ['proofSubmitted', 'approved']).limit(1).executeTakeFirstOrThrow();
        await t.db.deleteFrom('members').where('id', '=', someone.id).execute();
      },
      () => t.db.deleteFrom('waves').where('id', '=', other).execute(),
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      expect({ step: i, tallies: await tallies() }).toEqual({ step: i, tallies: await tallyByDefinition() });
    }
    // And each proof and participation carries its member's branch after the moves.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from proofs p join participations pa on pa.id = p.participation_id join members m on m.id = pa.member_id
      where p.branch_id is distinct from m.branch_id or pa.branch_id is distinct from m.branch_id`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('When two transactions add to the same tallies in opposite orders, then neither waits for the other, and the sums are right after both commit', async () => {
    const [east, west] = [await aUnit(t.db, district), await aUnit(t.db, district)];
    const people = { east: await aMember(t.db, { branchId: east }), west: await aMember(t.db, { branchId: west }) };
    const more = { east: await aMember(t.db, { branchId: east }), west: await aMember(t.db, { branchId: west }) };
    let release!: () => void;
    let written!: () => void;
    const firstHalfDone = new Promise<void>((resolve) => (release = resolve));
    const oneHasWritten = new Promise<void>((resolve) => (written = resolve));
    // With lock_timeout 1 s, a wait on a tally row would fail the transaction instead of hanging.
    const one = t.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '1s'`.execute(tx);
      await aProof(tx, { waveId: wave, memberId: people.east, link: 'https://facebook.com/order/1' });
      written();
      await firstHalfDone;
      await aProof(tx, { waveId: wave, memberId: people.west, link: 'https://facebook.com/order/2' });
    });
    await oneHasWritten;
    await t.db.transaction().execute(async (tx) => {
      await sql`set local lock_timeout = '1s'`.execute(tx);
      await aProof(tx, { waveId: wave, memberId: more.west, link: 'https://facebook.com/order/3' });
      await aProof(tx, { waveId: wave, memberId: more.east, link: 'https://facebook.com/order/4' });
    });
    release();
    await one;
    expect(await tallies()).toEqual(await tallyByDefinition());
    const { rows } = await sql<{ n: number }>`select sum(proofs)::int as n from proof_tallies where wave_id = ${wave} and branch_id = ${east} and review_state = 'pending'`.execute(t.db);
    expect(rows[0]!.n).toBe(2);
  });

  it('When the dashboard counts a wave by branch, then it matches counting the participations', async () => {
    const figures = await participationByWaveAndBranch(t.db, [wave], null);
    const { rows } = await sql<{ id: string; cadres: number; members: number }>`
      select m.branch_id as id, count(*) filter (where m.role = 'cadre')::int as cadres, count(*) filter (where m.role = 'member')::int as members
      from participations pa join members m on m.id = pa.member_id
      where pa.wave_id = ${wave} and pa.state in ('proofSubmitted', 'approved') and m.status = 'verified' and m.branch_id is not null
      group by m.branch_id`.execute(t.db);
    const expected = Object.fromEntries(rows.map((r) => [r.id, [r.cadres, r.members]]));
    const got = Object.fromEntries(figures.filter((f) => f.cadresTookPart + f.membersTookPart > 0).map((f) => [f.branchId, [f.cadresTookPart, f.membersTookPart]]));
    expect(Object.keys(got).length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });
});

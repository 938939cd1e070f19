import { sql } from 'kysely';
import type { ReviewState } from '../../../src/db/types';
import { listProofsForStaff, type ProofQueueFilter } from '../../../src/domain/proofs/staff-proof-queue.repository';
import { aDistrict, aMember, aProof, aUnit, aWave } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * The Minh chứng queue reads one page through per-(branch, state) slices of the proofs_queue_*
 * indexes (migration 0630). These tests hold it to the plain definition — every visible proof of a
 * member in scope, matching the filters, by (submitted_at, id) — on data made to break a merge:
 * many proofs sent in the same instant, across branches, waves and states.
 */
describe('Minh chứng queue: pages, filters and scope against the plain definition', () => {
  let t: TestDatabase;
  let branchA: string;
  let branchB: string;
  let branchC: string;
  let waveOne: string;
  let waveTwo: string;
  const members: Record<'A' | 'B' | 'C' | 'none', string[]> = { A: [], B: [], C: [], none: [] };
  const SAME = new Date('2026-11-10T03:00:00Z');

  /** The queue by its definition: a join per row, no index tricks. */
  async function reference(filter: Omit<ProofQueueFilter, 'limit' | 'offset'>): Promise<string[]> {
    let q = t.db
      .selectFrom('proofs as p')
      .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
      .innerJoin('members as m', 'm.id', 'pa.member_id')
      .select('p.id')
      .where('p.erased_at', 'is', null)
      .where((eb) => eb.or([eb('p.image_state', 'is', null), eb('p.image_state', '=', 'stored')]));
    if (filter.branchIds !== null) q = filter.branchIds.length === 0 ? q.where(sql<boolean>`false`) : q.where('m.branch_id', 'in', [...filter.branchIds]);
    if (filter.branchId !== undefined) q = q.where('m.branch_id', '=', filter.branchId);
    if (filter.waveId !== undefined) q = q.where('p.wave_id', '=', filter.waveId);
    if (filter.state !== undefined) q = q.where('p.review_state', '=', filter.state);
    return (await q.orderBy('p.submitted_at').orderBy('p.id').execute()).map((r) => r.id);
  }

  async function allPages(filter: Omit<ProofQueueFilter, 'limit' | 'offset'>, limit: number): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await listProofsForStaff(t.db, { ...filter, limit, offset });
      totals.push(page.total);
      ids.push(...page.proofs.map((p) => p.id));
      if (page.proofs.length < limit) return { ids, totals };
    }
  }

  async function review(proofId: string, state: Exclude<ReviewState, 'pending'>): Promise<void> {
    await t.db
      .updateTable('proofs')
      .set({ review_state: state, reviewed_at: new Date(), reject_reason: state === 'rejected' ? 'Thiếu hashtag' : null })
      .where('id', '=', proofId)
      .execute();
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    const district = await aDistrict(t.db);
    const one = await aUnit(t.db, district, { level: 'cluster' });
    const two = await aUnit(t.db, district, { level: 'cluster' });
    branchA = await aUnit(t.db, one, { name: 'Chi đoàn A' });
    branchB = await aUnit(t.db, one, { name: 'Chi đoàn B' });
    branchC = await aUnit(t.db, two, { name: 'Chi đoàn C' });
    waveOne = await aWave(t.db, { ownerUnitId: district });
    waveTwo = await aWave(t.db, { ownerUnitId: district });
    for (const [key, branch, n] of [['A', branchA, 6], ['B', branchB, 4], ['C', branchC, 5], ['none', null, 2]] as const) {
      for (let i = 0; i < n; i += 1) members[key].push(await aMember(t.db, { branchId: branch }));
    }
    // Most proofs in the same instant (ties broken by id only), a few before and after; two waves.
    let k = 0;
    for (const key of ['A', 'B', 'C', 'none'] as const) {
      for (const m of members[key]) {
        for (const wave of [waveOne, waveTwo]) {
          k += 1;
          const submittedAt = k % 5 === 0 ? new Date(SAME.getTime() - 60_000 * k) : k % 7 === 0 ? new Date(SAME.getTime() + 1000) : SAME;
          const id = await aProof(t.db, { waveId: wave, memberId: m, link: `https://facebook.com/p/${m}/${wave}`, submittedAt });
          if (k % 3 === 0) await review(id, 'approved');
          if (k % 4 === 0) await review(id, 'rejected');
        }
      }
    }
    // Not shown: an erased proof and an image still downloading.
    const erased = await aProof(t.db, { waveId: waveOne, memberId: members.A[0]!, link: 'https://facebook.com/p/erased', submittedAt: SAME });
    await t.db.updateTable('proofs').set({ erased_at: new Date(), original_url: null, canonical_url: null }).where('id', '=', erased).execute();
    const awaiting = await aProof(t.db, { waveId: waveTwo, memberId: members.B[0]!, imageSha256: 'a'.repeat(64), submittedAt: SAME });
    await t.db.updateTable('proofs').set({ image_state: 'awaiting', image_sha256: null, image_mime: null, image_bytes: null, image_source_url: 'https://cdn.example/a.jpg' }).where('id', '=', awaiting).execute();
  });

  afterAll(async () => {
    await t?.drop();
  });

  it('When every combination of scope and filters is paged through at several page sizes, then the pages join up to the definition, none lost or twice, and the total is its size', async () => {
    const scopes: (readonly string[] | null)[] = [null, [branchA, branchB], [branchA], [branchC]];
    const combos: Omit<ProofQueueFilter, 'limit' | 'offset'>[] = [];
    for (const branchIds of scopes)
      for (const waveId of [undefined, waveOne])
        for (const branchId of [undefined, branchA, branchC])
          for (const state of [undefined, 'pending', 'approved'] as const)
            combos.push({ branchIds, ...(waveId ? { waveId } : {}), ...(branchId ? { branchId } : {}), ...(state ? { state } : {}) });
    let nonEmpty = 0;
    for (const filter of combos) {
      const expected = await reference(filter);
      if (expected.length > 0) nonEmpty += 1;
      for (const limit of [1, 3, 7, 50]) {
        const { ids, totals } = await allPages(filter, limit);
        expect({ filter, limit, ids }).toEqual({ filter, limit, ids: expected });
        expect(new Set(totals)).toEqual(new Set([expected.length]));
      }
    }
    // The data exercises the merge: most combinations have rows, and the first page of the whole queue is all one instant.
    expect(nonEmpty).toBeGreaterThan(combos.length / 2);
    const first = await listProofsForStaff(t.db, { branchIds: null, limit: 10, offset: 0, state: 'pending' });
    expect(first.proofs.filter((p) => p.submittedAt.getTime() === SAME.getTime()).length).toBeGreaterThan(1);
  });

  it("When a cadre of branch A looks, then only A's members' proofs show, and asking for branch C gives nothing", async () => {
    const page = await listProofsForStaff(t.db, { branchIds: [branchA], limit: 100, offset: 0 });
    expect(page.proofs.length).toBeGreaterThan(0);
    expect(new Set(page.proofs.map((p) => p.branchName))).toEqual(new Set(['Chi đoàn A']));
    expect(await listProofsForStaff(t.db, { branchIds: [branchA], branchId: branchC, limit: 100, offset: 0 })).toEqual({ total: 0, proofs: [] });
    const cProof = (await listProofsForStaff(t.db, { branchIds: [branchC], limit: 1, offset: 0 })).proofs[0]!;
    expect(await listProofsForStaff(t.db, { branchIds: [branchA], proofId: cProof.id, limit: 1, offset: 0 })).toEqual({ total: 0, proofs: [] });
    expect((await listProofsForStaff(t.db, { branchIds: [branchC], proofId: cProof.id, limit: 1, offset: 0 })).proofs.map((p) => p.id)).toEqual([cProof.id]);
  });

  it("When a member moves to another branch, then their proofs leave the old branch's queue and join the new one's", async () => {
    const mover = members.B[1]!;
    const theirs = async (branchIds: readonly string[]) =>
      (await listProofsForStaff(t.db, { branchIds, limit: 500, offset: 0 })).proofs.filter((p) => p.memberName !== null).map((p) => p.id);
    const before = new Set(await theirs([branchB]));
    const moverProofs = (await t.db.selectFrom('proofs as p').innerJoin('participations as pa', 'pa.id', 'p.participation_id').select('p.id').where('pa.member_id', '=', mover).where('p.erased_at', 'is', null).execute()).map((r) => r.id);
    expect(moverProofs.every((id) => before.has(id))).toBe(true);
    await t.db.updateTable('members').set({ branch_id: branchC }).where('id', '=', mover).execute();
    const inB = new Set(await theirs([branchB]));
    const inC = new Set(await theirs([branchC]));
    expect(moverProofs.some((id) => inB.has(id))).toBe(false);
    expect(moverProofs.every((id) => inC.has(id))).toBe(true);
    expect(await allPages({ branchIds: [branchC] }, 4)).toMatchObject({ ids: await reference({ branchIds: [branchC] }) });
    await t.db.updateTable('members').set({ branch_id: branchB }).where('id', '=', mover).execute();
  });

  it("When another member sent the same link or image, then the page's proof is flagged; the member's own earlier proof is not a duplicate", async () => {
    const d = await aDistrict(t.db);
    const branch = await aUnit(t.db, d);
    const w1 = await aWave(t.db, { ownerUnitId: d });
    const w2 = await aWave(t.db, { ownerUnitId: d });
    const [ann, binh] = [await aMember(t.db, { branchId: branch }), await aMember(t.db, { branchId: branch })];
    const at = new Date('2026-11-20T00:00:00Z');
    const shared = await aProof(t.db, { waveId: w1, memberId: ann, link: 'https://facebook.com/shared', submittedAt: at });
    const copy = await aProof(t.db, { waveId: w2, memberId: binh, link: 'https://facebook.com/shared', submittedAt: new Date(at.getTime() + 1) });
    const own1 = await aProof(t.db, { waveId: w1, memberId: binh, link: 'https://facebook.com/own', submittedAt: new Date(at.getTime() + 2) });
    const own2 = await aProof(t.db, { waveId: w2, memberId: binh, link: 'https://facebook.com/own-2', canonical: 'https://facebook.com/own', submittedAt: new Date(at.getTime() + 3) });
    const img1 = await aProof(t.db, { waveId: w1, memberId: ann, imageSha256: 'b'.repeat(64), submittedAt: new Date(at.getTime() + 4) });
    const img2 = await aProof(t.db, { waveId: w2, memberId: binh, imageSha256: 'b'.repeat(64), submittedAt: new Date(at.getTime() + 5) });
    const page = await listProofsForStaff(t.db, { branchIds: [branch], limit: 10, offset: 0 });
    const flags = Object.fromEntries(page.proofs.map((p) => [p.id, [p.duplicateLink, p.reusedImage]]));
    expect(flags).toEqual({ [shared]: [true, false], [copy]: [true, false], [own1]: [false, false], [own2]: [false, false], [img1]: [false, true], [img2]: [false, true] });
    // The same flags on a later page of one row at a time.
    const third = await listProofsForStaff(t.db, { branchIds: null, branchId: branch, limit: 1, offset: 4 });
    expect(third.proofs.map((p) => [p.id, p.reusedImage])).toEqual([[img1, true]]);
  });
});

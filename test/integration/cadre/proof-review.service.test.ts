import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import { countProofsToReview, nextProofToReview, participationStateFor, reviewProof, type Reviewer } from '../../../src/domain/proofs/proof-review.service';
import { aDistrict, aMember, aProof, aUnit, aWave } from '../../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

let database: TestDatabase;
let db: Db;
let districtId: string;
beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  districtId = await aDistrict(db);
});
afterAll(() => database.drop());

const NOW = new Date('2026-12-01T03:00:00Z');

async function givenBranchProof() {
  const branchId = await aUnit(db, districtId);
  const reviewer: Reviewer = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
  const memberId = await aMember(db, { branchId });
  const waveId = await aWave(db, { ownerUnitId: districtId, title: 'Đợt tháng Ba' });
  const proofId = await aProof(db, { waveId, memberId, link: `https://www.facebook.com/a/posts/${Math.random().toString().slice(2)}` });
  return { branchId, reviewer, memberId, waveId, proofId };
}

async function states(proofId: string) {
  return db
    .selectFrom('proofs as p')
    .innerJoin('participations as pa', 'pa.id', 'p.participation_id')
    .select(['p.review_state', 'p.reviewed_by_member_id', 'p.reject_reason', 'pa.state', 'pa.approved_at', 'pa.rejected_at'])
    .where('p.id', '=', proofId)
    .executeTakeFirstOrThrow();
}

/** Whether another session of this database is blocked on a lock (polled until it is, or given up on). */
async function aBackendWaitsOnALock(): Promise<boolean> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('participationStateFor', () => {
  test.each([
    [[], 'joined'],
    [['pending'], 'proofSubmitted'],
    [['rejected'], 'rejected'],
    [['rejected', 'pending'], 'proofSubmitted'],
    [['rejected', 'approved'], 'approved'],
    [['approved', 'pending', 'rejected'], 'approved'],
  ] as const)('%j → %s', (proofStates, expected) => {
    expect(participationStateFor(proofStates)).toBe(expected);
  });
});

describe('reviewProof', () => {
  test('approving records who and when, and approves the participation', async () => {
    const { reviewer, proofId, memberId } = await givenBranchProof();
    const outcome = await reviewProof(db, reviewer, proofId, { kind: 'approve' }, NOW);
    expect(outcome).toMatchObject({ kind: 'approved', proofId, memberId, waveTitle: 'Đợt tháng Ba' });
    expect(await states(proofId)).toEqual({ review_state: 'approved', reviewed_by_member_id: reviewer.memberId, reject_reason: null, state: 'approved', approved_at: NOW, rejected_at: null });
  });

  test('rejecting needs a real reason, stores it tidied, and rejects the participation', async () => {
    const { reviewer, proofId } = await givenBranchProof();
    await expect(reviewProof(db, reviewer, proofId, { kind: 'reject', reason: ' x ' }, NOW)).rejects.toThrow(RangeError);
    expect((await states(proofId)).review_state).toBe('pending');
    const outcome = await reviewProof(db, reviewer, proofId, { kind: 'reject', reason: '  Thiếu   hashtag ' }, NOW);
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'Thiếu hashtag' });
    expect(await states(proofId)).toMatchObject({ review_state: 'rejected', reject_reason: 'Thiếu hashtag', state: 'rejected', rejected_at: NOW });
  });

  test('a second decision on a decided proof changes nothing and says it was already reviewed', async () => {
    const { reviewer, proofId } = await givenBranchProof();
    await reviewProof(db, reviewer, proofId, { kind: 'approve' }, NOW);
    const { full_name } = await db.selectFrom('members').select('full_name').where('id', '=', reviewer.memberId).executeTakeFirstOrThrow();
    expect(await reviewProof(db, reviewer, proofId, { kind: 'reject', reason: 'Ảnh không rõ' }, NOW)).toEqual({ kind: 'alreadyReviewed', state: 'approved', reviewedBy: full_name });
    expect((await states(proofId)).review_state).toBe('approved');
  });

  test('a rejected extra proof takes nothing from an approved participation; a pending one keeps it waiting', async () => {
    const { reviewer, proofId, memberId, waveId } = await givenBranchProof();
    await reviewProof(db, reviewer, proofId, { kind: 'approve' }, NOW);
    const extra = await aProof(db, { waveId, memberId, imageSha256: 'e'.repeat(64) });
    await reviewProof(db, reviewer, extra, { kind: 'reject', reason: 'Ảnh không rõ' }, NOW);
    expect((await states(proofId)).state).toBe('approved');

    const other = await givenBranchProof();
    const second = await aProof(db, { waveId: other.waveId, memberId: other.memberId, imageSha256: 'd'.repeat(64) });
    await reviewProof(db, other.reviewer, other.proofId, { kind: 'reject', reason: 'Link không mở được' }, NOW);
    expect((await states(other.proofId)).state).toBe('proofSubmitted');
    await reviewProof(db, other.reviewer, second, { kind: 'reject', reason: 'Ảnh không rõ' }, NOW);
    expect((await states(other.proofId)).state).toBe('rejected');
  });

  test("a cadre of another branch, or the proof's own author, cannot decide it", async () => {
    const { proofId, memberId, branchId } = await givenBranchProof();
    const elsewhere = await aUnit(db, districtId);
    const outsider: Reviewer = { memberId: await aMember(db, { branchId: elsewhere, role: 'cadre' }), branchId: elsewhere };
    expect(await reviewProof(db, outsider, proofId, { kind: 'approve' }, NOW)).toEqual({ kind: 'notFound' });
    expect(await reviewProof(db, { memberId, branchId }, proofId, { kind: 'approve' }, NOW)).toEqual({ kind: 'notFound' });
    expect((await states(proofId)).review_state).toBe('pending');
    expect(await countProofsToReview(db, outsider)).toBe(0);
    expect(await nextProofToReview(db, outsider, [])).toBeUndefined();
  });

  test('two cadres deciding at the same moment, in two transactions: exactly one decision stands', async () => {
    const { reviewer, proofId, branchId } = await givenBranchProof();
    const rival: Reviewer = { memberId: await aMember(db, { branchId, role: 'cadre' }), branchId };
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstDecided!: () => void;
    const firstHasDecided = new Promise<void>((resolve) => (firstDecided = resolve));

    const first = db.transaction().execute(async (tx) => {
      const outcome = await reviewProof(tx, reviewer, proofId, { kind: 'approve' }, NOW);
      firstDecided();
      await firstHolds;
      return outcome;
    });
    await firstHasDecided;
    // The rival's conditional update waits on the first transaction's row lock, then finds the proof decided.
    const second = db.transaction().execute((tx) => reviewProof(tx, rival, proofId, { kind: 'reject', reason: 'Ảnh không rõ' }, NOW));
    expect(await aBackendWaitsOnALock()).toBe(true);
    releaseFirst();
    expect(await first).toMatchObject({ kind: 'approved' });
    const { full_name } = await db.selectFrom('members').select('full_name').where('id', '=', reviewer.memberId).executeTakeFirstOrThrow();
    expect(await second).toEqual({ kind: 'alreadyReviewed', state: 'approved', reviewedBy: full_name });
    expect(await states(proofId)).toMatchObject({ review_state: 'approved', reviewed_by_member_id: reviewer.memberId, state: 'approved' });
  });

  test('the queue is oldest first, leaves out skipped proofs, and flags an image another member sent', async () => {
    const { reviewer, proofId, waveId, branchId } = await givenBranchProof();
    await db.updateTable('proofs').set({ submitted_at: new Date('2026-11-30T00:00:00Z') }).where('id', '=', proofId).execute();
    const copier = await aMember(db, { branchId });
    const sha = '1'.repeat(64);
    const older = await aProof(db, { waveId, memberId: copier, imageSha256: sha, submittedAt: new Date('2026-11-29T00:00:00Z') });
    expect((await nextProofToReview(db, reviewer, []))?.id).toBe(older);
    expect((await nextProofToReview(db, reviewer, []))?.duplicatesAnotherMember).toBe(false);
    const stranger = await aMember(db, { branchId: await aUnit(db, districtId) });
    await aProof(db, { waveId: await aWave(db, { ownerUnitId: districtId }), memberId: stranger, imageSha256: sha });
    expect((await nextProofToReview(db, reviewer, []))?.duplicatesAnotherMember).toBe(true);
    expect((await nextProofToReview(db, reviewer, [older]))?.id).toBe(proofId);
    expect(await nextProofToReview(db, reviewer, [older, proofId])).toBeUndefined();
    expect(await countProofsToReview(db, reviewer)).toBe(2);
  });
});

import { submitLinkProof } from '../../../src/domain/proofs/proof.service';
import { PROOF_RATE_LIMITS } from '../../../src/domain/proofs/proof-rate-limit';
import { joinWave } from '../../../src/domain/waves/participation.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { addMembers, addWave, seedPlan, type SeededPlan } from '../../helpers/waves-fixtures';

const MARCH = new Date('2024-03-15T03:00:00Z');
const APRIL = new Date('2024-04-15T03:00:00Z');
let database: TestDatabase;
let plan: SeededPlan;

beforeAll(async () => {
  database = await createTestDatabase();
  plan = await seedPlan(database.db);
});
afterAll(() => database.drop());

async function aMember(): Promise<string> {
  const [id] = await addMembers(database.db, plan.branchId, ['member']);
  return id!;
}

const link = (n: number | string) => `https://www.facebook.com/svc/posts/${n}?fbclid=abc`;

test('joining is idempotent and only for an open wave', async () => {
  const memberId = await aMember();
  expect((await joinWave(database.db, { memberId, waveId: plan.waveIds.march!, now: MARCH })).kind).toBe('joined');
  expect((await joinWave(database.db, { memberId, waveId: plan.waveIds.march!, now: MARCH })).kind).toBe('alreadyJoined');
  expect((await joinWave(database.db, { memberId, waveId: plan.waveIds.april!, now: MARCH })).kind).toBe('notOpen');
});

test('a proof for a wave not open is refused', async () => {
  const memberId = await aMember();
  const outcome = await submitLinkProof(database.db, { memberId, waveId: plan.waveIds.april!, identityId: null, now: MARCH, link: link(444) });
  expect(outcome.kind).toBe('waveNotOpen');
});

test('one canonical link per wave: the owner resubmits harmlessly, another member is refused', async () => {
  const [a, b] = [await aMember(), await aMember()];
  const base = { waveId: plan.waveIds.march!, identityId: null, now: MARCH };
  expect((await submitLinkProof(database.db, { ...base, memberId: a, link: link(111) })).kind).toBe('recorded');
  expect((await submitLinkProof(database.db, { ...base, memberId: a, link: 'https://m.facebook.com/svc/posts/111/' })).kind).toBe('alreadyRecorded');
  expect((await submitLinkProof(database.db, { ...base, memberId: b, link: 'fb.com/svc/posts/111?mibextid=1' })).kind).toBe('usedByAnother');
  const rows = await database.db.selectFrom('proofs').select('canonical_url').where('canonical_url', '=', 'https://www.facebook.com/svc/posts/111').execute();
  expect(rows).toHaveLength(1);
});

test('a required hashtag is asked for, refused when missing, recorded when confirmed', async () => {
  const memberId = await aMember();
  const base = { memberId, waveId: plan.waveIds.april!, identityId: null, now: APRIL, link: link(222) };
  expect(await submitLinkProof(database.db, base)).toMatchObject({ kind: 'needsHashtagConfirmation', hashtag: '#ThapNenTriAn' });
  expect((await submitLinkProof(database.db, { ...base, hashtagConfirmed: false })).kind).toBe('hashtagMissing');
  const outcome = await submitLinkProof(database.db, { ...base, hashtagConfirmed: true });
  expect(outcome).toMatchObject({ kind: 'recorded', joinedNow: true });
  const proof = await database.db.selectFrom('proofs').select('hashtag_confirmed').where('id', '=', outcome.kind === 'recorded' ? outcome.proofId : '').executeTakeFirstOrThrow();
  expect(proof.hashtag_confirmed).toBe(true);
});

test('accepted platforms are enforced; empty accepts every supported one', async () => {
  const waveId = await addWave(database.db, plan.districtId, {
    title: 'Chỉ TikTok',
    accepted_platforms: ['tiktok'],
    starts_at: new Date('2024-02-01T00:00:00Z'),
    ends_at: new Date('2024-02-10T00:00:00Z'),
  });
  const memberId = await aMember();
  const at = new Date('2024-02-05T00:00:00Z');
  expect(await submitLinkProof(database.db, { memberId, waveId, identityId: null, now: at, link: link(333) })).toMatchObject({ kind: 'platformNotAccepted', accepted: ['tiktok'] });
  expect((await submitLinkProof(database.db, { memberId, waveId, identityId: null, now: at, link: 'https://vm.tiktok.com/ZMabc/' })).kind).toBe('recorded');
});

test('the rate limits: 5 a minute, 30 an hour, counted from recorded proofs', async () => {
  const [perMinute, perHour] = PROOF_RATE_LIMITS;
  const memberId = await aMember();
  const kinds: string[] = [];
  for (let i = 0; i < 8; i += 1) kinds.push((await submitLinkProof(database.db, { memberId, waveId: plan.waveIds.march!, identityId: null, now: MARCH, link: link(1000 + i) })).kind);
  expect(kinds.filter((k) => k === 'recorded')).toHaveLength(perMinute!.max);
  expect(kinds.slice(perMinute!.max).every((k) => k === 'slowDown')).toBe(true);
  // Spread over an hour, one a minute and a half: the hourly limit takes over.
  let recorded = perMinute!.max;
  for (let i = 1; recorded < perHour!.max + 3; i += 1) {
    const at = new Date(MARCH.getTime() + i * 90_000);
    if (at.getTime() - MARCH.getTime() >= perHour!.windowMs) break;
    const outcome = await submitLinkProof(database.db, { memberId, waveId: plan.waveIds.march!, identityId: null, now: at, link: link(2000 + i) });
    if (outcome.kind === 'recorded') recorded += 1;
    else expect(outcome.kind).toBe('slowDown');
  }
  expect(recorded).toBe(perHour!.max);
});

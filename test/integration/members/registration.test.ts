import type { Db } from '../../../src/db/database';
import { recordConsent } from '../../../src/domain/consents/consents.repository';
import { touchIdentity } from '../../../src/domain/identities/identities.repository';
import { findMemberById } from '../../../src/domain/members/members.repository';
import { registrationNotesOf } from '../../../src/domain/members/registration.repository';
import { registerFromChat, type ChatRegistration } from '../../../src/domain/members/registration.service';
import { branchIdOf, ROSTER, seedOnboardingDistrict } from '../../helpers/onboarding-seed';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

let t: TestDatabase;
let db: Db;
let bhhA: string;
let anLac: string;
beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  await seedOnboardingDistrict(db);
  bhhA = await branchIdOf(db, 'bhh-a');
  anLac = await branchIdOf(db, 'an-lac');
});
afterAll(() => t.drop());

let next = 0;
async function identity(channel: 'zalo' | 'messenger' = 'zalo'): Promise<string> {
  next += 1;
  const row = await touchIdentity(db, { channel, platformUserId: `reg-${process.pid}-${next}`, accountId: 'oa', actedAt: new Date() });
  return row.id;
}
const linkedMember = async (identityId: string) => (await db.selectFrom('channel_identities').select('member_id').where('id', '=', identityId).executeTakeFirstOrThrow()).member_id;
const register = async (input: Partial<ChatRegistration> & { identityId: string }) => {
  const outcome = await db.transaction().execute((tx) => registerFromChat(tx, { fullName: 'Nguyễn Văn Test', role: 'member', phone: '+84901000001', branch: { kind: 'branch', branchId: anLac }, ...input }));
  return { ...outcome, memberId: 'memberId' in outcome ? outcome.memberId : '' };
};

describe('registerFromChat', () => {
  test('When the phone is on the roster of the chosen branch, then the identity takes that member, verified by the roster, with its consents', async () => {
    const id = await identity();
    await recordConsent(db, { identityId: id, memberId: null, purpose: 'registration', granted: true, noticeVersion: 'v-test' });
    const outcome = await register({ identityId: id, fullName: 'Minh', role: 'cadre', phone: ROSTER.bhhA.e164, branch: { kind: 'branch', branchId: bhhA } });
    expect(outcome).toMatchObject({ kind: 'verifiedByRoster', branchName: ROSTER.bhhA.branch });
    expect(await linkedMember(id)).toBe(outcome.memberId);
    // The roster's own fields win over what was typed.
    expect(await findMemberById(db, outcome.memberId)).toMatchObject({ fullName: ROSTER.bhhA.name, role: 'youth', status: 'verified', verifiedBy: 'roster' });
    expect(await db.selectFrom('consents').select('member_id').where('identity_id', '=', id).execute()).toEqual([{ member_id: outcome.memberId }]);
  });

  test('When a second identity gives a roster phone someone already chats with, then it takes nothing over and stores nothing: the person is sent to link the channels', async () => {
    const id = await identity('messenger');
    const outcome = await register({ identityId: id, phone: ROSTER.bhhA.e164, branch: { kind: 'branch', branchId: bhhA } });
    expect(outcome.kind).toBe('registeredElsewhere');
    expect(await linkedMember(id)).toBeNull();
  });

  test('When the roster phone is given with "không thấy đơn vị", then nothing is merged either', async () => {
    const id = await identity();
    const outcome = await register({ identityId: id, phone: ROSTER.anLac.e164, branch: { kind: 'unmatched', note: 'KP 4' } });
    expect(outcome).toMatchObject({ kind: 'phoneTaken', branchName: null });
    expect(await registrationNotesOf(db, outcome.memberId)).toEqual({ unmatchedBranchNote: 'KP 4', registrationNote: expect.stringContaining(ROSTER.anLac.branch) });
  });

  test('When nobody has the phone, then a pending chat member is created and linked; a second registration of that phone is not merged (it is sent to link the channels)', async () => {
    const first = await identity();
    const outcome = await register({ identityId: first, phone: '+84901000002' });
    expect(outcome).toMatchObject({ kind: 'pending', branchName: 'Đoàn phường An Lạc' });
    expect(await findMemberById(db, outcome.memberId)).toMatchObject({ phone: '+84901000002', status: 'pending', source: 'chat', verifiedAt: null });
    const second = await register({ identityId: await identity(), phone: '+84901000002' });
    expect(second.kind).toBe('registeredElsewhere');
  });

  test('When the identity is already a member, then nothing changes', async () => {
    const id = await identity();
    const first = await register({ identityId: id, phone: '+84901000003' });
    const again = await register({ identityId: id, phone: '+84901000004' });
    expect(again).toEqual({ kind: 'alreadyRegistered', memberId: first.memberId });
    expect((await findMemberById(db, first.memberId))?.phone).toBe('+84901000003');
  });

  test('When the branch id is not a branch, then it throws and writes nothing', async () => {
    const id = await identity();
    const district = await branchIdOf(db, 'binh-tan');
    await expect(register({ identityId: id, phone: '+84901000005', branch: { kind: 'branch', branchId: district } })).rejects.toThrow('not a branch');
    expect(await linkedMember(id)).toBeNull();
  });
});

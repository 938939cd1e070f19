import type { Db } from '../../../src/db/database';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
const FOREIGN_KEY_VIOLATION = '23503';

async function pgErrorCode(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

async function givenWaveWithTwoMembers(db: Db) {
  const district = await db.insertInto('units').values({ level: 'district', code: 'd1', name: 'Quận Đoàn Thử' }).returning('id').executeTakeFirstOrThrow();
  const branch = await db
    .insertInto('units')
    .values({ level: 'branch', kind: 'ward', code: 'b1', name: 'Đoàn phường Thử', parent_id: district.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const wave = await db
    .insertInto('waves')
    .values({ owner_unit_id: district.id, title: 'Đợt thử', action_kind: 'publicPost', starts_at: '2024-03-01T00:00:00+07:00', ends_at: '2024-04-01T00:00:00+07:00' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const [an, binh] = await db
    .insertInto('members')
    .values([
      { full_name: 'Nguyễn Văn An', phone: '+84912345678', role: 'member', branch_id: branch.id, source: 'roster' },
      { full_name: 'Trần Thị Bình', phone: '+84987654321', role: 'cadre', branch_id: branch.id, source: 'roster' },
    ])
    .returning('id')
    .execute();
  const participations = await db
    .insertInto('participations')
    .values([
      { wave_id: wave.id, member_id: an!.id },
      { wave_id: wave.id, member_id: binh!.id },
    ])
    .returning(['id', 'member_id'])
    .execute();
  return { district, branch, wave, an: an!, binh: binh!, participations };
}

describe('data model constraints', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When a second proof in the same wave has the same canonical link, then it is refused', async () => {
    const { wave, participations } = await givenWaveWithTwoMembers(t.db);
    const link = (participationId: string) => ({
      participation_id: participationId,
      wave_id: wave.id,
      kind: 'link' as const,
      original_url: 'https://m.facebook.com/story.php?story_fbid=1&id=2&fbclid=x',
      canonical_url: 'https://www.facebook.com/story.php?story_fbid=1&id=2',
      platform: 'facebook' as const,
    });
    await t.db.insertInto('proofs').values(link(participations[0]!.id)).execute();
    expect(await pgErrorCode(t.db.insertInto('proofs').values(link(participations[1]!.id)).execute())).toBe(UNIQUE_VIOLATION);
  });

  it('When the same canonical link is used in two different waves, then both count', async () => {
    const first = await givenWaveWithTwoMembersIn(t.db, 'x');
    const second = await givenWaveWithTwoMembersIn(t.db, 'y');
    for (const g of [first, second]) {
      await t.db
        .insertInto('proofs')
        .values({ participation_id: g.participations[0]!.id, wave_id: g.wave.id, kind: 'link', original_url: 'https://youtu.be/abc', canonical_url: 'https://www.youtube.com/watch?v=abc', platform: 'youtube' })
        .execute();
    }
  });

  it("When a proof names a wave other than its participation's, then it is refused", async () => {
    const a = await givenWaveWithTwoMembersIn(t.db, 'p');
    const b = await givenWaveWithTwoMembersIn(t.db, 'q');
    const code = await pgErrorCode(
      t.db
        .insertInto('proofs')
        .values({ participation_id: a.participations[0]!.id, wave_id: b.wave.id, kind: 'image', image_state: 'stored', image_sha256: 'a'.repeat(64) })
        .execute(),
    );
    expect(code).toBe(FOREIGN_KEY_VIOLATION);
  });

  it('When a second delivery for the same broadcast and identity is inserted, then it is refused', async () => {
    const identity = await t.db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: '246845883529197922' }).returning('id').executeTakeFirstOrThrow();
    const broadcast = await t.db
      .insertInto('broadcasts')
      .values({ purpose: 'waveLaunch', text: 'Phát động đợt mới', audience: JSON.stringify({ everyone: true }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const delivery = (key: string) => ({
      broadcast_id: broadcast.id,
      identity_id: identity.id,
      purpose: 'waveLaunch' as const,
      idempotency_key: key,
      payload: JSON.stringify({ text: 'Phát động đợt mới' }),
    });
    await t.db.insertInto('deliveries').values(delivery('k1')).execute();
    expect(await pgErrorCode(t.db.insertInto('deliveries').values(delivery('k2')).execute())).toBe(UNIQUE_VIOLATION);
    expect(await pgErrorCode(t.db.insertInto('deliveries').values({ ...delivery('k1'), broadcast_id: null }).execute())).toBe(UNIQUE_VIOLATION);
  });

  it('When a phone is not normalised to +84, then the member is refused', async () => {
    const code = await pgErrorCode(t.db.insertInto('members').values({ full_name: 'Lê Văn C', phone: '0912345678', role: 'youth', source: 'chat' }).execute());
    expect(code).toBe(CHECK_VIOLATION);
  });

  it('When two members share a phone, then the second is refused', async () => {
    await t.db.insertInto('members').values({ full_name: 'Lê Văn D', phone: '+84901111111', role: 'youth', source: 'chat' }).execute();
    const code = await pgErrorCode(t.db.insertInto('members').values({ full_name: 'Lê Văn E', phone: '+84901111111', role: 'youth', source: 'chat' }).execute());
    expect(code).toBe(UNIQUE_VIOLATION);
  });

  it('When a member is marked erased but keeps a name or phone, then it is refused', async () => {
    const m = await t.db.insertInto('members').values({ full_name: 'Phạm F', phone: '+84902222222', role: 'member', source: 'chat' }).returning('id').executeTakeFirstOrThrow();
    const code = await pgErrorCode(t.db.updateTable('members').set({ status: 'erased', erased_at: new Date() }).where('id', '=', m.id).execute());
    expect(code).toBe(CHECK_VIOLATION);
    await t.db.updateTable('members').set({ status: 'erased', erased_at: new Date(), full_name: null, phone: null }).where('id', '=', m.id).execute();
  });

  it('When a branch has no kind, or a cluster has one, then it is refused', async () => {
    const root = await t.db.selectFrom('units').select('id').where('code', '=', 'd1').executeTakeFirstOrThrow();
    expect(await pgErrorCode(t.db.insertInto('units').values({ level: 'branch', code: 'nokind', name: 'Không loại', parent_id: root.id }).execute())).toBe(CHECK_VIOLATION);
    expect(await pgErrorCode(t.db.insertInto('units').values({ level: 'cluster', kind: 'ward', code: 'kv', name: 'Khu vực', parent_id: root.id }).execute())).toBe(CHECK_VIOLATION);
  });

  it('When a branch cadre account has no branch, then it is refused', async () => {
    const code = await pgErrorCode(t.db.insertInto('staff_users').values({ username: 'canbo', role: 'branchCadre', password_hash: 'x' }).execute());
    expect(code).toBe(CHECK_VIOLATION);
  });

  it('When a wave ends before it starts, then it is refused', async () => {
    const root = await t.db.selectFrom('units').select('id').where('code', '=', 'd1').executeTakeFirstOrThrow();
    const code = await pgErrorCode(
      t.db.insertInto('waves').values({ owner_unit_id: root.id, title: 'Sai ngày', action_kind: 'other', starts_at: '2024-05-01T00:00:00Z', ends_at: '2024-04-01T00:00:00Z' }).execute(),
    );
    expect(code).toBe(CHECK_VIOLATION);
  });

  it('When the same platform event is recorded twice, then the second is refused', async () => {
    const event = { channel: 'messenger' as const, event_key: 'm_abc', conversation_key: 'messenger:1', kind: 'message', platform_ts: 1718000000000, payload: JSON.stringify({}) };
    await t.db.insertInto('inbound_events').values(event).execute();
    expect(await pgErrorCode(t.db.insertInto('inbound_events').values(event).execute())).toBe(UNIQUE_VIOLATION);
  });

  it('When a teaching of Uncle Ho has no source, then it is refused', async () => {
    const code = await pgErrorCode(t.db.insertInto('content_items').values({ kind: 'uncleHoTeaching', body: 'Một câu không rõ nguồn' }).execute());
    expect(code).toBe(CHECK_VIOLATION);
  });
});

let suffix = 0;
async function givenWaveWithTwoMembersIn(db: Db, tag: string) {
  suffix += 1;
  const root = await db.selectFrom('units').select('id').where('code', '=', 'd1').executeTakeFirstOrThrow();
  const wave = await db
    .insertInto('waves')
    .values({ owner_unit_id: root.id, title: `Đợt ${tag}`, action_kind: 'candle', starts_at: '2024-04-01T00:00:00+07:00', ends_at: '2024-05-01T00:00:00+07:00' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const member = await db
    .insertInto('members')
    .values({ full_name: `Thành viên ${tag}`, phone: `+8490300000${suffix}`, role: 'member', source: 'chat' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const participations = await db.insertInto('participations').values({ wave_id: wave.id, member_id: member.id }).returning(['id']).execute();
  return { wave, participations };
}

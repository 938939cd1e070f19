import { sql } from 'kysely';
import { createLinkCode, redeemLinkCode } from '../../../src/domain/linking/linking.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const NOW = new Date('2026-03-05T03:00:00Z');

describe('one person on two channels', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  test('a member linked on Zalo and Messenger who joins a wave from each counts once among its members', async () => {
    const district = await t.db.insertInto('units').values({ level: 'district', code: 'q', name: 'Q' }).returning('id').executeTakeFirstOrThrow();
    const wave = await t.db
      .insertInto('waves')
      .values({ owner_unit_id: district.id, title: 'Đợt', action_kind: 'other', starts_at: '2026-03-01T00:00:00Z', ends_at: '2026-04-01T00:00:00Z', status: 'open' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await t.db.insertInto('members').values({ full_name: 'An', phone: '+84912000001', role: 'member', source: 'chat' }).returning('id').executeTakeFirstOrThrow();
    const zalo = await t.db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: '111', member_id: member.id }).returning('id').executeTakeFirstOrThrow();
    const messenger = await t.db.insertInto('channel_identities').values({ channel: 'messenger', platform_user_id: '222' }).returning('id').executeTakeFirstOrThrow();

    const { code } = await createLinkCode(t.db, member.id, NOW);
    expect(await redeemLinkCode(t.db, messenger.id, code, NOW)).toEqual({ kind: 'linked', memberId: member.id });

    // Joining goes through the identity's member, whichever channel the person writes on.
    for (const identityId of [zalo.id, messenger.id]) {
      const { member_id } = await t.db.selectFrom('channel_identities').select('member_id').where('id', '=', identityId).executeTakeFirstOrThrow();
      await t.db.insertInto('participations').values({ wave_id: wave.id, member_id: member_id! }).onConflict((oc) => oc.columns(['wave_id', 'member_id']).doNothing()).execute();
    }
    const { rows } = await sql<{ members: number; identities: number }>`
      select count(distinct p.member_id)::int as members, count(i.id)::int as identities
      from participations p join channel_identities i on i.member_id = p.member_id
      where p.wave_id = ${wave.id}`.execute(t.db);
    expect(rows[0]).toEqual({ members: 1, identities: 2 });
    expect(await t.db.selectFrom('participations').select((eb) => eb.fn.countAll<number>().as('n')).where('wave_id', '=', wave.id).executeTakeFirstOrThrow()).toEqual({ n: 1 });
  });

  test('codes are stored only as hashes', async () => {
    const member = await t.db.insertInto('members').values({ full_name: 'Bình', phone: '+84912000002', role: 'member', source: 'chat' }).returning('id').executeTakeFirstOrThrow();
    const { code } = await createLinkCode(t.db, member.id, NOW);
    const { rows } = await sql<{ row: string }>`select l::text as row from link_codes l`.execute(t.db);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.row.includes(code))).toBe(false);
  });
});

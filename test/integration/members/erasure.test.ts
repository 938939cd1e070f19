import { sql } from 'kysely';
import type { Db } from '../../../src/db/database';
import { eraseMemberData } from '../../../src/domain/members/erasure.service';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const NAME = 'Nguyễn Thị Xuân Diệu';
const PHONE = '+84912777555';
const LOCAL_PHONE = '0912777555';
const ZALO_ID = '7391850012345678901';
const PSID = '6632918471122334';
const NOW = new Date('2026-04-02T05:00:00Z');

interface Person {
  memberId: string;
  zaloIdentity: string;
  messengerIdentity: string;
  waveId: string;
  otherMemberId: string;
}

/** Every text and json value in every table of the schema, as text, with where it was found. */
async function everyValue(db: Db): Promise<{ table: string; row: string }[]> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'kysely_migration'`.execute(db);
  const out: { table: string; row: string }[] = [];
  for (const { table_name } of tables) {
    const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(db);
    for (const r of rows) out.push({ table: table_name, row: r.row });
  }
  return out;
}

async function seedPerson(db: Db): Promise<Person> {
  const district = await db.insertInto('units').values({ level: 'district', code: 'q', name: 'Quận Đoàn' }).returning('id').executeTakeFirstOrThrow();
  const cluster = await db.insertInto('units').values({ level: 'cluster', code: 'kv', name: 'Khu vực', parent_id: district.id }).returning('id').executeTakeFirstOrThrow();
  const branch = await db.insertInto('units').values({ level: 'branch', kind: 'ward', code: 'p', name: 'Đoàn phường', parent_id: cluster.id }).returning('id').executeTakeFirstOrThrow();
  const member = await db
    .insertInto('members')
    .values({ full_name: NAME, phone: PHONE, role: 'member', branch_id: branch.id, source: 'chat', unmatched_branch_note: `${NAME} ở khu phố 3` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const other = await db.insertInto('members').values({ full_name: 'Người Khác', phone: '+84988000111', role: 'member', branch_id: branch.id, source: 'roster' }).returning('id').executeTakeFirstOrThrow();
  const zalo = await db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: ZALO_ID, member_id: member.id, display_name: NAME, account_id: 'oa' }).returning('id').executeTakeFirstOrThrow();
  const messenger = await db.insertInto('channel_identities').values({ channel: 'messenger', platform_user_id: PSID, member_id: member.id, display_name: 'Diệu Xuân' }).returning('id').executeTakeFirstOrThrow();

  const wave = await db
    .insertInto('waves')
    .values({ owner_unit_id: district.id, title: 'Đợt 1', action_kind: 'publicPost', starts_at: '2026-03-01T00:00:00Z', ends_at: '2026-05-01T00:00:00Z', status: 'open' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const participation = await db.insertInto('participations').values({ wave_id: wave.id, member_id: member.id, state: 'approved' }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('proofs')
    .values({
      participation_id: participation.id,
      wave_id: wave.id,
      kind: 'link',
      original_url: `https://www.facebook.com/${ZALO_ID}/posts/1?fbclid=x`,
      canonical_url: `https://www.facebook.com/${ZALO_ID}/posts/1`,
      platform: 'facebook',
      caption: `Bài của ${NAME}`,
      review_state: 'approved',
      reviewed_at: NOW,
    })
    .execute();
  await db
    .insertInto('proofs')
    .values({ participation_id: participation.id, wave_id: wave.id, kind: 'image', image_state: 'stored', image_sha256: 'a'.repeat(64), image_mime: 'image/jpeg', image_bytes: 100, review_state: 'rejected', reject_reason: `${NAME} ơi, ảnh mờ`, reviewed_at: NOW })
    .execute();
  await db.insertInto('consents').values({ identity_id: zalo.id, member_id: null, purpose: 'registration', granted: true, notice_version: 'v1' }).execute();
  await db.insertInto('consents').values({ identity_id: zalo.id, member_id: member.id, purpose: 'subscriptions', granted: true, notice_version: 'v1' }).execute();
  await db.insertInto('subscriptions').values({ identity_id: messenger.id, topic: 'goodNews' }).execute();
  await db
    .insertInto('deliveries')
    .values([
      { identity_id: zalo.id, purpose: 'reply', idempotency_key: 'r1', payload: JSON.stringify({ text: `Chào ${NAME}, số ${LOCAL_PHONE}` }), status: 'sent', sent_at: NOW },
      { identity_id: messenger.id, purpose: 'reviewResult', idempotency_key: 'r2', payload: JSON.stringify({ text: `${NAME}: đã duyệt` }), status: 'deferred' },
    ])
    .execute();
  await db
    .insertInto('inbound_events')
    .values([
      { channel: 'zalo', event_key: `submit_info:${ZALO_ID}:1`, conversation_key: `zalo:${ZALO_ID}`, kind: 'sharedInfo', platform_ts: 1, payload: JSON.stringify({ userId: ZALO_ID, name: NAME, phone: '84912777555' }), status: 'processed' },
      { channel: 'messenger', event_key: 'm.1', conversation_key: `messenger:${PSID}`, kind: 'message', platform_ts: 2, payload: JSON.stringify({ userId: PSID, text: LOCAL_PHONE }), status: 'dead' },
    ])
    .execute();
  await db
    .insertInto('bot_state')
    .values([
      { key: `zalo/conversations/zalo:${ZALO_ID}/`, data: JSON.stringify({ dialogState: { name: NAME } }), etag: '1' },
      { key: `zalo/users/${ZALO_ID}/`, data: JSON.stringify({}), etag: '1' },
      { key: `messenger/users/${PSID}/`, data: JSON.stringify({}), etag: '1' },
    ])
    .execute();
  const thread = await db.insertInto('handover_threads').values({ identity_id: zalo.id, member_id: member.id, branch_id: branch.id, opened_at: NOW, expires_at: new Date(NOW.getTime() + 86_400_000) }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('handover_messages').values({ thread_id: thread.id, direction: 'member', text: `Mình là ${NAME}, sđt ${LOCAL_PHONE}`, at: NOW }).execute();
  await db.insertInto('link_codes').values({ member_id: member.id, code_hash: 'b'.repeat(64), created_at: NOW, expires_at: new Date(NOW.getTime() + 600_000) }).execute();
  await db
    .insertInto('content_items')
    .values({ kind: 'goodNews', body: `Chuyện tốt của ${NAME}`, approval: 'pending', submitted_by_member_id: member.id })
    .execute();
  return { memberId: member.id, zaloIdentity: zalo.id, messengerIdentity: messenger.id, waveId: wave.id, otherMemberId: other.id };
}

function leftovers(values: readonly { table: string; row: string }[], needles: readonly string[]): string[] {
  return values.filter((v) => needles.some((n) => v.row.includes(n))).map((v) => `${v.table}: ${v.row}`);
}

describe('erasing a member\'s data', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    await sql`truncate table units, members, channel_identities, consents, deliveries, inbound_events, bot_state, audit_log, content_items, staff_users cascade`.execute(t.db);
  });

  test('a platform request leaves no trace of the name, the phone or either platform id in any table, and the figures still count', async () => {
    const person = await seedPerson(t.db);
    const needles = [NAME, PHONE, LOCAL_PHONE, '84912777555', ZALO_ID, PSID, 'Diệu Xuân', 'a'.repeat(64)];
    expect(leftovers(await everyValue(t.db), needles).length).toBeGreaterThan(10);

    const summary = await eraseMemberData(t.db, { memberId: person.memberId, identityId: person.zaloIdentity, keepConversation: false, trigger: 'platformRequest', now: NOW });

    expect(leftovers(await everyValue(t.db), needles)).toEqual([]);
    expect(summary).toMatchObject({ identities: 2, proofs: 2, handoverMessages: 1 });
    // One person still counts once in the wave, with an approved proof, under the same branch.
    const counted = await t.db
      .selectFrom('participations as p')
      .innerJoin('members as m', 'm.id', 'p.member_id')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('m.status').as('status')])
      .where('p.wave_id', '=', person.waveId)
      .where('p.state', '=', 'approved')
      .executeTakeFirstOrThrow();
    expect({ n: Number(counted.n), status: counted.status }).toEqual({ n: 1, status: 'erased' });
    const approved = await t.db.selectFrom('proofs').select(['review_state', 'erased_at']).where('wave_id', '=', person.waveId).where('review_state', '=', 'approved').execute();
    expect(approved).toHaveLength(1);
    // Consents stay as anonymous records; the unsent review result is not sent to nobody.
    expect(await t.db.selectFrom('consents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 2 });
    expect(await t.db.selectFrom('deliveries').select('status').where('idempotency_key', '=', 'r2').executeTakeFirstOrThrow()).toEqual({ status: 'cancelled' });
    const identities = await t.db.selectFrom('channel_identities').select(['member_id', 'reachability']).execute();
    expect(identities).toEqual([
      { member_id: null, reachability: 'unreachable' },
      { member_id: null, reachability: 'unreachable' },
    ]);
    // Someone else is untouched, and the audit log says what happened without saying who.
    expect(await t.db.selectFrom('members').select('full_name').where('id', '=', person.otherMemberId).executeTakeFirstOrThrow()).toEqual({ full_name: 'Người Khác' });
    const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_kind', 'subject_id']).execute();
    expect(audit).toEqual([{ action: 'member.erased', actor_kind: 'system', subject_id: person.memberId }]);
  });

  test('erased from the chat, the asking identity keeps only its platform id, as a newcomer with no history', async () => {
    const person = await seedPerson(t.db);
    await eraseMemberData(t.db, { memberId: person.memberId, identityId: person.zaloIdentity, keepConversation: true, trigger: 'chat', now: NOW });

    const found = leftovers(await everyValue(t.db), [NAME, PHONE, LOCAL_PHONE, '84912777555', ZALO_ID, PSID]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^channel_identities: /);
    const kept = await t.db.selectFrom('channel_identities').selectAll().where('id', '=', person.zaloIdentity).executeTakeFirstOrThrow();
    expect(kept).toMatchObject({ platform_user_id: ZALO_ID, member_id: null, display_name: null, reachability: 'reachable' });
    for (const table of ['deliveries', 'consents', 'handover_threads', 'subscriptions'] as const) {
      const rows = await t.db.selectFrom(table).select('identity_id').where('identity_id', '=', person.zaloIdentity).execute();
      expect({ table, rows }).toEqual({ table, rows: [] });
    }
  });

  test('someone never registered erases what their identity holds', async () => {
    const identity = await t.db.insertInto('channel_identities').values({ channel: 'zalo', platform_user_id: ZALO_ID, display_name: NAME }).returning('id').executeTakeFirstOrThrow();
    await t.db.insertInto('subscriptions').values({ identity_id: identity.id, topic: 'legalInfo' }).execute();
    await t.db.insertInto('consents').values({ identity_id: identity.id, purpose: 'subscriptions', granted: true, notice_version: 'v1' }).execute();
    await eraseMemberData(t.db, { memberId: null, identityId: identity.id, keepConversation: false, trigger: 'platformRequest', now: NOW });
    expect(leftovers(await everyValue(t.db), [NAME, ZALO_ID])).toEqual([]);
    expect(await t.db.selectFrom('subscriptions').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('audit_log').select('action').execute()).toEqual([{ action: 'identity.erased' }]);
  });
});

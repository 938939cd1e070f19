import { sql } from 'kysely';
import { createDb } from '../../../src/db/database';
import { migrateDown, migrateToEmpty, migrateToLatest, migrationNames } from '../../../src/db/migrate';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

const TABLES = [
  'api_tokens', 'audit_log', 'bot_state', 'branch_reports', 'broadcasts', 'channel_identities', 'channel_tokens', 'consents',
  'content_items', 'deliveries', 'inbound_events', 'media_images', 'members', 'participations', 'plans', 'proofs',
  'staff_user_clusters', 'staff_users', 'subscriptions', 'task_completions', 'tasks', 'units', 'waves',
  // Member services (issue 4).
  'handover_messages', 'handover_threads', 'link_attempts', 'link_codes', 'official_pages',
  // Schedules (issue 5).
  'cadre_nudges', 'schedule_runs',
  // Admin web (issue 6).
  'admin_sessions',
  // Tallies the admin pages read instead of counting rows (issue 6, at city size).
  'branch_member_tallies', 'proof_tallies', 'wave_branch_participants', 'wave_branch_tallies',
].sort();

async function tablesOf(t: TestDatabase): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(t.db);
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When applied to an empty database, then every table of the data model exists', async () => {
    const results = await migrateToLatest(t.db);
    expect(results.map((r) => r.migrationName)).toEqual(migrationNames());
    expect(await tablesOf(t)).toEqual(TABLES);
  });

  it('When applied again, then nothing changes', async () => {
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('When each migration is undone one by one, then the database ends empty', async () => {
    for (const name of [...migrationNames()].reverse()) {
      const [result] = await migrateDown(t.db);
      expect(result).toMatchObject({ migrationName: name, direction: 'Down', status: 'Success' });
    }
    expect(await tablesOf(t)).toEqual([]);
  });

  it('When migrated up, down to empty and up again, then the schema is whole', async () => {
    await migrateToLatest(t.db);
    await migrateToEmpty(t.db);
    expect(await tablesOf(t)).toEqual([]);
    await migrateToLatest(t.db);
    expect(await tablesOf(t)).toEqual(TABLES);
  });

  it('When two processes migrate the same empty database at once, then each migration runs once', async () => {
    await migrateToEmpty(t.db);
    const other = createDb(t.url, { maxConnections: 2 });
    try {
      const [a, b] = await Promise.all([migrateToLatest(t.db), migrateToLatest(other)]);
      expect([...a, ...b].map((r) => r.migrationName).sort()).toEqual(migrationNames());
      expect(await tablesOf(t)).toEqual(TABLES);
    } finally {
      await other.destroy();
    }
  });
});

import { sql } from 'kysely';
import { prefetchTurnFacts } from '../../../src/bot/turn-facts';
import { touchIdentity } from '../../../src/domain/identities/identities.repository';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/** The facts a batch reads for its turns in one statement must say what the per-turn queries said. */
describe('prefetchTurnFacts', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function identity(user: string): Promise<string> {
    return (await touchIdentity(t.db, { channel: 'zalo', platformUserId: user, accountId: '579745863508352884', actedAt: new Date() })).id;
  }

  it('reads the latest registration answer and whether a thread is still open, for each identity', async () => {
    const [none, declinedThenGranted, handedOver, closedThread] = [await identity('9001'), await identity('9002'), await identity('9003'), await identity('9004')];
    await sql`insert into consents (identity_id, purpose, granted, notice_version, recorded_at) values
      (${declinedThenGranted}, 'registration', false, 'v1', now() - interval '2 days'),
      (${declinedThenGranted}, 'registration', true, 'v2', now() - interval '1 day'),
      (${declinedThenGranted}, 'subscriptions', false, 'v2', now()),
      (${handedOver}, 'registration', false, 'v2', now())`.execute(t.db);
    await sql`insert into handover_threads (identity_id, opened_at, expires_at) values (${handedOver}, now(), now() + interval '1 day')`.execute(t.db);
    await sql`insert into handover_threads (identity_id, opened_at, expires_at, closed_at, closed_by) values (${closedThread}, now(), now() + interval '1 day', now(), 'member')`.execute(t.db);

    const facts = await prefetchTurnFacts(t.db, [none, declinedThenGranted, handedOver, closedThread]);

    expect(facts.size).toBe(4);
    expect(facts.get(none)).toEqual({ unclosedThread: false, registrationConsent: undefined });
    expect(facts.get(declinedThenGranted)).toMatchObject({ unclosedThread: false, registrationConsent: { granted: true, noticeVersion: 'v2' } });
    expect(facts.get(handedOver)).toMatchObject({ unclosedThread: true, registrationConsent: { granted: false, noticeVersion: 'v2' } });
    expect(facts.get(closedThread)).toEqual({ unclosedThread: false, registrationConsent: undefined });
  });

  it('reads nothing for no identities', async () => {
    expect((await prefetchTurnFacts(t.db, [])).size).toBe(0);
  });
});

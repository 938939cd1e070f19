import { sql } from 'kysely';
import { sleep, until } from '../helpers/e2e';
import { createFaultWorld, perRecipient, reportFigures, type FaultWorld } from './fault-world';

/**
 * Scenario 4: during a broadcast both platforms answer 429 (Graph with Retry-After), 500/503 and
 * timeouts (requests never answered) in turn for FAULTS_PLATFORM_OUTAGE_MS (a minute by default);
 * as they recover, the Zalo access token expires. Expected: backoff, exactly one token refresh,
 * eventual delivery to everyone, nobody twice. The stand-in's timeouts are requests it did NOT act
 * on; a platform that acts and then times out would get a resend (see RELIABILITY.md, limits).
 */
const OUTAGE_MS = Number(process.env.FAULTS_PLATFORM_OUTAGE_MS ?? 60_000);
const RECIPIENTS = Number(process.env.FAULTS_PLATFORM_RECIPIENTS ?? 2_000);

describe('fault: the platforms failing for a while, and the Zalo token expiring', () => {
  let world: FaultWorld;

  beforeAll(async () => {
    world = await createFaultWorld({ appendOnlyRedis: true, sendsPerSecond: 50 });
    await world.startApp('all');
  });
  afterAll(async () => world?.close());

  it('When the platforms answer 429 / 5xx / nothing for a while and the Zalo token then expires, then sends back off, the token is refreshed once and everyone gets the message once', async () => {
    const audience = await world.seedAudience(RECIPIENTS);
    const id = await world.broadcast(audience, 'Mời bạn tham gia đợt “Mùa hè xanh” từ tuần sau!');
    await until('the broadcast to be sending', async () => world.platform.counts.delivered >= 200, 120_000, 50);
    world.platform.setMode('mixed');
    const faultFrom = Date.now();
    const deliveredBefore = world.platform.counts.delivered;
    await sleep(OUTAGE_MS);
    const deliveredDuring = world.platform.counts.delivered - deliveredBefore;
    world.platform.expireZaloToken();
    world.platform.setMode('ok');
    const healedAt = Date.now();
    await until('the broadcast completed', async () => (await world.broadcastFigures(id))?.status === 'completed', 600_000, 500);
    const doneAt = Date.now();

    const per = perRecipient(world.platform, RECIPIENTS);
    const figures = (await world.broadcastFigures(id))!;
    const claims = await sql<{ max: number; avg: number }>`select max(attempts)::int as max, round(avg(attempts), 2)::float as avg from deliveries where broadcast_id is not null`.execute(world.db);
    const c = world.platform.counts;
    reportFigures({
      scenario: `4. the platforms failing (429 / 5xx / no answer) for ${OUTAGE_MS / 1000} s during a broadcast to ${RECIPIENTS}, then the Zalo token expiring`,
      sent: RECIPIENTS,
      acknowledged: RECIPIENTS,
      processed: figures.sent,
      lost: per.missing,
      doubled: per.doubled,
      recoveryMs: doneAt - healedAt,
      notes: {
        'faulted answers': c.byFault,
        'delivered while failing': deliveredDuring,
        'sends refused for the expired token': c.rejectedToken,
        'token refreshes': c.refreshes,
        'refused refreshes': c.refusedRefreshes,
        'claims per delivery (max / mean)': `${claims.rows[0]!.max} / ${claims.rows[0]!.avg}`,
        'outage start to completion': `${((doneAt - faultFrom) / 1000).toFixed(1)} s`,
      },
    });

    // Every fault was met: 429, 500, 503 and requests never answered.
    expect(Object.keys(c.byFault).sort()).toEqual(['429', '500', '503', 'timeout']);
    expect(c.rejectedToken).toBeGreaterThan(0);
    expect(c.refreshes).toBe(1);
    expect(c.refusedRefreshes).toBe(0);
    expect(per.problems).toEqual([]);
    expect(figures).toMatchObject({ status: 'completed', sent: RECIPIENTS, failed: {} });
  }, 900_000);
});

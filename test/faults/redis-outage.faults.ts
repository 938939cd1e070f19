import { sleep } from '../helpers/e2e';
import { createFaultWorld, problemsByMessage, reportFigures, type FaultWorld } from './fault-world';
import { answersBetween, startWebhookLoad, turnFigures, waitForQuiet } from './webhook-load';

/**
 * Scenario 1: Redis stopped during steady webhook load, then started. While it is down the
 * webhook answers 503 (the platform delivers again); nothing answered 200 is lost; processing
 * resumes by itself once Redis is back, without restarting the app.
 */
const OUTAGE_MS = Number(process.env.FAULTS_REDIS_OUTAGE_MS ?? 10_000);
const STEADY_MS = 6_000;

describe('fault: Redis stopped and started under webhook load', () => {
  let world: FaultWorld;

  beforeAll(async () => {
    // Redis with its append-only file, as BullMQ asks in production: a restart keeps the queues.
    world = await createFaultWorld({ appendOnlyRedis: true });
    await world.startApp('all');
  });
  afterAll(async () => world?.close());

  it('When Redis goes away under load and comes back, then webhooks answer 503 meanwhile, every acknowledged event is processed once and processing resumes on its own', async () => {
    const app = world.apps[0]!;
    const load = startWebhookLoad(app.baseUrl, { users: 120, perSecond: 30, runId: 'r1' });
    await sleep(STEADY_MS);
    const stoppedAt = Date.now();
    await world.redis.stop();
    await sleep(OUTAGE_MS);
    await world.redis.start();
    const backAt = Date.now();
    await sleep(STEADY_MS);
    await load.stop();
    const quiet = await waitForQuiet(world.db, 240_000);

    const duringOutage = answersBetween(load.answers, stoppedAt + 500, backAt);
    const firstOkAfter = load.answers.filter((a) => a.at >= backAt && a.status === 200).map((a) => a.at).sort((a, b) => a - b)[0];
    const f = await turnFigures(world.db, world.platform, load);
    reportFigures({
      scenario: `1. Redis stopped for ${OUTAGE_MS / 1000} s under ${120} members' webhooks at 30/s (append-only Redis)`,
      sent: f.sent,
      acknowledged: f.acknowledged,
      processed: f.processed,
      lost: f.lost,
      doubled: f.doubledReplies,
      recoveryMs: quiet.at === null ? null : quiet.at - backAt,
      notes: {
        'still open at the end': quiet.open,
        'open after the load stopped': quiet.timeline,
        'answers while down': duringOutage,
        redeliveries: load.redeliveries(),
        'first 200 after Redis was back': firstOkAfter === undefined ? 'none' : `${((firstOkAfter - backAt) / 1000).toFixed(1)} s`,
        'replies at the platform / recorded sent': `${f.repliesAtPlatform} / ${f.repliesRecordedSent}`,
        'reply sends of unknown outcome': f.replyUnknownOutcome,
        'app restarted': 'no',
        'app warnings and errors': problemsByMessage(world.apps),
      },
    });

    expect(quiet.open).toEqual({});
    // A webhook committed just as the dependency went may still be answered 200; nothing else but 503.
    expect(Object.keys(duringOutage).filter((s) => s !== '503' && s !== '200')).toEqual([]);
    expect(duringOutage['503'] ?? 0).toBeGreaterThan(0);
    expect(f.acknowledged).toBe(f.sent);
    expect(f.lost).toBe(0);
    expect(f.doubledReplies).toBe(0);
    expect(f.repliesRecordedButNotAtPlatform).toBe(0);
    expect(app.child.exitCode).toBeNull();
  }, 420_000);
});

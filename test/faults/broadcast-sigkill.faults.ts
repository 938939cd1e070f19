import type { Job } from 'bullmq';
import { createOutboxRelayProcessor } from '../../src/jobs/outbox-relay.processor';
import { createBullMqOutbox } from '../../src/jobs/outbox.bullmq';
import type { OutboxRelayJob, OutboxRelayResult } from '../../src/jobs/queues';
import { UNKNOWN_OUTCOME } from '../../src/domain/deliveries/deliveries.repository';
import { windowFor } from '../../src/jobs/send-budget';
import { OUTBOUND_BATCH_WORKER_OPTIONS, OUTBOUND_WORKER_OPTIONS } from '../../src/jobs/workers';
import { until } from '../helpers/e2e';
import { createFaultWorld, perRecipient, reportFigures, type FaultWorld } from './fault-world';

/**
 * Scenario 3: the whole process (ROLE=all) SIGKILLed mid-broadcast of 20,000 recipients and
 * started again. Guarantee: at most one message per recipient; everyone gets one except the sends
 * in flight at the kill, whose outcome is unknown (neither platform takes an idempotency key): they
 * are failed as unknown_outcome and never resent, and counted here.
 *
 * Between the kill and the restart the outbox relay's own logic runs once with no staleness wait,
 * which is sound only because no process is alive; in production the relay does the same on its
 * 30 s schedule once a 'sending' row is 5 minutes old (the broadcast then completes that late).
 */
const RECIPIENTS = Number(process.env.FAULTS_KILL_RECIPIENTS ?? 20_000);
const KILL_AFTER_SENT = Math.floor(RECIPIENTS * 0.3);
const SENDS_PER_SECOND = 400;
/**
 * The most sends a process can have between claim and record, per channel: a chunk of at most one
 * budget window's tokens in each batch slot, and one send in each single slot.
 */
const IN_FLIGHT_PER_CHANNEL = OUTBOUND_BATCH_WORKER_OPTIONS.concurrency * windowFor(SENDS_PER_SECOND).max + OUTBOUND_WORKER_OPTIONS.concurrency;

describe('fault: the process SIGKILLed mid-broadcast', () => {
  let world: FaultWorld;

  beforeAll(async () => {
    world = await createFaultWorld({ appendOnlyRedis: true, sendsPerSecond: SENDS_PER_SECOND });
    await world.startApp('all');
  });
  afterAll(async () => world?.close());

  it(`When the process is SIGKILLed during a broadcast to ${RECIPIENTS} and started again, then nobody gets it twice and all but the interrupted sends get it once`, async () => {
    const audience = await world.seedAudience(RECIPIENTS);
    const id = await world.broadcast(audience, 'Cùng thắp nến tri ân các anh hùng liệt sĩ tối nay nhé!');
    await until(`${KILL_AFTER_SENT} messages sent`, async () => ((await world.deliveriesByStatus()).sent ?? 0) >= KILL_AFTER_SENT, 300_000, 20);
    expect(await world.apps[0]!.kill()).toMatchObject({ signal: 'SIGKILL' });
    const killedAt = Date.now();
    const atKill = await world.deliveriesByStatus();
    const sweep = createOutboxRelayProcessor({ db: world.db, logger: world.logs.logger, queues: world.queues, outbox: createBullMqOutbox({ db: world.db, queues: world.queues, logger: world.logs.logger }) });
    const swept = await sweep({ data: { queuedStaleAfterMs: 0, sendingStaleAfterMs: 0 } } as Job<OutboxRelayJob, OutboxRelayResult>);
    const restarted = await world.startApp('all');
    const upAt = Date.now();
    await until('the broadcast completed', async () => (await world.broadcastFigures(id))?.status === 'completed', 420_000, 250);
    const doneAt = Date.now();

    const unknown = await world.db
      .selectFrom('deliveries as d')
      .innerJoin('channel_identities as i', 'i.id', 'd.identity_id')
      .select(['i.channel', 'i.platform_user_id'])
      .where('d.status', '=', 'failed')
      .where('d.error_code', '=', UNKNOWN_OUTCOME)
      .execute();
    const interrupted = new Set(unknown.map((u) => `${u.channel}:${u.platform_user_id}`));
    const reachedAnyway = [...interrupted].filter((k) => world.platform.delivered.get(k) === 1).length;
    const per = perRecipient(world.platform, RECIPIENTS, interrupted);
    const figures = (await world.broadcastFigures(id))!;
    reportFigures({
      scenario: `3. ROLE=all SIGKILLed after ${atKill.sent ?? 0} of ${RECIPIENTS} broadcast sends, then started again`,
      sent: RECIPIENTS,
      acknowledged: RECIPIENTS,
      processed: figures.sent,
      lost: per.missing,
      doubled: per.doubled,
      recoveryMs: doneAt - killedAt,
      notes: {
        'in flight at the kill (unknown_outcome, never resent)': swept.unknownOutcome,
        'of those, reached the platform': reachedAnyway,
        'rows given their job back': swept.requeued,
        'restart to completion': `${((doneAt - upAt) / 1000).toFixed(1)} s`,
        'messages at the platform': world.platform.counts.delivered,
      },
    });

    expect(per.problems).toEqual([]);
    expect(unknown).toHaveLength(swept.unknownOutcome);
    expect(swept.unknownOutcome).toBeLessThanOrEqual(2 * IN_FLIGHT_PER_CHANNEL);
    expect(world.platform.counts.delivered).toBe(figures.sent + reachedAnyway);
    expect(figures.sent).toBe(RECIPIENTS - swept.unknownOutcome);
    expect(restarted.child.exitCode).toBeNull();
  }, 600_000);
});

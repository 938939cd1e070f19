import { sql } from 'kysely';
import { sleep, until } from '../helpers/e2e';
import { createFaultWorld, perRecipient, problemsByMessage, reportFigures, type FaultWorld } from './fault-world';
import { answersBetween, startWebhookLoad, turnFigures, waitForQuiet } from './webhook-load';

/**
 * Scenario 2: PostgreSQL stopped and started while turns are processed under webhook load AND a
 * broadcast is sending, both at once. Jobs retry and complete; nothing acknowledged is lost,
 * nobody gets a message twice (counted at the stand-in per recipient and in the database).
 */
const OUTAGE_MS = Number(process.env.FAULTS_PG_OUTAGE_MS ?? 8_000);
const RECIPIENTS = Number(process.env.FAULTS_PG_BROADCAST_RECIPIENTS ?? 2_000);
const STEADY_MS = 5_000;

describe('fault: PostgreSQL stopped and started during turns and a broadcast', () => {
  let world: FaultWorld;

  beforeAll(async () => {
    world = await createFaultWorld({ appendOnlyRedis: true, sendsPerSecond: 150 });
    await world.startApp('all');
  });
  afterAll(async () => world?.close());

  it('When PostgreSQL goes away mid-turns and mid-broadcast and comes back, then turns and sends retry and complete, none lost or doubled', async () => {
    const app = world.apps[0]!;
    const audience = await world.seedAudience(RECIPIENTS);
    const broadcastId = await world.broadcast(audience, 'Đợt “Tháng Thanh niên” bắt đầu hôm nay: cùng thay khung ảnh đại diện nhé!');
    await until('the broadcast to be sending', async () => ((await world.deliveriesByStatus()).sent ?? 0) >= 300, 120_000, 100);
    const load = startWebhookLoad(app.baseUrl, { users: 100, perSecond: 20, runId: 'p2' });
    await sleep(STEADY_MS);
    const sentBefore = world.platform.counts.delivered;
    const stoppedAt = Date.now();
    await world.pg.stop();
    await sleep(OUTAGE_MS);
    await world.pg.start();
    const backAt = Date.now();
    await sleep(1_000);
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      const last = app.problems().slice(-5).map((l) => JSON.stringify(l).slice(0, 1500));
      await load.abandon();
      throw new Error(`the app died during the PostgreSQL outage (exit ${app.child.exitCode ?? app.child.signalCode}):\n${last.join('\n')}\n${app.stderr().slice(-2000)}`);
    }
    await sleep(STEADY_MS);
    await load.stop();
    const quiet = await waitForQuiet(world.db, 330_000);

    if (quiet.at !== null) await until('the broadcast completed', async () => (await world.broadcastFigures(broadcastId))?.status === 'completed', 60_000, 250);
    const duringOutage = answersBetween(load.answers, stoppedAt + 500, backAt);
    const turns = await turnFigures(world.db, world.platform, load);
    const firstSend = world.platform.firstDeliveredAfter(backAt);
    const firstSendAfterBack = firstSend === undefined ? 'none' : `${((firstSend - backAt) / 1000).toFixed(1)} s`;
    const bc = perRecipient(world.platform, RECIPIENTS);
    const figures = (await world.broadcastFigures(broadcastId))!;
    const unknown = await sql<{ n: number }>`select count(*)::int as n from deliveries where broadcast_id is not null and error_code = 'unknown_outcome'`.execute(world.db);
    const broadcastAtPlatform = [...world.platform.delivered.entries()].filter(([k]) => /^(zalo:bcz|messenger:bc-)\d+$/.test(k)).reduce((s, [, n]) => s + n, 0);
    reportFigures({
      scenario: `2a. PostgreSQL stopped for ${OUTAGE_MS / 1000} s during turns (100 members' webhooks at 20/s)`,
      sent: turns.sent,
      acknowledged: turns.acknowledged,
      processed: turns.processed,
      lost: turns.lost,
      doubled: turns.doubledReplies,
      recoveryMs: quiet.at === null ? null : quiet.at - backAt,
      notes: {
        'first message at the platform after the database was back': firstSendAfterBack, 'still open at the end': quiet.open, 'open after the load stopped': quiet.timeline, 'answers while down': duringOutage, redeliveries: load.redeliveries(), 'replies at the platform / recorded sent': `${turns.repliesAtPlatform} / ${turns.repliesRecordedSent}`, 'reply sends of unknown outcome': turns.replyUnknownOutcome, 'app warnings and errors': problemsByMessage(world.apps) },
    });
    reportFigures({
      scenario: `2b. the same outage during a broadcast to ${RECIPIENTS} recipients (150/s per channel)`,
      sent: RECIPIENTS,
      acknowledged: RECIPIENTS,
      processed: figures.sent,
      lost: bc.missing,
      doubled: bc.doubled,
      recoveryMs: quiet.at === null ? null : quiet.at - backAt,
      notes: { 'still open': quiet.open, 'delivered before the outage': sentBefore, 'messages at the platform': broadcastAtPlatform, 'unknown outcome (not resent)': unknown.rows[0]!.n, 'missing among those': bc.excusedMissing, figures: { sent: figures.sent, failed: figures.failed } },
    });

    expect(quiet.open).toEqual({});
    // A webhook committed just as the dependency went may still be answered 200; nothing else but 503.
    expect(Object.keys(duringOutage).filter((s) => s !== '503' && s !== '200')).toEqual([]);
    expect(turns.acknowledged).toBe(turns.sent);
    expect(turns.lost).toBe(0);
    expect(turns.doubledReplies).toBe(0);
    expect(bc.doubled).toBe(0);
    expect(bc.missing).toBe(0);
    expect(figures.sent).toBe(RECIPIENTS);
    expect(unknown.rows[0]!.n).toBe(0);
    expect(turns.replyUnknownOutcome).toBe(0);
    expect(app.child.exitCode).toBeNull();
  }, 600_000);
});

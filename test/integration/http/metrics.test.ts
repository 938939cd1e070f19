import { createHttpApp } from '../../../src/http/app';
import { createMetricsRouter } from '../../../src/http/metrics.routes';
import { allQueues, createQueues, type Queues } from '../../../src/jobs/queues';
import { closeRedis, createRedis } from '../../../src/main/redis';
import { schedulerLateness, sendsTotal, setQueueDepthSource, webhookAckSeconds } from '../../../src/metrics/metrics';
import { captureLogs } from '../../helpers/logs';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { serve, type RunningServer } from './http-server';

describe('GET /metrics', () => {
  const logs = captureLogs();
  const prefix = uniqueQueuePrefix();
  const redis = createRedis(TEST_REDIS_URL, 'producer', logs.logger);
  let queues: Queues;
  let server: RunningServer;

  beforeAll(async () => {
    queues = createQueues(redis, prefix, logs.logger);
    setQueueDepthSource(() => Promise.all(allQueues(queues).map(async (q) => ({ queue: q.name, counts: await q.getJobCounts('waiting', 'active', 'delayed', 'failed') }))));
    server = await serve(createHttpApp({ logger: logs.logger, routers: [{ path: '/', router: createMetricsRouter(logs.logger) }] }));
  });

  afterAll(async () => {
    setQueueDepthSource(undefined);
    await server.close();
    await Promise.all(allQueues(queues).map((q) => q.close()));
    await closeRedis(redis);
    await deleteQueuePrefix(prefix);
  });

  it('When scraped, then it answers in Prometheus format with the named series, the queue depths read from Redis, and the default process metrics', async () => {
    await queues.outboundZalo.add('send', { deliveryId: 1 }, { jobId: 'd1' });
    await queues.outboundZalo.add('send', { deliveryId: 2 }, { jobId: 'd2', delay: 60_000 });
    webhookAckSeconds.observe({ channel: 'zalo', status: '200' }, 0.004);
    sendsTotal.inc({ purpose: 'waveLaunch', channel: 'zalo', result: 'sent' });
    schedulerLateness.observe({ schedule: 'uncleHoWeekly' }, 2);

    const response = await fetch(`${server.url}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'vx_webhook_ack_seconds',
      'vx_inbound_events_total',
      'vx_jobs_total',
      'vx_queue_jobs',
      'vx_sends_total',
      'vx_deliveries_deferred_total',
      'vx_deliveries_expired_total',
      'vx_deliveries_collapsed_total',
      'vx_scheduler_lateness_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('vx_queue_jobs{queue="outbound-zalo",state="waiting"} 1');
    expect(text).toContain('vx_queue_jobs{queue="outbound-zalo",state="delayed"} 1');
    expect(text).toContain('vx_sends_total{purpose="waveLaunch",channel="zalo",result="sent"} 1');
    expect(text).toContain('vx_webhook_ack_seconds_bucket{le="0.005",channel="zalo",status="200"} 1');
    expect(text).toContain('vx_scheduler_lateness_seconds_count{schedule="uncleHoWeekly"} 1');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics (GET /metrics). Each process (ROLE=api, worker or all) keeps
 * and serves its own: webhook latency and events where webhooks are taken, job outcomes and sends
 * where workers run. Queue depths live in Redis, so whichever process is scraped reads them then
 * (a gauge collected at scrape); summing them over processes would count them twice: use max.
 * Labels carry ids of kinds (channel, purpose, queue, reason), never a member, a phone or a text.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const webhookAckSeconds = new Histogram({
  name: 'vx_webhook_ack_seconds',
  help: 'Time from a webhook request to its acknowledgement, by channel and HTTP status',
  labelNames: ['channel', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
  registers: [registry],
});

export const inboundEventsTotal = new Counter({
  name: 'vx_inbound_events_total',
  help: 'Platform events recorded from webhooks, by channel and kind',
  labelNames: ['channel', 'kind'] as const,
  registers: [registry],
});

export const inboundMalformedItemsTotal = new Counter({
  name: 'vx_inbound_malformed_items_total',
  help: 'Items of signed webhook batches refused as not the platform\'s shape while the good items beside them were taken, by channel',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const jobsTotal = new Counter({
  name: 'vx_jobs_total',
  help: 'Job runs by queue and outcome (completed, failed, retried, delayed, rate_limited)',
  labelNames: ['queue', 'outcome'] as const,
  registers: [registry],
});

export const sendsTotal = new Counter({
  name: 'vx_sends_total',
  help: 'Deliveries finished by the outbound workers, by purpose, channel and result',
  labelNames: ['purpose', 'channel', 'result'] as const,
  registers: [registry],
});

export const deferredTotal = new Counter({
  name: 'vx_deliveries_deferred_total',
  help: 'Deliveries held back, by channel and reason (windowClosed, quietHours, dailyCap, platformWindowClosed, platformHour)',
  labelNames: ['channel', 'reason'] as const,
  registers: [registry],
});

export const expiredTotal = new Counter({
  name: 'vx_deliveries_expired_total',
  help: 'Deliveries dropped because their content expired while they waited, by purpose',
  labelNames: ['purpose'] as const,
  registers: [registry],
});

export const collapsedTotal = new Counter({
  name: 'vx_deliveries_collapsed_total',
  help: 'Deferred deliveries replaced by a newer one of the same kind when the member wrote, by purpose',
  labelNames: ['purpose'] as const,
  registers: [registry],
});

/** For the schedules: observe how late each run started against its planned instant. */
export const schedulerLateness = new Histogram({
  name: 'vx_scheduler_lateness_seconds',
  help: 'How late a scheduled job started against its planned time, by schedule',
  labelNames: ['schedule'] as const,
  buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
  registers: [registry],
});

/** Reads the queues' job counts from Redis; set by the process that serves /metrics. */
export type QueueDepthSource = () => Promise<readonly { readonly queue: string; readonly counts: Readonly<Record<string, number>> }[]>;

let depthSource: QueueDepthSource | undefined;

export function setQueueDepthSource(source: QueueDepthSource | undefined): void {
  depthSource = source;
}

export const queueDepth = new Gauge({
  name: 'vx_queue_jobs',
  help: 'Jobs in each queue by state (read from Redis at scrape time)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    if (!depthSource) return;
    this.reset();
    for (const { queue, counts } of await depthSource()) {
      for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
    }
  },
});

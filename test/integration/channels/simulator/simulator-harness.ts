import type { IncomingHttpHeaders } from 'node:http';
import { Router } from 'express';
import { createSimulator, type Simulator } from '../../../../src/channels/simulator';
import type { SimulatorStoreLimits } from '../../../../src/channels/simulator/simulator.store';
import { createHttpApp } from '../../../../src/http/app';
import { captureLogs, type CapturedLogs } from '../../../helpers/logs';
import { serve } from '../../http/http-server';

/** One webhook as the app's route would have received it: the exact bytes and the headers. */
export interface ReceivedWebhook {
  readonly channel: 'zalo' | 'messenger';
  readonly raw: Buffer;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/**
 * Stands in for the lead's webhook routes: records what arrives and answers with a status the
 * test chooses, so the simulator's signing and error display can be checked on their own.
 */
export function createFakeReceiver() {
  const received: ReceivedWebhook[] = [];
  const status = { zalo: 200, messenger: 200 };
  const waiters = new Set<() => void>();
  const router = Router();
  router.post('/:channel', (req, res) => {
    const channel = req.params.channel === 'zalo' ? 'zalo' : 'messenger';
    const raw = req.rawBody ?? Buffer.alloc(0);
    received.push({ channel, raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')) as Record<string, unknown> });
    for (const wake of waiters) wake();
    res.status(status[channel]).send(status[channel] === 200 ? 'EVENT_RECEIVED' : 'Service Unavailable');
  });

  async function waitFor(predicate: (w: ReceivedWebhook) => boolean, timeoutMs = 5_000): Promise<ReceivedWebhook> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching webhook within ${timeoutMs} ms; got ${received.map((w) => w.raw.toString()).join('\n')}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 50);
      });
    }
  }

  return { router, received, status, waitFor, clear: () => void received.splice(0) };
}

export type FakeReceiver = ReturnType<typeof createFakeReceiver>;

const CANDLE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160"><rect width="240" height="160" fill="#1a9e55"/>' +
  '<rect x="108" y="60" width="24" height="70" rx="4" fill="#fff8e1"/><path d="M120 28c10 14 10 24 0 30c-10-6-10-16 0-30z" fill="#ffb300"/>' +
  '<text x="120" y="150" font-family="sans-serif" font-size="14" fill="#fff" text-anchor="middle">Thắp nến tri ân</text></svg>';

export interface SimulatorHarness {
  readonly url: string;
  readonly simulator: Simulator;
  readonly receiver: FakeReceiver;
  readonly logs: CapturedLogs;
  /** Where the simulator POSTs webhooks; a test may point it elsewhere. */
  selfBaseUrl: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startSimulatorHarness(options: { limits?: Partial<SimulatorStoreLimits>; webhookTimeoutMs?: number; now?: () => number } = {}): Promise<SimulatorHarness> {
  const logs = captureLogs('warn');
  const receiver = createFakeReceiver();
  const holder = { selfBaseUrl: '' };
  const simulator = createSimulator({ selfBaseUrl: () => holder.selfBaseUrl, logger: logs.logger, limits: options.limits, webhookTimeoutMs: options.webhookTimeoutMs, now: options.now });
  const assets = Router();
  // A local image, so pages show a real picture on this closed network.
  assets.get('/candle.svg', (_req, res) => void res.type('image/svg+xml').send(CANDLE_SVG));
  const app = createHttpApp({ logger: logs.logger, routers: [{ path: '/webhooks', router: receiver.router }, { path: '/test-assets', router: assets }, ...simulator.routers] });
  const server = await serve(app);
  holder.selfBaseUrl = server.url;

  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  return {
    url: server.url,
    simulator,
    receiver,
    logs,
    get selfBaseUrl() {
      return holder.selfBaseUrl;
    },
    set selfBaseUrl(value: string) {
      holder.selfBaseUrl = value;
    },
    post: (path, body, headers) => call('POST', path, body, headers),
    get: (path, headers) => call('GET', path, undefined, headers),
    close: async () => {
      await simulator.close();
      await server.close();
    },
  };
}

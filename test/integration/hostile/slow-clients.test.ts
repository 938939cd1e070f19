import { connect, type Socket } from 'node:net';
import { startApp, type AppProcess } from '../../helpers/app-process';
import { closeHttp, postWebhook, zaloText } from '../../helpers/e2e';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * Slow-loris against the running app (ROLE=api): hundreds of connections that trickle their
 * headers, or their body, one byte a second are cut off by the server's own deadlines (set short
 * here through the settings), and while they hang the app keeps answering everyone else.
 * Nothing is timed: the test waits for the server to close what it must, and prints how long
 * that took.
 */

const HEADERS_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 4_000;
const TRICKLE_EVERY_MS = 1_000;
const SLOW_CLIENTS = 200;

interface SlowClient {
  /** Resolves once the server closed the connection: what it answered (maybe nothing) and after how long. */
  readonly closed: Promise<{ answer: string; afterMs: number }>;
  /** Stops trickling and drops the connection (only for clients the server did not cut). */
  destroy(): void;
}

/** A client that sends `opening` and then one more byte of `rest` every TRICKLE_EVERY_MS, never finishing. */
function slowClient(port: number, opening: string, rest: string): SlowClient {
  const started = Date.now();
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.writable) socket.write(rest[sent++ % rest.length]!);
  }, TRICKLE_EVERY_MS);
  socket.on('connect', () => socket.write(opening));
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ answer: string; afterMs: number }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    }),
  );
  return {
    closed,
    destroy: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

describe('slow clients against the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  const prefix = uniqueQueuePrefix();
  const clients: SlowClient[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startApp({
      databaseUrl: t.url,
      queuePrefix: prefix,
      role: 'api',
      env: { HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' },
    });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await app?.stop();
    await closeHttp();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  it('When the app starts, then its HTTP deadlines are the ones set, not node’s defaults', async () => {
    const listening = await app.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('listening on port'));
    expect(listening).toMatchObject({ headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: 1000 });
  });

  it(`When ${SLOW_CLIENTS} clients trickle their headers a byte a second, then the app still answers others meanwhile, and cuts every one of them off with 408`, async () => {
    for (let i = 0; i < SLOW_CLIENTS; i += 1) {
      clients.push(slowClient(app.port, 'POST /webhooks/zalo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'abcdefghijklmnopqrstuvwxyz'));
    }
    // While they hang: a probe and a real webhook get their answers.
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const hook = zaloText('246845883529197922', 'Xin chào', Date.now());
    expect((await postWebhook(app.baseUrl, hook)).status).toBe(200);

    const outcomes = await Promise.all(clients.map((c) => c.closed));
    expect(outcomes.filter((o) => o.answer.startsWith('HTTP/1.1 408'))).toHaveLength(SLOW_CLIENTS);
    const after = outcomes.map((o) => o.afterMs).sort((a, b) => a - b);
    console.log(`slow headers: ${SLOW_CLIENTS} clients cut off with 408 after ${after[0]}–${after[after.length - 1]} ms (headers deadline ${HEADERS_TIMEOUT_MS} ms)`);
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
  });

  it('When clients send whole headers but trickle their body a byte a second, then the request deadline cuts them off with 408, and others are answered meanwhile', async () => {
    const body = JSON.stringify({ event_name: 'user_send_text', timestamp: String(Date.now()) });
    const headers = `POST /webhooks/zalo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 1000}\r\n\r\n`;
    for (let i = 0; i < SLOW_CLIENTS / 4; i += 1) clients.push(slowClient(app.port, headers, body));
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    const outcomes = await Promise.all(clients.map((c) => c.closed));
    expect(outcomes.filter((o) => o.answer.startsWith('HTTP/1.1 408'))).toHaveLength(SLOW_CLIENTS / 4);
    const after = outcomes.map((o) => o.afterMs).sort((a, b) => a - b);
    console.log(`slow bodies: ${SLOW_CLIENTS / 4} clients cut off with 408 after ${after[0]}–${after[after.length - 1]} ms (request deadline ${REQUEST_TIMEOUT_MS} ms)`);
  });

  it('When a signed Zalo body or an API body is over 1 MB, then 413 before anything reads it', async () => {
    const big = zaloText('246845883529197922', 'x'.repeat(1024 * 1024 + 10), Date.now());
    expect((await postWebhook(app.baseUrl, big)).status).toBe(413);
    const api = await fetch(`${app.baseUrl}/api/v1/broadcasts`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10) }) });
    expect(api.status).toBe(413);
  });
});

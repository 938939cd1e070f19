/**
 * The bare baseline the bench measures the app against: the least a Node webhook bot can do.
 * node:http only; reads the raw body, checks the platform's signature over those bytes
 * (Messenger: HMAC-SHA256 with the app secret; Zalo: SHA-256 of app id + body + timestamp +
 * OA secret key), answers 200 at once, then sends the text back through the stand-in platform
 * with undici.request on a keep-alive Agent. Nothing is recorded, queued or remembered: no
 * durability, no dialog, no backpressure.
 *
 * Env: BENCH_PLATFORM_BASE (stand-in origin), BENCH_PORT (0 = any). Reports its port over IPC.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { BENCH_CREDENTIALS as C } from './webhooks';

const PLATFORM = (process.env.BENCH_PLATFORM_BASE ?? 'http://127.0.0.1:9100').replace(/\/$/, '');
const MAX_BODY = 1024 * 1024;
const agent = new Agent({ connections: 256, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
const counters = { received: 0, refused: 0, sent: 0, sendErrors: 0 };

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function messengerSignatureOk(raw: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  return sameBytes(Buffer.from(header.slice(7), 'hex'), createHmac('sha256', C.messengerAppSecret).update(raw).digest());
}

function zaloSignatureOk(raw: Buffer, header: string | string[] | undefined, timestamp: unknown): boolean {
  if (typeof header !== 'string' || !header.startsWith('mac=') || typeof timestamp !== 'string') return false;
  const want = createHash('sha256').update(C.zaloAppId).update(raw).update(timestamp).update(C.zaloOaSecretKey).digest();
  return sameBytes(Buffer.from(header.slice(4), 'hex'), want);
}

async function send(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  try {
    const res = await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) counters.sent++;
    else counters.sendErrors++;
  } catch {
    counters.sendErrors++;
  }
}

interface MessengerBody {
  object?: string;
  entry?: { messaging?: { sender?: { id?: string }; message?: { text?: string; is_echo?: boolean } }[] }[];
}

function onMessenger(body: MessengerBody): void {
  for (const entry of body.entry ?? []) {
    for (const item of entry.messaging ?? []) {
      const text = item.message?.text;
      if (typeof text === 'string' && !item.message?.is_echo && item.sender?.id) {
        void send(`${PLATFORM}/v25.0/me/messages`, { authorization: `Bearer ${C.messengerPageToken}` }, {
          recipient: { id: item.sender.id },
          messaging_type: 'RESPONSE',
          message: { text },
        });
      }
    }
  }
}

interface ZaloBody {
  event_name?: string;
  sender?: { id?: string };
  message?: { text?: string };
  timestamp?: unknown;
}

function onZalo(body: ZaloBody): void {
  const text = body.message?.text;
  if (body.event_name === 'user_send_text' && typeof text === 'string' && body.sender?.id) {
    void send(`${PLATFORM}/v3.0/oa/message/cs`, { access_token: C.zaloAccessToken }, { recipient: { user_id: body.sender.id }, message: { text } });
  }
}

function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
  const path = (req.url ?? '').split('?', 1)[0];
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (path === '/webhooks/messenger') {
    if (!messengerSignatureOk(raw, req.headers['x-hub-signature-256'])) return refuse(res, 401);
    if (body === undefined) return refuse(res, 400);
    counters.received++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED');
    onMessenger(body as MessengerBody);
    return;
  }
  if (path === '/webhooks/zalo') {
    // Zalo signs the body's own timestamp, so the body is read before the check.
    if (!zaloSignatureOk(raw, req.headers['x-zevent-signature'], (body as ZaloBody | undefined)?.timestamp)) return refuse(res, 401);
    counters.received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":1}');
    onZalo(body as ZaloBody);
    return;
  }
  refuse(res, 404);
}

function refuse(res: ServerResponse, status: number): void {
  counters.refused++;
  res.writeHead(status).end();
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return refuse(res, 405);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY) return refuse(res, 413);
    handle(req, res, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  });
});
server.keepAliveTimeout = 65_000;

function stop(): void {
  server.close();
  server.closeAllConnections();
  void agent.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 1_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

server.listen(Number(process.env.BENCH_PORT ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  if (process.send) process.send({ ready: true, port });
  else console.log(`baseline on http://127.0.0.1:${port}`);
});

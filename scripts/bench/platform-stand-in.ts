/**
 * The platforms, stood in for the bench: one node:http server on 127.0.0.1 answering the Graph
 * Send API and the Zalo OA API after a fixed delay (BENCH_PLATFORM_LATENCY_MS, 20 ms), each in
 * its real success envelope, and counting every message by recipient.
 *
 *   POST /<version>/me/messages          -> {recipient_id, message_id}
 *   POST /<version>/me/messenger_profile -> {result: 'success'}
 *   GET  /<version>/<psid>               -> a profile (first_name, last_name, name)
 *   POST /v3.0/oa/message/cs             -> HTTP 200 {error: 0, message: 'Success', data: {message_id, user_id}}
 *   GET  /v3.0/oa/user/detail?data=…     -> HTTP 200 {error: 0, message: 'Success', data: {user_id, display_name, …}}
 *   GET  /stats                          -> counters; ?recipients=1 adds the count per recipient
 *   GET  /stats/timeline?from=&to=       -> messages sent between two epoch-ms instants (100 ms buckets)
 *   POST /stats/reset                    -> zero everything
 *
 * Started by the bench with fork(); it reports its port over IPC and exits on SIGTERM or when
 * its parent goes away.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

const LATENCY_MS = Number(process.env.BENCH_PLATFORM_LATENCY_MS ?? '20');
const MAX_BODY = 1024 * 1024;
const BUCKET_MS = 100;

interface Stats {
  messengerSends: number;
  zaloSends: number;
  messengerProfiles: number;
  zaloProfiles: number;
  badRequests: number;
  other: number;
  firstSendAt: number | null;
  lastSendAt: number | null;
}

let stats: Stats;
let byRecipient: Map<string, number>;
let buckets: Map<number, number>;
let messageSeq = 0;

function reset(): void {
  stats = { messengerSends: 0, zaloSends: 0, messengerProfiles: 0, zaloProfiles: 0, badRequests: 0, other: 0, firstSendAt: null, lastSendAt: null };
  byRecipient = new Map();
  buckets = new Map();
}
reset();

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function later(res: ServerResponse, value: unknown): void {
  if (LATENCY_MS > 0) setTimeout(json, LATENCY_MS, res, 200, value);
  else json(res, 200, value);
}

function readBody(req: IncomingMessage, done: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => {
    try {
      done(size > MAX_BODY ? undefined : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown));
    } catch {
      done(undefined);
    }
  });
  req.on('error', () => undefined);
}

function countSend(channel: 'messenger' | 'zalo', recipient: string): void {
  const now = Date.now();
  if (channel === 'messenger') stats.messengerSends++;
  else stats.zaloSends++;
  stats.firstSendAt ??= now;
  stats.lastSendAt = now;
  const key = `${channel}:${recipient}`;
  byRecipient.set(key, (byRecipient.get(key) ?? 0) + 1);
  const bucket = Math.floor(now / BUCKET_MS);
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
}

function graphSend(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, (body) => {
    const b = body as { recipient?: { id?: unknown }; message?: unknown; sender_action?: unknown } | undefined;
    const recipient = b?.recipient?.id;
    if ((typeof recipient !== 'string' && typeof recipient !== 'number') || (b?.message === undefined && b?.sender_action === undefined)) {
      stats.badRequests++;
      json(res, 400, { error: { message: '(#100) The parameter recipient and message are required', type: 'OAuthException', code: 100, fbtrace_id: 'bench' } });
      return;
    }
    if (b.message !== undefined) countSend('messenger', String(recipient));
    later(res, { recipient_id: String(recipient), message_id: `m_bench_${++messageSeq}` });
  });
}

function zaloSend(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, (body) => {
    const b = body as { recipient?: { user_id?: unknown }; message?: unknown } | undefined;
    const userId = b?.recipient?.user_id;
    if (typeof userId !== 'string' || b?.message === undefined) {
      stats.badRequests++;
      json(res, 200, { error: -201, message: 'Parameters are invalid' });
      return;
    }
    countSend('zalo', userId);
    later(res, { error: 0, message: 'Success', data: { message_id: `zbench${++messageSeq}`, user_id: userId } });
  });
}

function zaloProfile(url: URL, res: ServerResponse): void {
  stats.zaloProfiles++;
  let userId: string;
  try {
    userId = String((JSON.parse(url.searchParams.get('data') ?? '{}') as { user_id?: unknown }).user_id ?? '');
  } catch {
    userId = '';
  }
  later(res, { error: 0, message: 'Success', data: { user_id: userId, display_name: `Đoàn viên ${userId.slice(-4)}`, user_is_follower: true } });
}

function timeline(url: URL): number {
  const from = Number(url.searchParams.get('from'));
  const to = Number(url.searchParams.get('to'));
  let total = 0;
  for (const [bucket, count] of buckets) {
    const at = bucket * BUCKET_MS;
    if (at >= from && at < to) total += count;
  }
  return total;
}

const GRAPH_SEND = /^\/v\d+\.\d+\/me\/messages$/;
const GRAPH_PROFILE_SETTINGS = /^\/v\d+\.\d+\/me\/messenger_profile$/;
const GRAPH_USER = /^\/v\d+\.\d+\/(\d+)$/;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const path = url.pathname;
  if (req.method === 'POST' && GRAPH_SEND.test(path)) return graphSend(req, res);
  if (req.method === 'POST' && path === '/v3.0/oa/message/cs') return zaloSend(req, res);
  if (req.method === 'GET' && path === '/v3.0/oa/user/detail') return zaloProfile(url, res);
  const user = req.method === 'GET' ? GRAPH_USER.exec(path) : null;
  if (user) {
    stats.messengerProfiles++;
    return later(res, { id: user[1], first_name: 'Đoàn viên', last_name: user[1]!.slice(-4), name: `Đoàn viên ${user[1]!.slice(-4)}` });
  }
  if (req.method === 'POST' && GRAPH_PROFILE_SETTINGS.test(path)) {
    req.resume();
    return later(res, { result: 'success' });
  }
  if (req.method === 'GET' && path === '/stats') {
    const out: Record<string, unknown> = { ...stats, sends: stats.messengerSends + stats.zaloSends, distinctRecipients: byRecipient.size, latencyMs: LATENCY_MS };
    if (url.searchParams.get('recipients')) out.recipients = Object.fromEntries(byRecipient);
    return json(res, 200, out);
  }
  if (req.method === 'GET' && path === '/stats/timeline') return json(res, 200, { sends: timeline(url) });
  if (req.method === 'POST' && path === '/stats/reset') {
    req.resume();
    reset();
    return json(res, 200, { ok: true });
  }
  stats.other++;
  req.resume();
  json(res, 404, { error: { message: `Unknown path ${path}`, code: 2500 } });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;

function stop(): void {
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

server.listen(Number(process.env.BENCH_PLATFORM_PORT ?? '0'), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  if (process.send) process.send({ ready: true, port });
  else console.log(`platform stand-in on http://127.0.0.1:${port} (latency ${LATENCY_MS} ms)`);
});

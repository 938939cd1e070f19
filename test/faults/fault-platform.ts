import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Both platforms stood in over real HTTP, in their wire format, with faults switched on at will:
 *
 *   POST /<v>/me/messages        Graph Send API  -> {recipient_id, message_id}
 *   GET  /<v>/<psid>             Graph profile
 *   POST /v3.0/oa/message/cs     Zalo OA send    -> HTTP 200 {error: 0, data: {message_id, user_id}};
 *                                the `access_token` header must be the current token, else
 *                                HTTP 200 {error: -216, message: 'Access token is invalid'}
 *   GET  /v3.0/oa/user/detail    Zalo profile
 *   POST /v4/oa/access_token     Zalo OAuth refresh (form refresh_token, app_id, grant_type; header
 *                                secret_key): a new single-use pair, the old refresh token refused
 *
 * Fault modes for the two send endpoints (profiles and OAuth stay healthy): 'ok'; '429' (Graph
 * HTTP 429 with Retry-After, Zalo HTTP 429); '5xx' (HTTP 500 / 503 in turn); 'timeout' (the request
 * is read and never answered: the platform did NOT act on it; the socket is cut after `hangMs`);
 * 'mixed' (the three in turn). A faulted request is never counted as delivered.
 */
export type FaultMode = 'ok' | '429' | '5xx' | 'timeout' | 'mixed';

export interface FaultPlatform {
  readonly base: string;
  setMode(mode: FaultMode): void;
  /** Makes the current Zalo access token invalid from now on (as if it expired early). */
  expireZaloToken(): void;
  readonly zaloAccessToken: string;
  readonly zaloRefreshToken: string;
  /** Messages delivered per `<channel>:<recipient>`. */
  readonly delivered: Map<string, number>;
  readonly counts: { delivered: number; faulted: number; byFault: Record<string, number>; rejectedToken: number; refreshes: number; refusedRefreshes: number };
  /** Epoch ms of the last delivered message. */
  lastDeliveredAt(): number;
  /** Epoch ms of the first message delivered at or after `since`, if any. */
  firstDeliveredAfter(since: number): number | undefined;
  reset(): void;
  close(): Promise<void>;
}

export interface FaultPlatformOptions {
  readonly latencyMs?: number;
  /** How long a 'timeout' request is held before its socket is cut (longer than the app's 10 s client timeout). */
  readonly hangMs?: number;
  readonly zaloAppSecret: string;
  readonly retryAfterSeconds?: number;
}

const GRAPH_SEND = /^\/v\d+\.\d+\/me\/messages$/;
const GRAPH_USER = /^\/v\d+\.\d+\/(\d+|[\w-]+)$/;

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => done(''));
  });
}

export async function startFaultPlatform(options: FaultPlatformOptions): Promise<FaultPlatform> {
  const latency = options.latencyMs ?? 10;
  const hangMs = options.hangMs ?? 15_000;
  let mode: FaultMode = 'ok';
  let turn = 0;
  let fiveTurn = 0;
  let tokenSeq = 1;
  let access = `zalo-access-${tokenSeq}`;
  let refresh = `zalo-refresh-${tokenSeq}`;
  let lastAt = 0;
  let seq = 0;
  const delivered = new Map<string, number>();
  // Every delivery's time, in order (a few tens of thousands at most).
  const deliveredTimes: number[] = [];
  const counts = { delivered: 0, faulted: 0, byFault: {} as Record<string, number>, rejectedToken: 0, refreshes: 0, refusedRefreshes: 0 };
  const sockets = new Set<Socket>();
  const hung = new Set<NodeJS.Timeout>();

  const later = (fn: () => void) => (latency > 0 ? setTimeout(fn, latency) : fn());
  const countFault = (name: string) => {
    counts.faulted++;
    counts.byFault[name] = (counts.byFault[name] ?? 0) + 1;
  };

  /** Answers with the current fault, or returns false when the request may go through. */
  function fault(channel: 'messenger' | 'zalo', req: IncomingMessage, res: ServerResponse): boolean {
    if (mode === 'ok') return false;
    const kinds = ['429', '5xx', 'timeout'] as const;
    const kind = mode === 'mixed' ? kinds[turn++ % kinds.length]! : mode;
    if (kind === 'timeout') {
      countFault('timeout');
      const timer = setTimeout(() => {
        hung.delete(timer);
        req.socket.destroy();
      }, hangMs);
      hung.add(timer);
      return true;
    }
    if (kind === '429') {
      countFault('429');
      if (channel === 'messenger') json(res, 429, { error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, fbtrace_id: 'faults' } }, { 'retry-after': String(options.retryAfterSeconds ?? 5) });
      else json(res, 429, { error: -32, message: 'Exceed rate limit' });
      return true;
    }
    // Its own counter: stepping `turn` here too made 'mixed' skip every timeout (429, 5xx, 429, 5xx…).
    const status = fiveTurn++ % 2 === 0 ? 500 : 503;
    countFault(String(status));
    if (channel === 'messenger') json(res, status, { error: { message: 'An unexpected error has occurred. Please retry your request later.', type: 'OAuthException', code: 2, is_transient: true, fbtrace_id: 'faults' } });
    else json(res, status, { error: -1, message: 'Internal server error' });
    return true;
  }

  function deliver(channel: 'messenger' | 'zalo', recipient: string): void {
    const key = `${channel}:${recipient}`;
    delivered.set(key, (delivered.get(key) ?? 0) + 1);
    counts.delivered++;
    lastAt = Date.now();
    deliveredTimes.push(lastAt);
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const path = url.pathname;
      const body = req.method === 'POST' ? await readBody(req) : '';
      if (req.method === 'POST' && GRAPH_SEND.test(path)) {
        if (fault('messenger', req, res)) return;
        const b = JSON.parse(body || '{}') as { recipient?: { id?: string }; message?: unknown };
        const recipient = String(b.recipient?.id ?? '');
        if (b.message !== undefined) deliver('messenger', recipient);
        return later(() => json(res, 200, { recipient_id: recipient, message_id: `m_faults_${++seq}` }));
      }
      if (req.method === 'POST' && path === '/v3.0/oa/message/cs') {
        if (req.headers.access_token !== access) {
          counts.rejectedToken++;
          return later(() => json(res, 200, { error: -216, message: 'Access token is invalid' }));
        }
        if (fault('zalo', req, res)) return;
        const b = JSON.parse(body || '{}') as { recipient?: { user_id?: string } };
        const userId = String(b.recipient?.user_id ?? '');
        deliver('zalo', userId);
        return later(() => json(res, 200, { error: 0, message: 'Success', data: { message_id: `zfaults${++seq}`, user_id: userId } }));
      }
      if (req.method === 'POST' && path === '/v4/oa/access_token') {
        const form = new URLSearchParams(body);
        if (req.headers.secret_key !== options.zaloAppSecret || form.get('refresh_token') !== refresh || form.get('grant_type') !== 'refresh_token') {
          counts.refusedRefreshes++;
          return json(res, 200, { error: -14014, error_name: 'Invalid refresh token', error_description: 'Invalid refresh token' });
        }
        counts.refreshes++;
        tokenSeq += 1;
        access = `zalo-access-${tokenSeq}`;
        refresh = `zalo-refresh-${tokenSeq}`;
        return json(res, 200, { access_token: access, refresh_token: refresh, expires_in: '90000' });
      }
      if (req.method === 'GET' && path === '/v3.0/oa/user/detail') {
        const userId = String((JSON.parse(url.searchParams.get('data') ?? '{}') as { user_id?: unknown }).user_id ?? '');
        return later(() => json(res, 200, { error: 0, message: 'Success', data: { user_id: userId, display_name: `Đoàn viên ${userId.slice(-4)}`, user_is_follower: true } }));
      }
      const user = req.method === 'GET' ? GRAPH_USER.exec(path) : null;
      if (user) return later(() => json(res, 200, { id: user[1], first_name: 'Đoàn viên', last_name: user[1]!.slice(-4), name: `Đoàn viên ${user[1]!.slice(-4)}` }));
      if (req.method === 'POST') return later(() => json(res, 200, { result: 'success' }));
      json(res, 404, { error: { message: `Unknown path ${path}`, code: 2500 } });
    })();
  });
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    base: `http://127.0.0.1:${port}`,
    setMode(next) {
      mode = next;
    },
    expireZaloToken() {
      access = `${access}-expired-${Date.now()}`;
    },
    get zaloAccessToken() {
      return access;
    },
    get zaloRefreshToken() {
      return refresh;
    },
    delivered,
    counts,
    lastDeliveredAt: () => lastAt,
    firstDeliveredAfter: (since) => deliveredTimes.find((t) => t >= since),
    reset() {
      delivered.clear();
      deliveredTimes.length = 0;
      Object.assign(counts, { delivered: 0, faulted: 0, byFault: {}, rejectedToken: 0, refreshes: 0, refusedRefreshes: 0 });
    },
    async close() {
      for (const t of hung) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

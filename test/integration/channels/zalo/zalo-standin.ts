import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received, as it arrived. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** When it arrived (performance.now(), ms): for counting requests per window of time. */
  readonly receivedAt: number;
}

/** A scripted answer for the next OA API call: Zalo's envelope, a bare HTTP status, or silence. */
export type ScriptedAnswer = { readonly error: number; readonly message?: string } | { readonly status: number } | { readonly hang: true } | { readonly pass: true };

export interface ZaloStandInOptions {
  readonly appId: string;
  readonly appSecret: string;
  /** Refresh tokens Zalo would accept; each works once (zalo.md §3). */
  readonly refreshTokens?: readonly string[];
  /** Access tokens Zalo would accept; all others get -216. */
  readonly accessTokens?: readonly string[];
  /** How long the OAuth host takes to answer, so that racing refreshes overlap. */
  readonly oauthDelayMs?: number;
  /** After this many accepted messages, every access token then valid stops working (it expired mid-run). */
  readonly expireAccessAfter?: number;
}

/**
 * Zalo's two hosts on 127.0.0.1, speaking their wire format: the OA API (HTTP 200 + `error`
 * envelope, token in the `access_token` header) and the OAuth v4 token endpoint (form body,
 * `secret_key` header, single-use refresh tokens, `expires_in` as a string).
 */
export class ZaloStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Messages Zalo accepted, per recipient: what the members got. */
  readonly accepted = new Map<string, number>();
  oauthCalls = 0;
  oauthAnswer: { status: number } | undefined;
  readonly validRefresh: Set<string>;
  readonly validAccess: Set<string>;
  private readonly script: ScriptedAnswer[] = [];
  private readonly hanging: ServerResponse[] = [];
  private issued = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly options: ZaloStandInOptions) {
    this.validRefresh = new Set(options.refreshTokens ?? []);
    this.validAccess = new Set(options.accessTokens ?? []);
  }

  /** Answers for the next OA API calls, in order; after them the stand-in checks the token and succeeds. */
  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !r.url.includes('/v4/oa/access_token'));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const receivedAt = performance.now();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt };
        this.requests.push(recorded);
        if (recorded.url.includes('/v4/oa/access_token')) void this.oauth(recorded, res);
        else this.api(recorded, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private api(req: RecordedRequest, res: ServerResponse): void {
    const scripted = this.script.shift();
    const next = scripted && 'pass' in scripted ? undefined : scripted;
    if (next && 'hang' in next) {
      this.hanging.push(res);
      return;
    }
    if (next && 'status' in next) return void res.writeHead(next.status, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    if (next) return json(res, { error: next.error, message: next.message ?? `lỗi ${next.error}` });
    const token = req.headers.access_token;
    if (typeof token !== 'string' || !this.validAccess.has(token)) return json(res, { error: -216, message: 'Access token is invalid' });
    if (req.url.includes('/user/detail')) {
      const data = JSON.parse(new URL(req.url, 'http://x').searchParams.get('data') ?? '{}') as { user_id?: string };
      return json(res, { error: 0, message: 'Success', data: { user_id: data.user_id, display_name: 'Nguyễn Thị Thanh Xuân', user_is_follower: true } });
    }
    this.issued++;
    const body = JSON.parse(req.body) as { recipient?: { user_id?: string }; user_id?: string };
    const recipient = body.recipient?.user_id ?? body.user_id ?? '';
    this.accepted.set(recipient, (this.accepted.get(recipient) ?? 0) + 1);
    if (this.issued === this.options.expireAccessAfter) this.validAccess.clear();
    json(res, {
      error: 0,
      message: 'Success',
      data: { message_id: `mid${String(this.issued).padStart(4, '0')}`, user_id: body.recipient?.user_id ?? body.user_id, sent_time: '1764306000000', quota: { quota_type: 'reply', remain: '7', total: '8' } },
    });
  }

  private async oauth(req: RecordedRequest, res: ServerResponse): Promise<void> {
    this.oauthCalls++;
    if (this.options.oauthDelayMs) await new Promise((resolve) => setTimeout(resolve, this.options.oauthDelayMs));
    if (this.oauthAnswer) return void res.writeHead(this.oauthAnswer.status).end('upstream error');
    const form = new URLSearchParams(req.body);
    const wellFormed =
      req.headers['content-type'] === 'application/x-www-form-urlencoded' &&
      req.headers.secret_key === this.options.appSecret &&
      form.get('app_id') === this.options.appId &&
      form.get('grant_type') === 'refresh_token';
    const refresh = form.get('refresh_token') ?? '';
    if (!wellFormed || !this.validRefresh.delete(refresh)) {
      return json(res, { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token không hợp lệ hoặc đã được sử dụng', error_reason: 'invalid_grant' });
    }
    // A rotation ends the previous access token too (zalo.md §3, N1).
    this.validAccess.clear();
    const n = this.oauthCalls;
    const pair = { access_token: `access-new-${n}-${'x'.repeat(40)}`, refresh_token: `refresh-new-${n}-${'y'.repeat(40)}` };
    this.validAccess.add(pair.access_token);
    this.validRefresh.add(pair.refresh_token);
    json(res, { ...pair, expires_in: '90000' });
  }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

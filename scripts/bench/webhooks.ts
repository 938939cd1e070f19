/**
 * Bench webhooks: signed Messenger and Zalo text events from a fixed population of distinct users,
 * built and signed at send time, exactly as each platform sends them (the app's own signers).
 *
 * Users are visited round-robin (user n % users), so every one of them writes once per `users`
 * requests; even-numbered users are Messenger PSIDs (16 digits), odd-numbered ones Zalo user ids
 * (18 digits, as strings). Every event key (Messenger mid, Zalo msg_id) is unique across the run:
 * a run id per load process plus a sequence number.
 */
import { signMessengerBody } from '../../src/channels/messenger/messenger.signature';
import { signZaloBody } from '../../src/channels/zalo/zalo.signature';

/** The credentials the bench gives the app and the baseline (test values, never real ones). */
export const BENCH_CREDENTIALS = {
  messengerAppSecret: 'bench-messenger-app-secret-5f1c2a9e77d04b3c',
  messengerVerifyToken: 'bench-verify-token',
  messengerPageToken: 'bench-page-access-token',
  pageId: '100000000000001',
  zaloAppId: '3608465249409039671',
  zaloOaId: '3886132808788086451',
  zaloOaSecretKey: 'bench-zalo-oa-secret-key-8d2f',
  zaloAccessToken: 'bench-zalo-oa-access-token',
} as const;

export type BenchChannel = 'messenger' | 'zalo';

const PSID_BASE = 7_000_000_000_000_000n;
const ZALO_USER_BASE = 246_845_883_500_000_000n;

/** What members type; every one of them is a real dialog turn (menu, choice, retry prompt). */
const TEXTS = ['Xin chào Vùng Xanh', 'Trợ giúp', 'cho mình hỏi về hoạt động tuần này', 'Đợt đang diễn ra', 'menu', 'Cảm ơn bạn nhiều nhé'] as const;

export interface BenchUser {
  readonly channel: BenchChannel;
  readonly id: string;
}

export function benchUser(index: number): BenchUser {
  const half = BigInt(Math.floor(index / 2));
  return index % 2 === 0 ? { channel: 'messenger', id: (PSID_BASE + half).toString() } : { channel: 'zalo', id: (ZALO_USER_BASE + half).toString() };
}

export interface SignedWebhook {
  readonly channel: BenchChannel;
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  readonly userId: string;
  readonly eventKey: string;
}

export interface WebhookFactoryOptions {
  readonly users: number;
  /** Makes event keys unique across load processes. */
  readonly runId: string;
  /** Path prefix of the two webhooks (the app: /webhooks). */
  readonly pathPrefix?: string;
}

export interface WebhookFactory {
  next(): SignedWebhook;
  readonly sent: number;
}

export function createWebhookFactory(options: WebhookFactoryOptions): WebhookFactory {
  const users = Array.from({ length: options.users }, (_, i) => benchUser(i));
  const prefix = options.pathPrefix ?? '/webhooks';
  const c = BENCH_CREDENTIALS;
  let seq = 0;
  return {
    get sent() {
      return seq;
    },
    next(): SignedWebhook {
      const n = seq++;
      const user = users[n % users.length]!;
      const text = TEXTS[Math.floor(n / users.length) % TEXTS.length]!;
      const now = Date.now();
      const key = `${options.runId}${n.toString(36).padStart(7, '0')}`;
      if (user.channel === 'messenger') {
        // Real mids are long opaque strings; keep the size of one.
        const mid = `m_${key}_bench${'Q'.repeat(48)}`;
        const body = Buffer.from(
          JSON.stringify({
            object: 'page',
            entry: [{ id: c.pageId, time: now, messaging: [{ sender: { id: user.id }, recipient: { id: c.pageId }, timestamp: now, message: { mid, text } }] }],
          }),
        );
        return {
          channel: 'messenger',
          path: `${prefix}/messenger`,
          body,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessengerBody(body, c.messengerAppSecret) },
          userId: user.id,
          eventKey: mid,
        };
      }
      const msgId = `z${key}`;
      const timestamp = String(now);
      const body = Buffer.from(
        JSON.stringify({
          app_id: c.zaloAppId,
          sender: { id: user.id },
          user_id_by_app: user.id,
          recipient: { id: c.zaloOaId },
          event_name: 'user_send_text',
          message: { text, msg_id: msgId },
          timestamp,
        }),
      );
      return {
        channel: 'zalo',
        path: `${prefix}/zalo`,
        body,
        headers: { 'content-type': 'application/json', 'x-zevent-signature': signZaloBody(c.zaloAppId, body, timestamp, c.zaloOaSecretKey) },
        userId: user.id,
        eventKey: msgId,
      };
    },
  };
}

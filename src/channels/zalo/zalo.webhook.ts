import type { IncomingHttpHeaders } from 'node:http';
import type { ChannelWebhook, ParsedWebhook } from '../channel';
import { parseZaloWebhook } from './zalo.event';
import { checkZaloSignature, ZALO_SIGNATURE_HEADER, type ZaloSignatureCheck } from './zalo.signature';

/**
 * Zalo OA webhook (`POST /webhooks/zalo`), the inbound half of the channel.
 *
 * Inputs:  the exact request bytes and headers (`X-ZEvent-Signature`).
 * verify:  `mac=` + sha256(first term + raw body + body.timestamp + secret), every UNCERTAIN
 *          combination of zalo.md §1.3 tried (app id / OA id × OA secret key / app secret); the
 *          result names the one that matched (`matched`) so the route logs it. A genuine body
 *          stamped more than 48 h from now is refused (`mismatch`, detail `stale`). Missing → 401.
 * parse:   one body → at most one InboundEvent with ids kept as strings; unknown kinds and the
 *          bot's own echoes come back in `ignored` (answer 200); not JSON / not the shape →
 *          `{ok:false}` (answer 400).
 * Side effects: none. The clock is read only for the staleness check (injectable).
 */
export interface ZaloWebhookOptions {
  readonly appId: string | undefined;
  readonly oaSecretKey: string | undefined;
  readonly appSecret?: string | undefined;
  /** The OA's id when known; the id in each body is tried anyway. */
  readonly oaId?: string | undefined;
  readonly now?: () => number;
}

export class ZaloWebhook implements ChannelWebhook {
  readonly channel = 'zalo' as const;

  constructor(private readonly options: ZaloWebhookOptions) {}

  verify(rawBody: Buffer, headers: IncomingHttpHeaders): ZaloSignatureCheck {
    const { appId, oaId, oaSecretKey, appSecret, now } = this.options;
    return checkZaloSignature(rawBody, headers[ZALO_SIGNATURE_HEADER], { appId, oaId, oaSecretKey, appSecret }, { now });
  }

  parse(rawBody: Buffer): ParsedWebhook {
    return parseZaloWebhook(rawBody);
  }
}

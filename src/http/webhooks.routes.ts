import express, { Router, type Request, type Response } from 'express';
import type { WebhookIntake } from '../bot/inbound-intake';
import type { ChannelWebhook, PlatformChannel } from '../channels/channel';
import type { Logger } from '../logging/logger';
import { inboundEventsTotal, inboundMalformedItemsTotal, webhookAckSeconds } from '../metrics/metrics';

export interface WebhookRoutesDeps {
  /** The channels this deployment receives (configured, or stood in by the simulator). */
  readonly webhooks: Partial<Record<PlatformChannel, ChannelWebhook>>;
  readonly intake: WebhookIntake;
  readonly logger: Logger;
  /** Answers Meta's subscription handshake. */
  readonly verifyMessengerSubscription?: (query: Request['query']) => { ok: true; challenge: string } | { ok: false };
  /** Largest body accepted (Zalo and Meta send small JSON); larger gets 413. */
  readonly maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * POST /webhooks/zalo, GET and POST /webhooks/messenger.
 *
 * Contract, per request: the raw body is read (over 1 MB: 413), its signature checked over the
 * exact bytes (missing or wrong: 401, nothing recorded, a warning with the reason), then parsed
 * (not JSON or not the platform's shape: 400; a malformed item in a batch with good ones is logged
 * and counted, and the good ones taken). The events are recorded once each and their
 * conversations queued before the answer: 200 only for events that are durably recorded; when
 * PostgreSQL or Redis fails, 503 so the platform delivers again (a redelivery is recognised by
 * its event key and not processed twice). No turn runs here: the answer comes in milliseconds.
 */
export function createWebhookRouter(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const rawBody = express.raw({ type: () => true, limit });
  const matchedSecrets = new Set<string>();

  for (const channel of ['zalo', 'messenger'] as const) {
    router.post(`/${channel}`, rawBody, async (req: Request, res: Response) => {
      const started = process.hrtime.bigint();
      res.once('finish', () => webhookAckSeconds.observe({ channel, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9));
      const webhook = deps.webhooks[channel];
      const log = deps.logger.child({ channel });
      if (!webhook) {
        res.status(404).json({ error: { code: 'NOT_FOUND', message: `the ${channel} channel is not configured` } });
        return;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const check = webhook.verify(body, req.headers);
      if (!check.ok) {
        log.warn({ reason: check.reason, detail: check.detail, ip: req.ip, bytes: body.length }, 'webhook refused: bad signature');
        res.status(401).json({ error: { code: 'SIGNATURE_INVALID', message: 'signature missing or wrong' } });
        return;
      }
      if (check.matched && !matchedSecrets.has(check.matched)) {
        matchedSecrets.add(check.matched);
        log.info({ matched: check.matched }, 'webhook signature verified (first match of this kind in this process)');
      }
      const parsed = webhook.parse(body);
      if (!parsed.ok) {
        log.warn({ reason: parsed.reason, bytes: body.length }, 'webhook refused: signed but malformed');
        res.status(400).json({ error: { code: 'VALIDATION_FAILED', message: parsed.reason } });
        return;
      }
      if (parsed.ignored.length > 0) log.debug({ ignored: parsed.ignored }, 'webhook items ignored');
      if (parsed.malformed && parsed.malformed.length > 0) {
        log.warn({ malformed: parsed.malformed, events: parsed.events.length, bytes: body.length }, 'webhook items refused: signed but malformed; the good items of the batch are taken');
        inboundMalformedItemsTotal.inc({ channel }, parsed.malformed.length);
      }
      try {
        await deps.intake.accept(parsed.events);
      } catch (err) {
        log.error({ err, events: parsed.events.length }, 'webhook not recorded: asking the platform to deliver again');
        res.status(503).json({ error: { code: 'DEPENDENCY_UNAVAILABLE', message: 'try again later' } });
        return;
      }
      for (const event of parsed.events) inboundEventsTotal.inc({ channel, kind: event.kind });
      if (channel === 'messenger') res.status(200).type('text/plain').send('EVENT_RECEIVED');
      else res.status(200).json({ received: parsed.events.length });
    });
  }

  router.get('/messenger', (req: Request, res: Response) => {
    const outcome = deps.webhooks.messenger && deps.verifyMessengerSubscription ? deps.verifyMessengerSubscription(req.query) : { ok: false as const };
    if (!outcome.ok) {
      deps.logger.warn({ channel: 'messenger', ip: req.ip }, 'webhook subscription refused: wrong verify token or mode');
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    res.status(200).type('text/plain').send(outcome.challenge);
  });

  return router;
}

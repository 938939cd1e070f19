import { createHash, timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '../channel';
import { parseZaloJson } from './zalo.json';

/** The header Zalo signs webhooks in (zalo.md §1.3). Node lower-cases header names. */
export const ZALO_SIGNATURE_HEADER = 'x-zevent-signature';

/** Bodies stamped further than this from now (either way) are refused as replays. */
export const ZALO_MAX_BODY_AGE_MS = 48 * 3_600_000;

/**
 * `mac=` + hex SHA-256 of firstTerm + rawBody + timestamp + secret: a plain digest, not an HMAC
 * (zalo.md §1.3: JAVA MacUtils.buildMac, Chatwoot zalo_oa_controller.rb). The body goes in as
 * the exact bytes received. The simulator and the tests sign with this.
 */
export function signZaloBody(firstTerm: string, rawBody: Buffer, timestamp: string, secret: string): string {
  return `mac=${macOf(firstTerm, rawBody, timestamp, secret).toString('hex')}`;
}

function macOf(firstTerm: string, rawBody: Buffer, timestamp: string, secret: string): Buffer {
  return createHash('sha256').update(firstTerm, 'utf8').update(rawBody).update(timestamp, 'utf8').update(secret, 'utf8').digest();
}

export interface ZaloSignatureCandidates {
  readonly appId?: string | undefined;
  /** A configured OA id; the body's own OA id is tried as well. */
  readonly oaId?: string | undefined;
  readonly oaSecretKey?: string | undefined;
  readonly appSecret?: string | undefined;
}

export interface ZaloSignatureOptions {
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly maxBodyAgeMs?: number;
}

/** `<secret>+<first term>`: which of the UNCERTAIN combinations of zalo.md §1.3 matched. */
export type ZaloSignatureMatch = `${'oaSecretKey' | 'appSecret'}+${'appId' | 'oaId'}`;

/**
 * A finer reason for a `malformed` refusal. (A genuine signature on a body stamped more than 48 h
 * away, a replay, is refused as `stale`.)
 */
export type ZaloSignatureDetail = 'noTimestamp' | 'badTimestamp';

export type ZaloSignatureCheck =
  | { readonly ok: true; readonly matched: ZaloSignatureMatch }
  | { readonly ok: false; readonly reason: Extract<SignatureCheck, { ok: false }>['reason']; readonly detail?: ZaloSignatureDetail };

const MAC_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks `X-ZEvent-Signature` against every candidate first term (app id; the OA id, configured or
 * read from the body, when it differs) and every candidate secret (OA secret key; app secret when
 * set and different), since zalo.md §1.3 leaves both UNCERTAIN. Every combination is compared in
 * constant time, and the route logs which one matched. A genuine body whose `timestamp` lies more
 * than 48 h from now is refused with detail `stale`.
 */
export function checkZaloSignature(
  rawBody: Buffer,
  header: string | readonly string[] | undefined,
  candidates: ZaloSignatureCandidates,
  options: ZaloSignatureOptions = {},
): ZaloSignatureCheck {
  const secrets = secretCandidates(candidates);
  if (!candidates.appId || secrets.length === 0) return { ok: false, reason: 'notConfigured' };
  const value = headerValue(header);
  if (value === null) return { ok: false, reason: 'malformed' };
  if (value === undefined || value.trim() === '') return { ok: false, reason: 'missing' };
  const hex = value.trim().replace(/^mac=/i, '').toLowerCase();
  if (!MAC_HEX.test(hex)) return { ok: false, reason: 'malformed' };
  const body = readSignedFields(rawBody);
  if (body.timestamp === undefined) return { ok: false, reason: 'malformed', detail: 'noTimestamp' };

  const given = Buffer.from(hex, 'hex');
  const terms = firstTermCandidates(candidates.appId, candidates.oaId, body.oaIds);
  let matched: ZaloSignatureMatch | undefined;
  for (const secret of secrets) {
    for (const term of terms) {
      // Every combination is compared, so the time taken does not tell which one matched.
      const equal = timingSafeEqual(macOf(term.value, rawBody, body.timestamp, secret.value), given);
      if (equal && matched === undefined) matched = `${secret.name}+${term.name}`;
    }
  }
  if (matched === undefined) return { ok: false, reason: 'mismatch' };

  const stampedAt = Number(body.timestamp);
  if (!/^\d+$/.test(body.timestamp) || !Number.isSafeInteger(stampedAt)) return { ok: false, reason: 'malformed', detail: 'badTimestamp' };
  const now = (options.now ?? Date.now)();
  if (Math.abs(now - stampedAt) > (options.maxBodyAgeMs ?? ZALO_MAX_BODY_AGE_MS)) return { ok: false, reason: 'stale' };
  return { ok: true, matched };
}

/** The one header value; null when the header came more than once. */
function headerValue(header: string | readonly string[] | undefined): string | undefined | null {
  if (header === undefined || typeof header === 'string') return header;
  if (header.length <= 1) return header[0];
  return null;
}

interface Candidate<N extends string> {
  readonly name: N;
  readonly value: string;
}

function secretCandidates(c: ZaloSignatureCandidates): Candidate<'oaSecretKey' | 'appSecret'>[] {
  const out: Candidate<'oaSecretKey' | 'appSecret'>[] = [];
  if (c.oaSecretKey) out.push({ name: 'oaSecretKey', value: c.oaSecretKey });
  if (c.appSecret && c.appSecret !== c.oaSecretKey) out.push({ name: 'appSecret', value: c.appSecret });
  return out;
}

function firstTermCandidates(appId: string, configuredOaId: string | undefined, bodyOaIds: readonly string[]): Candidate<'appId' | 'oaId'>[] {
  const out: Candidate<'appId' | 'oaId'>[] = [{ name: 'appId', value: appId }];
  for (const oaId of [configuredOaId, ...bodyOaIds]) {
    if (oaId && !out.some((t) => t.value === oaId)) out.push({ name: 'oaId', value: oaId });
  }
  return out;
}

interface SignedFields {
  readonly timestamp: string | undefined;
  /** The ids that may name the OA: `oa_id`, else `recipient.id` (user events) or `sender.id` (oa_send_* echoes). */
  readonly oaIds: readonly string[];
}

function readSignedFields(rawBody: Buffer): SignedFields {
  const parsed = parseZaloJson(rawBody);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
    // A signed body that is not JSON must still verify, so the route can answer 400 rather than 401.
    return { timestamp: timestampFromText(rawBody.toString('utf8')), oaIds: [] };
  }
  const body = parsed.value as Record<string, unknown>;
  const eventName = typeof body.event_name === 'string' ? body.event_name : '';
  const oaIds = [idOf(body.oa_id), eventName.startsWith('oa_send_') ? idOf(objectOf(body.sender)?.id) : idOf(objectOf(body.recipient)?.id)];
  return { timestamp: idOf(body.timestamp), oaIds: oaIds.filter((id): id is string => id !== undefined) };
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

function timestampFromText(text: string): string | undefined {
  return /(?<!\\)"timestamp"\s*:\s*"?(\d+)/.exec(text)?.[1];
}

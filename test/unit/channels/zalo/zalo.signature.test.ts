import { createHash } from 'node:crypto';
import { checkZaloSignature, signZaloBody, ZALO_SIGNATURE_HEADER, type ZaloSignatureCandidates } from '../../../../src/channels/zalo/zalo.signature';
import { ZaloWebhook } from '../../../../src/channels/zalo/zalo.webhook';
import { ZALO_FIXTURE as F, zaloFixture } from '../../../fixtures/zalo/zalo-fixtures';

const HOUR = 3_600_000;
const stampedAt = Number(F.timestamp);
const atStamp = () => stampedAt + 5_000;
const both: ZaloSignatureCandidates = { appId: F.appId, oaSecretKey: F.oaSecretKey, appSecret: F.appSecret };

function check(body: Buffer, header: string | string[] | undefined, candidates = both, now = atStamp) {
  return checkZaloSignature(body, header, candidates, { now });
}

describe('Zalo webhook signature', () => {
  const body = zaloFixture('user-send-text');

  it('When Zalo signs with the OA secret key and the app id, then it verifies and says so', () => {
    expect(check(body, signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey))).toEqual({ ok: true, matched: 'oaSecretKey+appId' });
  });

  it('When Zalo signs with the app secret instead, then it verifies and says so', () => {
    expect(check(body, signZaloBody(F.appId, body, F.timestamp, F.appSecret))).toEqual({ ok: true, matched: 'appSecret+appId' });
  });

  it('When the first term is the OA id from the body, then it verifies as oaId', () => {
    expect(check(body, signZaloBody(F.oaId, body, F.timestamp, F.oaSecretKey))).toEqual({ ok: true, matched: 'oaSecretKey+oaId' });
  });

  it('When an echo is signed with the OA id (the sender of an oa_send_* body), then it verifies', () => {
    const echo = zaloFixture('oa-send-text-admin');
    expect(check(echo, signZaloBody(F.oaId, echo, F.timestamp, F.appSecret))).toEqual({ ok: true, matched: 'appSecret+oaId' });
  });

  it('When a follow body is signed with its oa_id, then it verifies', () => {
    const follow = zaloFixture('follow');
    expect(check(follow, signZaloBody(F.oaId, follow, F.timestamp, F.oaSecretKey)).ok).toBe(true);
  });

  it('When the header has no mac= prefix or upper-case hex, then it still verifies', () => {
    const mac = signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey).slice(4);
    expect(check(body, mac).ok).toBe(true);
    expect(check(body, `mac=${mac.toUpperCase()}`).ok).toBe(true);
  });

  it('When the signature is forged with another secret, then it is a mismatch', () => {
    expect(check(body, signZaloBody(F.appId, body, F.timestamp, 'not-our-secret'))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When the signature uses another app id, then it is a mismatch', () => {
    expect(check(body, signZaloBody('111111111111111111', body, F.timestamp, F.oaSecretKey))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When one byte of the body is altered after signing, then it is a mismatch', () => {
    const header = signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey);
    const altered = Buffer.from(body);
    const at = altered.indexOf('Cho mình');
    altered[at] = 'c'.charCodeAt(0);
    expect(check(altered, header)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When the header is missing or empty, then the reason is missing', () => {
    expect(check(body, undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check(body, '  ')).toEqual({ ok: false, reason: 'missing' });
    expect(check(body, [])).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([['mac=abc'], ['mac=' + 'z'.repeat(64)], ['sha256=' + 'a'.repeat(64)], ['mac=' + 'a'.repeat(63)]])('When the header is %s, then it is malformed', (header) => {
    expect(check(body, header)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('When the header comes twice, then it is malformed', () => {
    const header = signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey);
    expect(check(body, [header, header])).toEqual({ ok: false, reason: 'malformed' });
  });

  it('When a genuine body is stamped more than 48 h ago or ahead, then it is refused as stale', () => {
    const header = signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey);
    expect(check(body, header, both, () => stampedAt + 49 * HOUR)).toEqual({ ok: false, reason: 'stale' });
    expect(check(body, header, both, () => stampedAt - 49 * HOUR)).toEqual({ ok: false, reason: 'stale' });
    expect(check(body, header, both, () => stampedAt + 47 * HOUR).ok).toBe(true);
  });

  it('When the body has no timestamp, then it is malformed', () => {
    const noStamp = Buffer.from('{"event_name":"user_send_text","sender":{"id":"1"}}');
    expect(check(noStamp, signZaloBody(F.appId, noStamp, '', F.oaSecretKey))).toEqual({ ok: false, reason: 'malformed', detail: 'noTimestamp' });
  });

  it('When a signed body is not JSON, then it still verifies, so the route can answer 400', () => {
    const broken = Buffer.from(`{"event_name":"user_send_text","timestamp":"${F.timestamp}", oops`);
    expect(check(broken, signZaloBody(F.appId, broken, F.timestamp, F.oaSecretKey)).ok).toBe(true);
  });

  it('When no secret or no app id is configured, then the reason is notConfigured', () => {
    const header = signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey);
    expect(check(body, header, { appId: F.appId, oaSecretKey: '', appSecret: '' })).toEqual({ ok: false, reason: 'notConfigured' });
    expect(check(body, header, { appId: '', oaSecretKey: F.oaSecretKey, appSecret: '' })).toEqual({ ok: false, reason: 'notConfigured' });
  });

  it('When only the OA secret key is set, then a body signed with the app secret is a mismatch', () => {
    const header = signZaloBody(F.appId, body, F.timestamp, F.appSecret);
    expect(check(body, header, { appId: F.appId, oaSecretKey: F.oaSecretKey, appSecret: undefined })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('When the signature is computed, then it is plain SHA-256 of the concatenation (not HMAC)', () => {
    const expected = createHash('sha256').update(Buffer.concat([Buffer.from(F.appId), body, Buffer.from(F.timestamp), Buffer.from(F.oaSecretKey)])).digest('hex');
    expect(signZaloBody(F.appId, body, F.timestamp, F.oaSecretKey)).toBe(`mac=${expected}`);
  });

  it('When the webhook verifies a request, then it reads X-ZEvent-Signature from the headers', () => {
    const webhook = new ZaloWebhook({ appId: F.appId, oaSecretKey: F.oaSecretKey, appSecret: F.appSecret, now: atStamp });
    const header = signZaloBody(F.appId, body, F.timestamp, F.appSecret);
    expect(webhook.verify(body, { [ZALO_SIGNATURE_HEADER]: header })).toEqual({ ok: true, matched: 'appSecret+appId' });
    expect(webhook.verify(body, {})).toEqual({ ok: false, reason: 'missing' });
    expect(webhook.channel).toBe('zalo');
  });
});

import { createHmac } from 'node:crypto';
import { MESSENGER_MAX_EVENT_AGE_MS, MessengerWebhook, verifyMessengerSubscription } from '../../../../src/channels/messenger/messenger.webhook';
import { signMessengerBody } from '../../../../src/channels/messenger/messenger.signature';
import { fixtureBytes } from './fixtures';

const SECRET = 'app-secret-for-tests';
const VERIFY_TOKEN = 'vung-xanh-verify-2024';

describe('MessengerWebhook', () => {
  // The fixtures were stamped in June 2024; older events are refused as replays.
  const stampedAt = 1_718_000_600_000;
  const webhook = new MessengerWebhook({ appSecret: SECRET, now: () => stampedAt });
  const body = fixtureBytes('batched.json');

  it('When X-Hub-Signature-256 is right, then the webhook verifies', () => {
    expect(webhook.channel).toBe('messenger');
    expect(webhook.verify(body, { 'x-hub-signature-256': signMessengerBody(body, SECRET) })).toEqual({ ok: true });
  });

  it('When only the SHA-1 X-Hub-Signature is sent, even a correct one, then the signature is missing', () => {
    const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
    expect(webhook.verify(body, { 'x-hub-signature': sha1 })).toEqual({ ok: false, reason: 'missing' });
  });

  it('When both headers come, then only the SHA-256 one decides', () => {
    const headers = { 'x-hub-signature': 'sha1=0000', 'x-hub-signature-256': signMessengerBody(body, SECRET) };
    expect(webhook.verify(body, headers)).toEqual({ ok: true });
  });

  it('When the SHA-256 header arrives twice, then it is malformed', () => {
    const header = signMessengerBody(body, SECRET);
    expect(webhook.verify(body, { 'x-hub-signature-256': [header, header] } as never)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('When no app secret is configured, then verification reports notConfigured', () => {
    const unconfigured = new MessengerWebhook({ appSecret: undefined });
    expect(unconfigured.verify(body, { 'x-hub-signature-256': signMessengerBody(body, SECRET) })).toEqual({ ok: false, reason: 'notConfigured' });
  });

  it('When events are stamped more than 7 days before now (a replayed capture), then they are ignored as stale and the fresh ones kept', () => {
    const late = new MessengerWebhook({ appSecret: SECRET, now: () => 1_718_000_000_250 + MESSENGER_MAX_EVENT_AGE_MS });
    const parsed = late.parse(body);
    expect(parsed.ok && parsed.events.map((e) => e.platformTs)).toEqual([1_718_000_000_300, 1_718_000_000_400]);
    expect(parsed.ok && parsed.ignored).toEqual(['stale', 'stale']);
  });

  it('When a verified body is parsed, then every event comes out', () => {
    const parsed = webhook.parse(body);
    expect(parsed.ok && parsed.events).toHaveLength(4);
  });
});

describe('verifyMessengerSubscription', () => {
  const query = (overrides: Record<string, unknown> = {}) => ({
    'hub.mode': 'subscribe',
    'hub.verify_token': VERIFY_TOKEN,
    'hub.challenge': '1158201444',
    ...overrides,
  });

  it('When the mode is subscribe and the token matches, then the challenge is echoed', () => {
    expect(verifyMessengerSubscription(query(), VERIFY_TOKEN)).toEqual({ ok: true, challenge: '1158201444' });
  });

  it.each([
    ['a wrong token', { 'hub.verify_token': 'vung-xanh-verify-2025' }],
    ['a token of another length', { 'hub.verify_token': 'x' }],
    ['no token', { 'hub.verify_token': undefined }],
    ['another mode', { 'hub.mode': 'unsubscribe' }],
    ['no challenge', { 'hub.challenge': undefined }],
    ['an empty challenge', { 'hub.challenge': '' }],
    ['repeated parameters', { 'hub.verify_token': [VERIFY_TOKEN, VERIFY_TOKEN] }],
  ])('When the handshake has %s, then it is refused', (_what, overrides) => {
    expect(verifyMessengerSubscription(query(overrides), VERIFY_TOKEN)).toEqual({ ok: false });
  });

  it.each([undefined, ''])('When no verify token is configured (%p), then every handshake is refused', (configured) => {
    expect(verifyMessengerSubscription(query({ 'hub.verify_token': '' }), configured)).toEqual({ ok: false });
    expect(verifyMessengerSubscription(query(), configured)).toEqual({ ok: false });
  });
});

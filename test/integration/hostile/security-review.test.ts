import { randomBytes } from 'node:crypto';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from '../../../src/channels/simulator';
import { createStaffAccount } from '../../../src/domain/staff/staff-account.service';
import { issueApiToken } from '../../../src/domain/staff/api-tokens.service';
import { AdminClient } from '../../helpers/admin-web';
import { startApp, type AppProcess } from '../../helpers/app-process';
import { closeHttp, messengerMessage, postWebhook, semaphore, simSend, until, zaloText } from '../../helpers/e2e';
import { ROSTER, seedOnboardingDistrict } from '../../helpers/onboarding-seed';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * Security review against the running app (ROLE=all, debug logging, its log written to a file):
 * a burst of webhooks carrying phone numbers, members sharing their phone, the Messenger
 * handshake with its verify token, staff signing in (a wrong password first), browsing and
 * signing out with CSRF tokens, and the API called with good, bad and query-string tokens. Then
 * the whole log is searched for every secret, token, password, session id, CSRF token and phone
 * number used, and for anything shaped like a Vietnamese mobile number: none may appear.
 * Tokens at rest (test/integration/channels/zalo/zalo.token.test.ts, test/unit/channels/token-crypto.test.ts)
 * and sessions, CSRF and lockout (test/integration/admin/admin-auth.test.ts) have their own tests.
 */

const SESSION_SECRET = `phien-${randomBytes(24).toString('hex')}`;
const SECRETS_KEY = randomBytes(32).toString('hex');
const PASSWORD = `Mật-khẩu-${randomBytes(6).toString('hex')}`;
const WRONG_PASSWORD = `sai-${randomBytes(6).toString('hex')}`;
const USERNAME = 'bi-thu-quan';
const PER_CHANNEL = 15;
/** +84 / 84 / 0 and a mobile prefix, nine more digits with optional separators, not inside a longer number. */
const VIETNAMESE_MOBILE = /(?<![\d+])(?:\+?84|0)[\s.-]?[35789]\d(?:[\s.-]?\d){7}(?!\d)/g;

const randomMobile = () => `09${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
const e164 = (local: string) => `+84${local.slice(1)}`;
const spaced = (local: string) => `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;

describe('security review of the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  const prefix = uniqueQueuePrefix();
  let apiToken = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    await seedOnboardingDistrict(t.db);
    await createStaffAccount(t.db, { username: USERNAME, role: 'districtAdmin', password: PASSWORD });
    apiToken = (await issueApiToken(t.db, { username: USERNAME, label: 'kiểm tra' })).token;
    app = await startApp({ databaseUrl: t.url, queuePrefix: prefix, logLevel: 'debug', env: { SESSION_SECRET, SECRETS_KEY } });
  });
  afterAll(async () => {
    await app?.stop();
    await closeHttp();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  it('When webhooks, staff and API clients are busy, then the log holds no secret, token, password, session id, CSRF token or phone number', async () => {
    const phones = [...Object.values(ROSTER).map((m) => m.phone), ...Array.from({ length: 10 }, randomMobile)];
    const limit = semaphore(16);
    const started = Date.now();

    // Members writing their phone numbers, in every way they write them.
    const hooks = Array.from({ length: PER_CHANNEL }, (_, i) => {
      const phone = phones[i % phones.length]!;
      const ts = started + i;
      return [
        zaloText(`24684588352919${String(7000 + i)}`, 'Xin chào', ts),
        zaloText(`24684588352919${String(7000 + i)}`, `Số của mình là ${spaced(phone)} nhé`, ts + 100),
        messengerMessage(`75123456789${String(10000 + i)}`, 'Xin chào', ts),
        messengerMessage(`75123456789${String(10000 + i)}`, `SĐT: ${e164(phone)}`, ts + 100),
      ];
    });
    for (const round of [0, 1, 2, 3]) {
      const answers = await Promise.all(hooks.map((h) => limit(() => postWebhook(app.baseUrl, h[round]!))));
      expect(answers.every((a) => a.status === 200)).toBe(true);
    }
    // A Zalo member shares name and phone through the OA's form.
    await simSend(app.baseUrl, 'zalo', '2468458835291977777', 'Đặng Thu Hà', { type: 'shareInfo', name: ROSTER.youthZalo.name, phone: ROSTER.youthZalo.phone });
    // A forged webhook (its signature header is logged nowhere) and Meta's handshake (its token in the query).
    expect((await postWebhook(app.baseUrl, { ...zaloText('1', 'x', Date.now()), headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${'ab'.repeat(32)}` } })).status).toBe(401);
    const handshake = await fetch(`${app.baseUrl}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${SIMULATED_MESSENGER.verifyToken}&hub.challenge=4242`);
    expect(await handshake.text()).toBe('4242');

    // Staff: a wrong password, the right one, pages, sign-out, all with their CSRF tokens.
    const staff = new AdminClient(app.baseUrl);
    const refused = await staff.signIn(USERNAME, WRONG_PASSWORD);
    expect(refused.status).not.toBe(303);
    const signedIn = await staff.signIn(USERNAME, PASSWORD);
    expect(signedIn.status).toBe(303);
    const sessionIds = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=')[1]!).filter((v) => v.length >= 16);
    expect(sessionIds.length).toBeGreaterThan(0);
    for (const page of ['/admin', '/admin/gui-tin', '/admin/nhat-ky', '/admin/khong-co']) await staff.get(page);
    const csrfTokens = [staff.csrf!];
    expect(csrfTokens[0]).toBeTruthy();
    expect((await staff.post('/admin/logout')).status).toBeLessThan(400);

    // The API: the right token, a wrong one, and a token put in the query string by a careless client.
    const api = (path: string, token?: string) => fetch(`${app.baseUrl}/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await api(`/members?q=${ROSTER.bhhA.phone}`, apiToken)).status).toBe(200);
    expect((await api('/members', `${apiToken.slice(0, -4)}zzzz`)).status).toBe(401);
    expect((await api(`/members?access_token=${apiToken}&token=${apiToken}`)).status).toBe(401);

    // Every turn has run (and its replies gone to the stand-in platforms) before the log is read.
    await until('every webhook event processed', async () => {
      const waiting = await t.db.selectFrom('inbound_events').select('id').where('status', 'in', ['received', 'failed']).execute();
      return waiting.length === 0;
    }, 120_000, 250);

    // The log is read from its file as it grows: the burst's last lines (and proof that it reached
    // the access log and the refusals) must be in before it is searched.
    await app.waitForLog((l) => l.msg === 'webhook refused: bad signature');
    await app.waitForLog((l) => typeof (l.req as { url?: string } | undefined)?.url === 'string' && (l.req as { url: string }).url.includes('/api/v1/members?access_token='));
    const log = app.lines.map((l) => JSON.stringify(l)).join('\n') + app.stderr();
    const secrets: Record<string, string> = {
      SESSION_SECRET,
      SECRETS_KEY,
      'staff password': PASSWORD,
      'wrong password': WRONG_PASSWORD,
      'api token': apiToken,
      'zalo access token': SIMULATED_ZALO.accessToken,
      'zalo refresh token': SIMULATED_ZALO.refreshToken,
      'zalo OA secret key': SIMULATED_ZALO.oaSecretKey,
      'zalo app secret': SIMULATED_ZALO.appSecret,
      'messenger app secret': SIMULATED_MESSENGER.appSecret,
      'messenger page access token': SIMULATED_MESSENGER.pageAccessToken,
      'messenger verify token': SIMULATED_MESSENGER.verifyToken,
      ...Object.fromEntries(sessionIds.map((id, i) => [`session id ${i}`, id])),
      ...Object.fromEntries(csrfTokens.map((token, i) => [`csrf token ${i}`, token])),
      ...Object.fromEntries(phones.flatMap((p) => [[`phone ${p}`, p], [`phone ${e164(p)}`, e164(p)], [`phone ${p} digits`, p.slice(1)]])),
    };
    const found = Object.entries(secrets).filter(([, value]) => log.includes(value)).map(([name]) => name);
    const mobiles = [...log.matchAll(VIETNAMESE_MOBILE)].map((m) => m[0]);
    console.log(`security log scan: ${app.lines.length} log lines, ${log.length} characters, ${Object.keys(secrets).length} secrets and phones searched, found ${found.length}; mobile-number pattern matches ${mobiles.length}`);
    expect(found).toEqual([]);
    expect(mobiles).toEqual([]);
  });

  describe('HTTP security headers', () => {
    // Every row has its three cells: jest would take a missing third for a done callback.
    const paths: readonly [string, string, RequestInit][] = [
      ['site root', '/', {}],
      ['admin sign-in', '/admin/login', {}],
      ['API description', '/api/v1/openapi.json', {}],
      ['API without a token', '/api/v1/members', {}],
      ['simulator', '/simulator', {}],
      ['webhook refused', '/webhooks/zalo', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
      ['messenger handshake refused', '/webhooks/messenger?hub.mode=subscribe', {}],
      ['health', '/healthz', {}],
      ['not found', '/khong-co-trang-nay', {}],
    ];

    it.each(paths)('When the %s is fetched, then it says nosniff and does not name its framework', async (_name, path, init) => {
      const res = await fetch(`${app.baseUrl}${path}`, init);
      await res.arrayBuffer();
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('When an admin page is served, then helmet’s headers are on it (CSP, frame and referrer policies)', async () => {
      const res = await fetch(`${app.baseUrl}/admin/login`);
      await res.arrayBuffer();
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    });
  });
});

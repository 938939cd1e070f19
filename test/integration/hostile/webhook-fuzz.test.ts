import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { SIMULATED_MESSENGER, SIMULATED_ZALO } from '../../../src/channels/simulator';
import { messengerJsonBytes, zaloJsonBytes } from '../../../src/channels/simulator/simulator.webhooks';
import { signMessengerBody } from '../../../src/channels/messenger/messenger.signature';
import { signZaloBody, ZALO_SIGNATURE_HEADER } from '../../../src/channels/zalo/zalo.signature';
import { startApp, type AppProcess } from '../../helpers/app-process';
import { closeHttp, messengerMessage, newMid, newZaloMsgId, postWebhook, zaloText, type HttpAnswer, type SignedWebhook } from '../../helpers/e2e';
import { byteDamage, damage, fuzzRuns, fuzzSeed, hostileString, mutate, mutation, toBytes, type Json } from '../../helpers/json-fuzz';
import { deleteQueuePrefix, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

/**
 * Both webhooks of the whole app (a child process, ROLE=api: the HTTP side alone, so the fuzzing
 * measures the webhook and not the bot) under signed random and mutated payloads that start
 * from the documented fixtures. A signed body is never answered 5xx: 200 when it holds events
 * (or only kinds the app ignores), 400 when it is malformed; the process stays up throughout.
 * FUZZ_SEED replays a failure, FUZZ_RUNS searches longer.
 */

const FIXTURES = path.join(__dirname, '../../fixtures');
const fixturesOf = (channel: 'messenger' | 'zalo'): Json[] =>
  readdirSync(path.join(FIXTURES, channel))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, channel, f), 'utf8')) as Json);

/** The webhooks' body limit; a mutation that copies a big value many times goes past it. */
const MAX_BODY_BYTES = 1024 * 1024;
const MUTATED_RUNS = fuzzRuns(300);
const VALID_RUNS = fuzzRuns(150);

/** Every status the fuzzing saw, per property, for the figures printed at the end. */
const seen = new Map<string, Map<number, number>>();
function count(property: string, status: number): void {
  const byStatus = seen.get(property) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  seen.set(property, byStatus);
}

describe('webhook fuzzing against the running app', () => {
  let t: TestDatabase;
  let app: AppProcess;
  const prefix = uniqueQueuePrefix();

  beforeAll(async () => {
    t = await createTestDatabase();
    app = await startApp({ databaseUrl: t.url, queuePrefix: prefix, role: 'api' });
  });
  afterAll(async () => {
    const figures = [...seen].map(([property, byStatus]) => `${property}: ${[...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`webhook fuzzing, answers by status:\n${figures.join('\n')}`);
    await app?.stop();
    await closeHttp();
    await t?.drop();
    await deleteQueuePrefix(prefix);
  });

  const stillUp = () => {
    expect(app.child.exitCode).toBeNull();
    expect(app.child.signalCode).toBeNull();
  };
  const post = async (property: string, hook: SignedWebhook): Promise<HttpAnswer> => {
    const answer = await postWebhook(app.baseUrl, hook);
    count(property, answer.status);
    return answer;
  };
  const signedMessenger = (raw: Buffer): SignedWebhook => ({
    channel: 'messenger',
    raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessengerBody(raw, SIMULATED_MESSENGER.appSecret) },
    eventKey: '',
  });
  const signedZalo = (raw: Buffer, timestamp: string): SignedWebhook => ({
    channel: 'zalo',
    raw,
    headers: { 'content-type': 'application/json', [ZALO_SIGNATURE_HEADER]: signZaloBody(SIMULATED_ZALO.appId, raw, timestamp, SIMULATED_ZALO.oaSecretKey) },
    eventKey: '',
  });
  const recorded = async (channel: 'messenger' | 'zalo', eventKey: string) =>
    (await t.db.selectFrom('inbound_events').select('id').where('channel', '=', channel).where('event_key', '=', eventKey).executeTakeFirst()) !== undefined;

  /** What a member can type: any unicode text (Vietnamese, emoji, RTL, zero-width) up to Messenger's 2,000 characters. */
  const memberText = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), hostileString.filter((s) => s.trim() !== '' && s.length <= 2000));
  const messengerId = fc.stringMatching(/^[1-9][0-9]{0,19}$/);
  const zaloId = fc.stringMatching(/^[1-9][0-9]{14,19}$/);

  it('When valid Messenger messages with any text and ids arrive signed, then each is answered 200 and recorded once', async () => {
    await fc.assert(
      fc.asyncProperty(messengerId, memberText, async (psid, text) => {
        const hook = messengerMessage(psid, text, Date.now(), { mid: newMid() });
        const answer = await post('messenger valid', hook);
        expect(answer.status).toBe(200);
        expect(await recorded('messenger', hook.eventKey)).toBe(true);
      }),
      { numRuns: VALID_RUNS, seed: fuzzSeed() },
    );
    stillUp();
  });

  it('When valid Zalo messages with any text and 15–20 digit ids arrive signed, then each is answered 200 and recorded once', async () => {
    await fc.assert(
      fc.asyncProperty(zaloId, memberText, async (userId, text) => {
        const hook = zaloText(userId, text, Date.now(), newZaloMsgId());
        const answer = await post('zalo valid', hook);
        expect(answer.status).toBe(200);
        expect(await recorded('zalo', hook.eventKey)).toBe(true);
      }),
      { numRuns: VALID_RUNS, seed: fuzzSeed() },
    );
    stillUp();
  });

  it('When mutated Messenger payloads arrive signed, then each is answered 200 or 400, never 5xx, and the app stays up', async () => {
    const fixtures = fixturesOf('messenger');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 4 }), byteDamage, async (fixture, mutations, broken) => {
        const raw = damage(toBytes(mutate(fixture, mutations), messengerJsonBytes), broken);
        const answer = await post('messenger mutated', signedMessenger(raw));
        expect(raw.length > MAX_BODY_BYTES ? [413] : [200, 400]).toContain(answer.status);
        stillUp();
      }),
      { numRuns: MUTATED_RUNS, seed: fuzzSeed() },
    );
  });

  it('When mutated Zalo payloads arrive signed over a current timestamp, then each is answered 200 or 400, never 5xx, and the app stays up', async () => {
    const fixtures = fixturesOf('zalo').filter((f): f is { [key: string]: Json } => typeof f === 'object' && f !== null && !Array.isArray(f));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 4 }), byteDamage, async (fixture, mutations, broken) => {
        const timestamp = String(Date.now());
        const body = mutate(fixture, mutations);
        // The signature covers the body's own timestamp: kept current wherever the body still has a place for it.
        if (body !== null && typeof body === 'object' && !Array.isArray(body)) body.timestamp = timestamp;
        const raw = damage(toBytes(body, zaloJsonBytes), broken);
        const answer = await post('zalo mutated', signedZalo(raw, timestamp));
        // A body with nowhere to carry the signed timestamp cannot be verified at all: 401.
        const verifiable = body !== null && typeof body === 'object' && !Array.isArray(body) && broken.kind === 'none';
        expect(raw.length > MAX_BODY_BYTES ? [413] : verifiable ? [200, 400] : [200, 400, 401]).toContain(answer.status);
        stillUp();
      }),
      { numRuns: MUTATED_RUNS, seed: fuzzSeed() },
    );
  });

  it('When the fuzzing is over, then the app still answers, and it logged no error for any of it', async () => {
    stillUp();
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const errors = app.lines.filter((l) => l.level === 'error' || l.level === 'fatal');
    expect(errors.map((l) => `${String(l.msg)} ${JSON.stringify(l.err ?? '').slice(0, 300)}`)).toEqual([]);
  });
});

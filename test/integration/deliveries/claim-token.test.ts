import { randomUUID } from 'node:crypto';
import { claimDelivery, recordOutcome, releaseClaims } from '../../../src/domain/deliveries/deliveries.repository';
import { claimBatch, recordBatchSent } from '../../../src/domain/deliveries/delivery-batches.repository';
import { claimUnits, recordSentAndClaimNext } from '../../../src/domain/deliveries/delivery-units.repository';
import { createBroadcastOutbox } from '../../../src/jobs/broadcast-outbox';
import { FakeSender } from '../../helpers/fake-sender';
import { captureLogs } from '../../helpers/logs';
import { createLossyDb, loseFirstAnswers, type Fate, type LossyDb } from '../../helpers/lost-answers';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { OutboundHarness, createDeliveries, createIdentity, deliveryRow, statuses, until } from './harness';

/**
 * Claim tokens (RELIABILITY.md, Faults): a claim statement whose answer a connection cut loses
 * after PostgreSQL committed it is run again by the same call (withDatabasePatience), with the
 * same token, and takes its rows back; any other call (another token) passes them by, and a row
 * that was sent is never claimed again. Before the tokens, the retry found the rows no longer
 * 'queued' and left them 'sending' with nobody holding them, for the relay to fail as
 * unknown_outcome after 5 minutes although they were never sent.
 *
 * The first half calls the four claiming statements as a retry would; the second runs the real
 * outbound workers on a database connection that loses the answer of a chosen statement after it
 * committed (test/helpers/lost-answers.ts), so the retry is the jobs' own.
 */

/** The claiming statements, told apart by their SQL. */
const CLAIM_DELIVERY = (sql: string) => /^update "deliveries" as "d"/.test(sql);
const CLAIM_UNITS = (sql: string) => /^\s*with v as \(select \* from unnest/.test(sql) && /update deliveries d set status = 'sending'/.test(sql);
const RECORD_SENT_AND_CLAIM_NEXT = (sql: string) => /\bupd as \(/.test(sql) && /\bcl as \(/.test(sql) && /\bwake as \(/.test(sql);
const CLAIM_BATCH = (sql: string) => /^\s*with cl as \(/.test(sql);

/** Each statement that `matches` meets the fates in turn; the rest (and later ones) are answered. */
function fates(matches: (sql: string) => boolean, ...sequence: Fate[]): (sql: string) => Fate {
  const left = [...sequence];
  return (sql) => (matches(sql) ? (left.shift() ?? 'answer') : 'answer');
}

describe('claim tokens', () => {
  const logs = captureLogs();
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
  });

  afterAll(async () => {
    await t.drop();
  });

  afterEach(async () => {
    await t.db.deleteFrom('deliveries').execute();
    await t.db.deleteFrom('channel_identities').execute();
  });

  const tokenOf = async (id: number) => (await t.db.selectFrom('deliveries').select('claim_token').where('id', '=', id).executeTakeFirstOrThrow()).claim_token;
  const texts = async (ids: readonly number[]) =>
    Promise.all(ids.map(async (id) => (await t.db.selectFrom('deliveries').select('payload').where('id', '=', id).executeTakeFirstOrThrow()).payload.text));
  const noLongerSending = () => logs.lines().filter((l) => /no longer sending/.test(String(l.msg)));

  describe('the statements, called as a retry would call them', () => {
    it('claimDelivery: the same call run again takes its row back (counted once); another call does not; a sent row is never claimed again', async () => {
      const identity = await createIdentity(t.db, 'zalo');
      const [id] = await createDeliveries(t.db, identity, 1);
      const call = randomUUID();

      const first = await claimDelivery(t.db, id!, call);
      expect(first).toMatchObject({ kind: 'claimed', delivery: { id, attempts: 1 } });
      // Its answer lost: the retry of the same call, with the same token.
      expect(await claimDelivery(t.db, id!, call)).toMatchObject({ kind: 'claimed', delivery: { id, attempts: 1 } });
      expect(await claimDelivery(t.db, id!, randomUUID())).toEqual({ kind: 'notQueued' });
      expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sending', attempts: 1 });

      expect(await recordOutcome(t.db, id!, { kind: 'sent', messageIds: ['zm-1'] })).toBe(true);
      expect(await claimDelivery(t.db, id!, call)).toEqual({ kind: 'notQueued' });
      expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sent', attempts: 1, platform_message_id: 'zm-1' });
    });

    it("claimUnits: the same call run again takes back the unit's row it claimed, not the next one; another call takes nothing; a sent row is never claimed again", async () => {
      const identity = await createIdentity(t.db, 'messenger');
      const unit = await createDeliveries(t.db, identity, 3);
      const [a, b] = unit;
      const call = randomUUID();

      expect((await claimUnits(t.db, [unit], [call]))[0]!.map((c) => [c.id, c.attempts])).toEqual([[a, 1]]);
      expect((await claimUnits(t.db, [unit], [call]))[0]!.map((c) => [c.id, c.attempts])).toEqual([[a, 1]]);
      expect(await claimUnits(t.db, [unit], [randomUUID()])).toEqual([[]]);
      expect(await statuses(t.db, unit)).toEqual(['sending', 'queued', 'queued']);

      expect(await recordOutcome(t.db, a!, { kind: 'sent', messageIds: ['mm-a'] })).toBe(true);
      // The same token again: row a is sent and stays so; the unit's next row is simply queued.
      expect((await claimUnits(t.db, [unit], [call]))[0]!.map((c) => c.id)).toEqual([b]);
      expect(await deliveryRow(t.db, a!)).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('recordSentAndClaimNext: run again by the same call, the row it recorded counts as recorded and the next row it claimed is taken back; another call takes nothing', async () => {
      const identity = await createIdentity(t.db, 'messenger');
      const unit = await createDeliveries(t.db, identity, 3);
      const [a, b, c] = unit;
      const unitCall = randomUUID();
      const claimedA = (await claimUnits(t.db, [unit], [unitCall]))[0]![0];
      expect(claimedA?.id).toBe(a);
      const call = randomUUID();
      const item = { id: a!, messageIds: ['mm-a'], unit, claimedWith: claimedA!.claimToken, token: call };

      const first = await recordSentAndClaimNext(t.db, [item]);
      expect(first.map((x) => [x.recorded, x.claimed?.id, x.claimed?.attempts])).toEqual([[true, b, 1]]);
      // Its answer lost: the retry of the same call, with the same token.
      const again = await recordSentAndClaimNext(t.db, [item]);
      expect(again.map((x) => [x.recorded, x.claimed?.id, x.claimed?.attempts, x.wake])).toEqual([[true, b, 1, []]]);
      const other = await recordSentAndClaimNext(t.db, [{ ...item, token: randomUUID() }]);
      expect(other.map((x) => x.claimed)).toEqual([undefined]);
      expect(await statuses(t.db, unit)).toEqual(['sent', 'sending', 'queued']);
      expect(await deliveryRow(t.db, a!)).toMatchObject({ platform_message_id: 'mm-a', attempts: 1 });
      expect(await tokenOf(b!)).toBe(call);

      // b sent; the same call again: neither a nor b is claimed again (c is simply queued and next).
      expect(await recordOutcome(t.db, b!, { kind: 'sent', messageIds: ['mm-b'] })).toBe(true);
      const later = await recordSentAndClaimNext(t.db, [item]);
      expect(later.map((x) => x.claimed?.id)).toEqual([c]);
      expect(await statuses(t.db, unit)).toEqual(['sent', 'sent', 'sending']);
    });

    it('claimBatch: the same call run again takes its rows back (counted once); another call takes nothing; a sent row is never claimed again', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1, { purpose: 'waveLaunch' })));
      const call = randomUUID();

      const first = await claimBatch(t.db, ids, call);
      expect(first.claimed.map((c) => [c.id, c.attempts])).toEqual(ids.map((id) => [id, 1]));
      const again = await claimBatch(t.db, ids, call);
      expect({ claimed: again.claimed.map((c) => [c.id, c.attempts]), waiting: again.waiting }).toEqual({ claimed: ids.map((id) => [id, 1]), waiting: [] });
      expect(await claimBatch(t.db, ids, randomUUID())).toEqual({ claimed: [], waiting: [] });

      expect((await recordBatchSent(t.db, [{ id: ids[0]!, messageIds: ['zm-0'] }])).recorded).toEqual([ids[0]]);
      expect((await claimBatch(t.db, ids, call)).claimed.map((c) => c.id)).toEqual(ids.slice(1));
      expect(await deliveryRow(t.db, ids[0]!)).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it("releaseClaims: puts back to 'queued' only the rows still 'sending' under its token", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo'), 1, { purpose: 'waveLaunch' })));
      const call = randomUUID();
      await claimBatch(t.db, ids, call);
      expect(await recordOutcome(t.db, ids[0]!, { kind: 'sent', messageIds: ['zm-0'] })).toBe(true);
      const error = { code: 'claim_interrupted', message: 'test' };

      expect(await releaseClaims(t.db, ids, randomUUID(), error)).toEqual([]);
      expect(await releaseClaims(t.db, ids, call, error)).toEqual(ids.slice(1));
      expect(await statuses(t.db, ids)).toEqual(['sent', 'queued', 'queued']);
      expect(await deliveryRow(t.db, ids[1]!)).toMatchObject({ status: 'queued', error_code: 'claim_interrupted' });
    });
  });

  describe('through the outbound workers, on a connection that loses an answer after the commit', () => {
    let lossy: LossyDb;
    let h: OutboundHarness | undefined;

    beforeAll(() => {
      lossy = createLossyDb(t.url);
    });

    afterAll(async () => {
      await lossy.db.destroy();
    });

    afterEach(async () => {
      await h?.close();
      h = undefined;
      lossy.fate = () => 'answer';
      lossy.lost.length = 0;
    });

    const FAST_RETRIES = { backoff: { type: 'fixed', delay: 50 } } as const;

    it("When the answer of a delivery's claim is lost, then the job's retry takes the row back and sends it once: never left 'sending'", async () => {
      const zalo = new FakeSender('zalo');
      h = new OutboundHarness(lossy.db, logs.logger, { jobOptions: FAST_RETRIES });
      const identity = await createIdentity(t.db, 'zalo');
      const [id] = await createDeliveries(t.db, identity, 1);
      lossy.fate = loseFirstAnswers(CLAIM_DELIVERY);
      h.start({ zalo });

      await h.outbox.enqueue([id!]);
      await until(`delivery ${id} sent`, async () => (await deliveryRow(t.db, id!)).status === 'sent', 10_000);
      await h.idle('zalo');

      expect(lossy.lost).toHaveLength(1);
      expect(zalo.calls).toHaveLength(1);
      expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sent', attempts: 1, error_code: null });
      expect(noLongerSending()).toEqual([]);
    });

    it.each([
      ["a unit's first claim", 'the job\'s retry takes the row back', CLAIM_UNITS],
      ["recording a unit's reply sent (and claiming the next)", 'the retry counts the record and takes the next row back', RECORD_SENT_AND_CLAIM_NEXT],
    ] as const)("When the answer of %s is lost, then %s: every reply once, in order, none left 'sending'", async (_what, _then, statement) => {
      const messenger = new FakeSender('messenger');
      h = new OutboundHarness(lossy.db, logs.logger, { jobOptions: FAST_RETRIES });
      const identity = await createIdentity(t.db, 'messenger');
      const unit = await createDeliveries(t.db, identity, 3);
      lossy.fate = loseFirstAnswers(statement);
      h.start({ messenger });

      await h.outbox.enqueueUnits('messenger', [unit]);
      await until('the unit sent', async () => (await statuses(t.db, unit)).every((s) => s === 'sent'), 10_000);
      await h.idle('messenger');

      expect(lossy.lost).toHaveLength(1);
      expect(messenger.calls.map((c) => c.message.text)).toEqual(await texts(unit));
      for (const id of unit) expect((await deliveryRow(t.db, id)).attempts).toBe(1);
      expect(noLongerSending()).toEqual([]);
    });

    it("When the answer of a broadcast chunk's claim is lost, then the retry takes the chunk back and each member gets it once", async () => {
      const zalo = new FakeSender('zalo');
      h = new OutboundHarness(lossy.db, logs.logger, { jobOptions: FAST_RETRIES });
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo', `claim-batch-${i}`), 1, { purpose: 'waveLaunch' })));
      lossy.fate = loseFirstAnswers(CLAIM_BATCH);
      h.start({ zalo });

      await createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(ids);
      await until('every row sent', async () => (await statuses(t.db, ids)).every((s) => s === 'sent'), 10_000);

      expect(lossy.lost).toHaveLength(1);
      expect(zalo.calls.map((c) => c.userId).sort()).toEqual(ids.map((_, i) => `claim-batch-${i}`).sort());
      for (const id of ids) expect((await deliveryRow(t.db, id)).attempts).toBe(1);
    });

    it("When a claim's answer is lost and the claim then gives up, then its row goes back to 'queued' and the job's next attempt sends it once", async () => {
      const zalo = new FakeSender('zalo');
      h = new OutboundHarness(lossy.db, logs.logger, { jobOptions: FAST_RETRIES });
      const identity = await createIdentity(t.db, 'zalo');
      const [id] = await createDeliveries(t.db, identity, 1);
      // Committed with its answer lost, then three failures: withDatabasePatience gives up.
      lossy.fate = fates(CLAIM_DELIVERY, 'loseAnswer', 'fail', 'fail', 'fail');
      h.start({ zalo });

      await h.outbox.enqueue([id!]);
      await until(`delivery ${id} sent`, async () => (await deliveryRow(t.db, id!)).status === 'sent', 15_000);
      await h.idle('zalo');

      expect(zalo.calls).toHaveLength(1);
      // Two claims: the lost one (given back to the queue, never sent) and the next attempt's.
      expect(await deliveryRow(t.db, id!)).toMatchObject({ status: 'sent', attempts: 2, error_code: null });
      expect(logs.lines().filter((l) => /never answered went back to 'queued'/.test(String(l.msg))).map((l) => l.deliveryIds)).toEqual([[id]]);
    });

    it("When a broadcast chunk's claim loses its answer and then gives up, then its rows go back to 'queued' and the batch's next attempt sends each once", async () => {
      const zalo = new FakeSender('zalo');
      h = new OutboundHarness(lossy.db, logs.logger, { jobOptions: FAST_RETRIES });
      const ids: number[] = [];
      for (let i = 0; i < 4; i += 1) ids.push(...(await createDeliveries(t.db, await createIdentity(t.db, 'zalo', `claim-giveup-${i}`), 1, { purpose: 'waveLaunch' })));
      lossy.fate = fates(CLAIM_BATCH, 'loseAnswer', 'fail', 'fail', 'fail');
      h.start({ zalo });

      await createBroadcastOutbox({ db: t.db, queues: h.queues, logger: logs.logger }).enqueue(ids);
      // The batch's job retries after its backoff (3 s, with jitter).
      await until('every row sent', async () => (await statuses(t.db, ids)).every((s) => s === 'sent'), 20_000);

      expect(zalo.calls.map((c) => c.userId).sort()).toEqual(ids.map((_, i) => `claim-giveup-${i}`).sort());
      for (const id of ids) expect((await deliveryRow(t.db, id)).attempts).toBe(2);
    });
  });
});

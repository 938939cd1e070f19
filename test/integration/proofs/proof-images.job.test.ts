import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { submitImageProof } from '../../../src/domain/proofs/proof.service';
import { createImageDownloader } from '../../../src/jobs/image-download';
import { AWAITING_IMAGE_STALE_MS, sweepAwaitingImages } from '../../../src/jobs/proof-images.processor';
import { allQueues, createQueues, enqueueProofImages, proofImageJobId, type Queues } from '../../../src/jobs/queues';
import { startWorkers } from '../../../src/jobs/workers';
import { createLogger } from '../../../src/logging/logger';
import { deleteQueuePrefix, TEST_REDIS_URL, uniqueQueuePrefix } from '../../helpers/redis';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { addMembers, pngBytes, seedPlan, startCdn, type FakeCdn, type SeededPlan } from '../../helpers/waves-fixtures';

const MARCH = new Date('2024-03-15T03:00:00Z');
const logger = createLogger({ level: 'silent', pretty: false });
let database: TestDatabase;
let plan: SeededPlan;
let cdn: FakeCdn;
let prefix: string;
let producer: Redis;
let workerConnection: Redis;
let queues: Queues;
let workers: Worker[];
let events: QueueEvents;
const enqueued: number[] = [];
const downloader = createImageDownloader({ maxBytes: 64 * 1024, timeoutMs: 2_000, maxRedirections: 3 });

beforeAll(async () => {
  database = await createTestDatabase();
  plan = await seedPlan(database.db);
  cdn = await startCdn({
    '/a.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(pngBytes(7)),
    '/b.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(pngBytes(8)),
  });
  prefix = uniqueQueuePrefix();
  producer = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues(producer, prefix, logger);
  events = new QueueEvents(queues.proofImages.name, { connection: { url: TEST_REDIS_URL }, prefix });
  await events.waitUntilReady();
  workers = startWorkers({
    db: database.db,
    logger,
    connection: workerConnection,
    prefix,
    proofImages: {
      download: (url) => downloader.download(url),
      enqueueDeliveries: async (ids) => void enqueued.push(...ids),
      requeue: (ids) => enqueueProofImages(queues, ids),
    },
  });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await events.close();
  await Promise.all(allQueues(queues).map((q) => q.close()));
  producer.disconnect();
  workerConnection.disconnect();
  await deleteQueuePrefix(prefix);
  await downloader.close();
  await cdn.close();
  await database.drop();
});

async function awaitingProof(path: string, at: Date): Promise<string> {
  const [memberId] = await addMembers(database.db, plan.branchId, ['member']);
  const outcome = await submitImageProof(database.db, { memberId: memberId!, waveId: plan.waveIds.march!, identityId: null, now: at, imageUrl: `${cdn.base}${path}` });
  if (outcome.kind !== 'recorded') throw new Error(outcome.kind);
  return outcome.proofId;
}

async function finished(proofId: string): Promise<unknown> {
  const job = await queues.proofImages.getJob(proofImageJobId(proofId));
  if (!job) throw new Error('no job');
  return job.waitUntilFinished(events, 15_000);
}

test('a queued download stores the image and marks the proof, once however often it is enqueued', async () => {
  const proofId = await awaitingProof('/a.png', MARCH);
  await enqueueProofImages(queues, [proofId]);
  await enqueueProofImages(queues, [proofId]);
  expect(await finished(proofId)).toEqual({ outcome: 'stored' });
  const proof = await database.db.selectFrom('proofs').selectAll().where('id', '=', proofId).executeTakeFirstOrThrow();
  expect(proof).toMatchObject({ image_state: 'stored', image_mime: 'image/png', image_source_url: null });
  expect(await database.db.selectFrom('media_images').select('sha256').where('sha256', '=', proof.image_sha256!).execute()).toHaveLength(1);
});

test('the sweeper re-enqueues a download whose job was lost (a crash after the commit)', async () => {
  const sweepAt = new Date(MARCH.getTime() + AWAITING_IMAGE_STALE_MS + 60_000);
  const lost = await awaitingProof('/b.png', MARCH);
  const fresh = await awaitingProof('/b.png', new Date(sweepAt.getTime() - 30_000));
  const count = await sweepAwaitingImages(
    { db: database.db, logger, download: (url) => downloader.download(url), enqueueDeliveries: async () => undefined, requeue: (ids) => enqueueProofImages(queues, ids) },
    sweepAt,
  );
  expect(count).toBe(1);
  expect(await finished(lost)).toEqual({ outcome: 'stored' });
  expect(await queues.proofImages.getJob(proofImageJobId(fresh))).toBeUndefined();
  const row = await database.db.selectFrom('proofs').select('image_state').where('id', '=', fresh).executeTakeFirstOrThrow();
  expect(row.image_state).toBe('awaiting');
});

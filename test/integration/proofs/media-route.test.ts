import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { storeImageOnce } from '../../../src/domain/media/media.repository';
import { createMediaUrlSigner, MEDIA_URL_LIFETIME_MS } from '../../../src/domain/media/media-url';
import { createHttpApp } from '../../../src/http/app';
import { createMediaRouter } from '../../../src/http/media.routes';
import { createLogger } from '../../../src/logging/logger';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';
import { pngBytes } from '../../helpers/waves-fixtures';
import { createHash } from 'node:crypto';

const logger = createLogger({ level: 'silent', pretty: false });
const image = pngBytes(3);
const sha256 = createHash('sha256').update(image).digest('hex');
let database: TestDatabase;
let server: Server;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await storeImageOnce(database.db, { sha256, mime: 'image/png', bytes: image.length, data: image });
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signer = createMediaUrlSigner({ publicBaseUrl: base, sessionSecret: 'a'.repeat(40) });
  server.on('request', createHttpApp({ logger, routers: [{ path: '/', router: createMediaRouter({ db: database.db, signer, logger }) }] }));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.drop();
});

const signer = () => createMediaUrlSigner({ publicBaseUrl: base, sessionSecret: 'a'.repeat(40) });

test('a signed URL returns the stored bytes with the stored content type', async () => {
  const response = await fetch(signer().signedImageUrl(sha256, new Date()));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('image/png');
  expect(Buffer.from(await response.arrayBuffer())).toEqual(image);
});

test('an expired URL is refused', async () => {
  const response = await fetch(signer().signedImageUrl(sha256, new Date(Date.now() - MEDIA_URL_LIFETIME_MS - 3_600_000)));
  expect(response.status).toBe(403);
});

test('a URL signed with another secret, tampered, or unsigned is refused', async () => {
  const other = createMediaUrlSigner({ publicBaseUrl: base, sessionSecret: 'b'.repeat(40) }).signedImageUrl(sha256, new Date());
  const good = new URL(signer().signedImageUrl(sha256, new Date()));
  const later = new URL(good);
  later.searchParams.set('e', String(Number(good.searchParams.get('e')) + 3600));
  for (const url of [other, later.toString(), `${base}/media/images/${sha256}`]) expect((await fetch(url)).status).toBe(403);
});

test('a signed URL of an image not stored is 404', async () => {
  const response = await fetch(signer().signedImageUrl('0'.repeat(64), new Date()));
  expect(response.status).toBe(404);
});

import { createHash } from 'node:crypto';
import { createImageDownloader, type ImageDownloader } from '../../../src/jobs/image-download';
import { pngBytes, startCdn, type FakeCdn } from '../../helpers/waves-fixtures';

const CAP = 10 * 1024;
const image = pngBytes(42);
let cdn: FakeCdn;
let downloader: ImageDownloader;
const stalled: (() => void)[] = [];

beforeAll(async () => {
  cdn = await startCdn({
    '/ok.png': (res) => res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(image),
    '/declared-too-large.jpg': (res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(CAP + 1) }).end(Buffer.alloc(CAP + 1)),
    '/streamed-too-large.jpg': (res) => {
      // No Content-Length: the cap must hold while reading.
      res.writeHead(200, { 'content-type': 'image/jpeg', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 4; i += 1) res.write(Buffer.alloc(CAP / 2));
      res.end();
    },
    '/exactly-cap.gif': (res) => res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.alloc(CAP, 1)),
    '/page.html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'),
    '/untyped': (res) => res.writeHead(200).end(image),
    '/empty.png': (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(),
    '/error.png': (res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('busy'),
    '/slow.png': (res) => {
      stalled.push(() => res.writeHead(200, { 'content-type': 'image/png' }).end(image));
    },
    '/hop.png': (res) => res.writeHead(302, { location: '/ok.png' }).end(),
    '/loop.png': (res) => res.writeHead(302, { location: '/loop.png' }).end(),
  });
  downloader = createImageDownloader({ maxBytes: CAP, timeoutMs: 500, maxRedirections: 3 });
});
afterAll(async () => {
  for (const release of stalled) release();
  await downloader.close();
  await cdn.close();
});

test('an image is downloaded with its media type and SHA-256', async () => {
  const result = await downloader.download(`${cdn.base}/ok.png?oe=123`);
  expect(result).toEqual({ ok: true, data: image, mime: 'image/png', sha256: createHash('sha256').update(image).digest('hex') });
});

test('an image of exactly the cap is accepted', async () => {
  const result = await downloader.download(`${cdn.base}/exactly-cap.gif`);
  expect(result.ok && result.data.length).toBe(CAP);
});

test('a redirect is followed', async () => {
  const result = await downloader.download(`${cdn.base}/hop.png`);
  expect(result.ok && result.sha256).toBe(createHash('sha256').update(image).digest('hex'));
});

test.each([
  ['declared over the cap', '/declared-too-large.jpg', 'tooLarge', false],
  ['streamed over the cap without a length', '/streamed-too-large.jpg', 'tooLarge', false],
  ['not an image', '/page.html', 'notAnImage', false],
  ['without a content type', '/untyped', 'notAnImage', false],
  ['empty', '/empty.png', 'empty', false],
  ['missing (404)', '/nothing-here.png', 'status', false],
  ['a server error (503)', '/error.png', 'status', true],
  ['too slow', '/slow.png', 'timeout', true],
  ['redirecting forever', '/loop.png', 'status', false],
])('a download %s (%s) fails as %s, retryable: %s', async (_what, path, reason, retryable) => {
  expect(await downloader.download(`${cdn.base}${path}`)).toEqual({ ok: false, reason, retryable });
});

test.each(['ftp://example.org/a.png', 'file:///etc/passwd', 'not a url'])('%s is never fetched', async (url) => {
  expect(await downloader.download(url)).toEqual({ ok: false, reason: 'notHttp', retryable: false });
});

import { createHash } from 'node:crypto';
import { Agent, interceptors, request, type Dispatcher } from 'undici';

/**
 * Fetches a proof image from the platform's CDN: http(s) only, a few redirects at most, an image
 * content type, a size cap checked both against Content-Length and while reading (a server may
 * lie or send none), and one deadline for the whole download. Hashes the bytes (SHA-256).
 */
/** What screenshots and photos arrive as from Zalo and Messenger (and what browsers show inline safely). */
const PHOTO_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic', 'image/heif', 'image/bmp']);

export interface ImageDownloadOptions {
  readonly maxBytes: number;
  /** For the whole download, headers and body. */
  readonly timeoutMs: number;
  readonly maxRedirections: number;
}

export type ImageDownload =
  | { readonly ok: true; readonly data: Buffer; readonly mime: string; readonly sha256: string }
  /** `retryable`: the CDN may answer later (timeout, 5xx, network); else asking again will not help. */
  | { readonly ok: false; readonly retryable: boolean; readonly reason: ImageDownloadFailure };

export type ImageDownloadFailure = 'notHttp' | 'status' | 'notAnImage' | 'tooLarge' | 'timeout' | 'network' | 'empty';

export const DEFAULT_IMAGE_DOWNLOAD: Omit<ImageDownloadOptions, 'maxBytes'> = { timeoutMs: 20_000, maxRedirections: 3 };

export interface ImageDownloader {
  download(url: string): Promise<ImageDownload>;
  close(): Promise<void>;
}

const fail = (reason: ImageDownloadFailure, retryable: boolean): ImageDownload => ({ ok: false, retryable, reason });

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaTypeOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

export function createImageDownloader(options: ImageDownloadOptions): ImageDownloader {
  const agent = new Agent({ connect: { timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  const dispatcher: Dispatcher = agent.compose(interceptors.redirect({ maxRedirections: options.maxRedirections }));

  async function download(url: string): Promise<ImageDownload> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return fail('notHttp', false);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return fail('notHttp', false);
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const response = await request(parsed, { method: 'GET', dispatcher, signal, headers: { accept: 'image/*' } });
      // Destroying the body to stop a refused download emits an abort error nobody else awaits.
      response.body.on('error', () => undefined);
      if (response.statusCode < 200 || response.statusCode > 299) {
        await response.body.dump().catch(() => undefined);
        // A redirect left over means more hops than allowed: as final as a 404.
        return fail('status', response.statusCode >= 500 || response.statusCode === 429 || response.statusCode === 408);
      }
      const mime = mediaTypeOf(response.headers['content-type']);
      // Photos only: an SVG is a document that can carry script, and we serve what we store back to reviewers.
      if (!PHOTO_TYPES.has(mime)) {
        response.body.destroy();
        return fail('notAnImage', false);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.body.destroy();
        return fail('tooLarge', false);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        size += buffer.length;
        if (size > options.maxBytes) {
          response.body.destroy();
          return fail('tooLarge', false);
        }
        chunks.push(buffer);
      }
      if (size === 0) return fail('empty', false);
      const data = Buffer.concat(chunks, size);
      return { ok: true, data, mime, sha256: createHash('sha256').update(data).digest('hex') };
    } catch (error) {
      if (signal.aborted || isTimeout(error)) return fail('timeout', true);
      if (isTooManyRedirects(error)) return fail('status', false);
      return fail('network', true);
    }
  }

  return { download, close: () => agent.close() };
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  return /TIMEOUT/.test(code) || (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'));
}

function isTooManyRedirects(error: unknown): boolean {
  return error instanceof Error && /redirect/i.test(error.message);
}

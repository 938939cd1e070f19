import { PassThrough, type Writable } from 'node:stream';
import type { ExportFile } from './export-file';

/**
 * An export whose bytes are written by `write` as the reader takes them. Whatever fails after the
 * first bytes left (the database, the reader going away) destroys the body with the error, so the
 * download breaks off visibly instead of ending as a short file that looks whole.
 */
export function streamedFile(filename: string, contentType: string, write: (out: Writable) => Promise<void>): ExportFile {
  const body = new PassThrough();
  // Started on the next tick, once the caller has had the chance to attach its reader.
  setImmediate(() => {
    write(body)
      .then(() => {
        if (!body.writableEnded) body.end();
      })
      .catch((error: unknown) => body.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  return { filename, contentType, body };
}

import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ExportFile } from '../domain/reports/export-file';

/**
 * Sends an export as a download (the /api/v1 routes and the admin web alike): a 200 with the file
 * name in Content-Disposition (an ASCII fallback and the UTF-8 name), never cached, then the bytes
 * as they are written. A failure after the first byte cannot change the status any more: the
 * connection is cut (the client sees a broken download, not a short file) and the access-log line
 * carries the error.
 */
export async function sendExportFile(res: Response, file: ExportFile): Promise<void> {
  res.status(200);
  res.attachment(file.filename);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Cache-Control', 'no-store');
  try {
    await pipeline(file.body, res);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') res.err = error instanceof Error ? error : new Error(String(error));
    res.destroy();
  }
}

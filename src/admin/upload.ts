import multer from 'multer';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';

/** A roster is a few thousand rows: 5 MB is far above any real one and bounds the memory an upload holds. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/**
 * Reads one uploaded file of a multipart form into memory (field `field`), after the CSRF check
 * (which reads the token from the X-CSRF-Token header: the body is not parsed then). Multer's
 * failures become AppErrors people can read.
 */
export function singleFileUpload(field: string): RequestHandler {
  const parse = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } }).single(field);
  return (req, res, next) => {
    parse(req, res, (error: unknown) => {
      if (error === undefined || error === null) return next();
      if (error instanceof multer.MulterError) {
        if (error.code === 'LIMIT_FILE_SIZE') return next(new AppError('PAYLOAD_TOO_LARGE', 'Tệp quá lớn: tối đa 5 MB.'));
        return next(new AppError('VALIDATION_FAILED', 'Biểu mẫu tải tệp không đúng: chỉ gửi một tệp mỗi lần.', { cause: error }));
      }
      next(error);
    });
  };
}

/** The uploaded file, by the name the person's computer gave it (browsers send it as UTF-8). */
export function uploadedFile(req: Request): { name: string; content: Buffer } | undefined {
  const file = req.file;
  if (!file || file.size === 0) return undefined;
  return { name: file.originalname.normalize('NFC'), content: file.buffer };
}

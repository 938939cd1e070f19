import { Router } from 'express';
import type { Db } from '../db/database';
import { findImage } from '../domain/media/media.repository';
import type { MediaUrlSigner } from '../domain/media/media-url';
import type { Logger } from '../logging/logger';

export interface MediaRoutesDeps {
  readonly db: Db;
  readonly signer: MediaUrlSigner;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * GET /media/images/:sha256?e=<expires>&s=<signature>: a stored proof image, for a reviewer's
 * chat. Only signed, unexpired URLs (domain/media/media-url.ts) are served; anything else is 403,
 * so hashes cannot be probed. The body is the stored bytes with the stored content type.
 */
export function createMediaRouter(deps: MediaRoutesDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());
  router.get('/media/images/:sha256', async (req, res) => {
    const sha256 = String(req.params.sha256);
    const expires = typeof req.query.e === 'string' ? req.query.e : '';
    const signature = typeof req.query.s === 'string' ? req.query.s : '';
    if (!deps.signer.verify(sha256, expires, signature, now())) {
      res.status(403).json({ error: { code: 'FORBIDDEN', message: 'this link is not valid or has expired' } });
      return;
    }
    const image = await findImage(deps.db, sha256);
    if (!image) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such image' } });
      return;
    }
    res
      .status(200)
      .set({
        'content-type': image.mime,
        'content-length': String(image.bytes),
        // Content-addressed: the bytes behind a hash never change; the URL's signature limits who.
        'cache-control': 'private, max-age=3600, immutable',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      })
      .end(image.data);
  });
  return router;
}

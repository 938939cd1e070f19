import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { ADMIN_CSS } from './assets/admin-css';
import { ADMIN_JS } from './assets/admin-js';
import { ICON_SVG } from './assets/icon-svg';

export type AssetName = 'admin.css' | 'admin.js' | 'htmx.js' | 'chart.js' | 'icon.svg';

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly version: string;
}

export interface AdminAssets {
  /** The versioned URL of an asset: it changes when the file does, so it can be cached for a year. */
  url(name: AssetName): string;
  readonly router: Router;
}

export const ASSETS_PATH = '/static';
const YEAR_S = 365 * 24 * 3600;

function fromNodeModules(specifier: string, file: string): Buffer {
  // chart.js exports no subpath for its UMD build: resolve the package entry and look beside it.
  return readFileSync(join(dirname(require.resolve(specifier)), file));
}

function asset(body: Buffer | string, type: string): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: bytes, type, version: createHash('sha256').update(bytes).digest('hex').slice(0, 12) };
}

/** Loads the admin web's files once (from node_modules and our own modules). */
export function loadAdminAssets(mountPath: string): AdminAssets {
  const assets: Readonly<Record<AssetName, Asset>> = {
    'admin.css': asset(ADMIN_CSS, 'text/css; charset=utf-8'),
    'admin.js': asset(ADMIN_JS, 'text/javascript; charset=utf-8'),
    'htmx.js': asset(readFileSync(require.resolve('htmx.org/dist/htmx.min.js')), 'text/javascript; charset=utf-8'),
    'chart.js': asset(fromNodeModules('chart.js', 'chart.umd.min.js'), 'text/javascript; charset=utf-8'),
    'icon.svg': asset(ICON_SVG, 'image/svg+xml'),
  };
  const router = Router();
  router.get('/:version/:name', (req, res, next) => {
    const found = Object.hasOwn(assets, req.params.name) ? assets[req.params.name as AssetName] : undefined;
    if (!found) return next();
    // A page cached from before a deploy may ask for an older version: it gets today's file, briefly cached.
    const current = req.params.version === found.version;
    res.setHeader('Cache-Control', current ? `public, max-age=${YEAR_S}, immutable` : 'public, max-age=300');
    res.type(found.type).send(found.body);
  });
  return {
    url: (name) => `${mountPath}${ASSETS_PATH}/${assets[name].version}/${name}`,
    router,
  };
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, and jsonb refuses a lone UTF-16 surrogate
 * (`\ud800` without its pair). Both arrive in signed webhooks (a client's bug, or someone probing
 * us): stored as they are, the INSERT fails and the platform is told to deliver again, for ever.
 * What comes from outside is made storable instead: NUL dropped (it never means anything in a
 * chat), a lone surrogate replaced by U+FFFD as String.prototype.toWellFormed does.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this removes
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function storableText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\ufffd');
}

/** A copy of a JSON-shaped value with every string (keys too) made storable; other values kept. */
export function storableJson<T>(value: T): T {
  return mapStrings(value) as T;
}

function mapStrings(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(mapStrings);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(out, storableText(key), { value: mapStrings(inner), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

import fc from 'fast-check';

/**
 * Arbitraries that break a platform payload the ways the open internet does: a field replaced by
 * a value of another type, removed, wrapped, nested thousands deep, blown up in size, numbers
 * beyond 2^64 written as bare JSON numbers, unicode of every plane (lone surrogates, NUL, RTL
 * marks, zero-width joiners). Used by the webhook fuzz tests; the payloads start from the
 * documented fixtures in test/fixtures.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** JSON.stringify cannot write these; markers are put in as strings and swapped in the text. */
const RAW_NUMBER = 'RAWNUM_';
const RAW_NESTING = 'RAWNEST_';

/** Numbers no JavaScript double holds exactly, and the edges of what JSON allows. */
const RAW_NUMBERS = [
  '123456789012345678901234567890',
  '-98765432109876543210',
  '18446744073709551616',
  '9007199254740993',
  '1e308',
  '-1e308',
  '1e400',
  '1e-400',
  '-0',
  '0.000000000000000000001',
  '3.14159',
  '1E+2',
];

/** Strings chosen for what they do to parsers, databases and logs. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eRTL',
  'đăng\u200dký',
  '\ufeff',
  '😀👨‍👩‍👧‍👦🇻🇳',
  'Tiếng Việt có dấu: Đoàn Thanh niên',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  "'; drop table members; --",
  '<script>alert(1)</script>',
  '%00%ff',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '0',
  '-1',
  '1e999',
  'NaN',
  'true',
  'null',
];

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.string({ unit: codeUnit, maxLength: 64 }),
  fc.stringMatching(/^[0-9]{1,60}$/),
  // Big, but under the 1 MB body limit even when a mutation copies it a few times.
  fc.tuple(fc.constantFrom('a', 'ệ', '😀', '\u0000'), fc.integer({ min: 1_000, max: 60_000 })).map(([unit, n]) => unit.repeat(n)),
);

export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  hostileString,
  fc.constantFrom(...RAW_NUMBERS).map((digits) => `${RAW_NUMBER}${digits}`),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${RAW_NESTING}${depth}`),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom<Json>(null, true, false, [], {}, [[]], { '': null }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

export type Mutation =
  | { readonly op: 'set'; readonly at: number; readonly value: Json }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'wrap'; readonly at: number; readonly inArray: boolean }
  | { readonly op: 'addKey'; readonly at: number; readonly key: string; readonly value: Json }
  | { readonly op: 'duplicate'; readonly at: number; readonly times: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), at: fc.nat(), inArray: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('addKey' as const), at: fc.nat(), key: hostileString, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 300 }) }) },
);

function pathsOf(value: Json, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...at, i])));
  if (value !== null && typeof value === 'object') return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...at, k])));
  return here;
}

function getAt(root: Json, path: Path): Json {
  let node: Json = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key]!;
  return node;
}

/** Replaces (or with `undefined`, removes) the node at `path`; returns the new root. */
function putAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (value === undefined) {
    delete (parent as Record<string, Json>)[key];
  } else {
    (parent as Record<string, Json>)[key] = value;
  }
  return root;
}

/** Applies the mutations in turn to a copy of `value`; each picks its node among the current ones. */
export function mutate(value: Json, mutations: readonly Mutation[]): Json {
  let root = structuredClone(value);
  for (const m of mutations) {
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length]!;
    const node = getAt(root, path);
    switch (m.op) {
      case 'set':
        root = putAt(root, path, m.value);
        break;
      case 'delete':
        root = putAt(root, path, undefined);
        break;
      case 'wrap':
        root = putAt(root, path, m.inArray ? [node] : { value: node });
        break;
      case 'addKey':
        if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
          // defineProperty: a key "__proto__" becomes an own key, as JSON.parse would make it.
          Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        }
        break;
      case 'duplicate':
        if (Array.isArray(node)) root = putAt(root, path, Array.from({ length: m.times }, () => structuredClone(node[0] ?? null)));
        break;
    }
  }
  return root;
}

/** The body's bytes by the platform's own serialiser, with the raw-number and nesting markers swapped in. */
export function toBytes(value: Json, serialise: (value: unknown) => Buffer): Buffer {
  const text = serialise(value).toString('utf8');
  return Buffer.from(
    text
      .replace(new RegExp(`"${RAW_NUMBER}([-0-9.eE+]+)"`, 'g'), '$1')
      .replace(new RegExp(`"${RAW_NESTING}(\\d+)"`, 'g'), (_m, depth: string) => `${'['.repeat(Number(depth))}0${']'.repeat(Number(depth))}`),
    'utf8',
  );
}

/** Damage to the bytes themselves: cut short, garbage inserted, invalid UTF-8, or not JSON at all. */
export type ByteDamage =
  | { readonly kind: 'none' }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'replace'; readonly bytes: Uint8Array };

export const byteDamage: fc.Arbitrary<ByteDamage> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 256 }) }) },
);

export function damage(bytes: Buffer, d: ByteDamage): Buffer {
  switch (d.kind) {
    case 'none':
      return bytes;
    case 'truncate':
      return bytes.subarray(0, d.at % Math.max(bytes.length, 1));
    case 'insert': {
      const at = d.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(d.bytes), bytes.subarray(at)]);
    }
    case 'replace':
      return Buffer.from(d.bytes);
  }
}

/** The seed of a property run: FUZZ_SEED when given (to replay a failure), else a fresh one, printed on failure by fast-check. */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  return given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given);
}

/** FUZZ_RUNS overrides the run count of every property (a longer search when looking for trouble). */
export function fuzzRuns(defaultRuns: number): number {
  return process.env.FUZZ_RUNS === undefined ? defaultRuns : Number(process.env.FUZZ_RUNS);
}

/**
 * Finds the branch a member means when typing it freely in chat: "binh hung hoa a", "P. An Lạc",
 * "hung hoa binh", "thpt an lac", "ubnd binh tan", or a code such as "p-an-lac".
 *
 * Both the query and every branch name become tokens: matchKey (no case, diacritics, punctuation
 * or extra spaces), letters split from digits ("p5" → "p 5"), and long forms folded into their
 * abbreviation so either spelling meets the other ("công ty" ↔ "cty", "ủy ban nhân dân" ↔ "ubnd",
 * "trung học phổ thông" ↔ "thpt", "trung tâm y tế" ↔ "ttyt", "thành phố" ↔ "tp", "p" ↔ "phường",
 * "q" ↔ "quận"; also thcs, tnhh, mtv, cp; a spelled-out form may carry one typo a word, as in
 * "tarch nhiem huu han"). A name's leading union and kind words ("Đoàn", "Chi
 * đoàn", "phường", "trường"…, see branch-words.ts) are optional: they may be matched but never
 * count as missing. In the query the same words, anywhere, are "noise": they weigh half, and a
 * query of nothing else finds nothing.
 *
 * Scoring, for one query against one name:
 * - Token similarity: 1 when equal; 0.8 / 0.6 at Damerau–Levenshtein distance 1 / 2, allowed by
 *   the longer token's length (1–3 letters: exact only, so the ward letters A and B never blur;
 *   4–7: ≤ 1; 8+: ≤ 2); 0.7 when a query token of 3+ letters begins the name token; tokens with
 *   digits match exactly only ("5" is never "15").
 * - Alignment, ignoring order: pairs taken greedily by similarity (then the name's own words before
 *   its optional ones, then position), each token used once.
 * - score = (query coverage + name coverage) / 2, where query coverage is the matched share of the
 *   query's weight (noise 0.5, other 1) and name coverage the matched share of the name's own
 *   words (generic words such as "thpt", "tnhh", "quận", "(mẫu)" weigh 0.3, other 1); plus 0.1
 *   when both sides are fully covered; plus 0.04 when the query's first real word is the name's
 *   first non-generic word (a prefix match: "binh" prefers "Bình Trị Đông" to "UBND quận Bình
 *   Tân"); plus up to 0.03 for the share of real word pairs kept in the name's order ("long
 *   phuoc" prefers "Long Phước" to "Phước Long"). So "binh hung hoa" ranks "Bình Hưng Hòa" (full
 *   cover) above "… A" (own word "a" missing), and "binh hung hoa a" ranks "… A" first and "… B"
 *   below the plain ward (one word missing on each side against one on the query's side only).
 * - Kept only when more than half the query's weight and one real query word matched, and one of
 *   the name's own words. Ties fall to fewer words, then the name's key, then the id.
 * - Confidence: `exact` when every token on both sides matched exactly and in order; `strong` when
 *   every real query word and every non-generic own word matched, typos and any order allowed;
 *   otherwise `weak`. A query equal to a branch's code is `exact` with score 2, above any name.
 *
 * Cost: the query is capped (150 characters, 12 words); each query word is compared once with the
 * directory's vocabulary (remembered for the next queries, bounded), and only branches whose own
 * words could cover more than half the query are aligned. A search takes tens of microseconds
 * over a few hundred branches.
 */
import { matchKey } from '../shared/text';
import { KIND_PREFIXES, leadingPrefixWords, UNION_PREFIXES } from './branch-words';

export interface SearchableBranch {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}
export type MatchConfidence = 'exact' | 'strong' | 'weak';
export interface BranchCandidate<U extends SearchableBranch> {
  readonly unit: U;
  readonly score: number;
  readonly confidence: MatchConfidence;
}
/** What the dialog does with the candidates: take one without asking, offer a choice, or go to "không thấy đơn vị". */
export type BranchDecision<U extends SearchableBranch> =
  | { readonly kind: 'pick'; readonly candidate: BranchCandidate<U> }
  | { readonly kind: 'choose'; readonly candidates: readonly BranchCandidate<U>[] }
  | { readonly kind: 'none' };

const MAX_QUERY_CHARS = 150;
const MAX_QUERY_WORDS = 12;
const SIMILAR_CACHE = 2000;
/** Words of a name taken into account; the alignment packs a name position in 6 bits. */
const MAX_NAME_WORDS = 64;
/** Reused by BranchDirectory.score, which runs to completion before any other call can. */
const scratch = {
  pairs: new Float64Array(MAX_QUERY_WORDS * MAX_NAME_WORDS),
  qPair: new Int32Array(MAX_QUERY_WORDS),
  qSim: new Float64Array(MAX_QUERY_WORDS),
  nSim: new Float64Array(MAX_NAME_WORDS),
};
const NOISE_WEIGHT = 0.5;
const GENERIC_WEIGHT = 0.3;
const phrases = (list: readonly string[]) => list.map((p) => p.split(' ')).sort((a, b) => b.length - a.length);
const ABBREVIATIONS = ([
  ['cong ty', 'cty'], ['uy ban nhan dan', 'ubnd'], ['trung hoc pho thong', 'thpt'], ['trung hoc co so', 'thcs'],
  ['trung tam y te', 'ttyt'], ['thanh pho', 'tp'], ['trach nhiem huu han', 'tnhh'], ['mot thanh vien', 'mtv'], ['co phan', 'cp'], ['p', 'phuong'], ['q', 'quan'],
] as const).map(([long, short]) => ({ long: long.split(' '), short }));
const NOISE = phrases([...UNION_PREFIXES, ...KIND_PREFIXES]);
const GENERIC = new Set(['thpt', 'thcs', 'tnhh', 'cp', 'mtv', 'cty', 'quan', 'tp', 'mau']);

/** Whether `phrase` starts at words[i]; with `fuzzy`, each word may carry one typo ("tarch nhiem huu han"). */
const startsAt = (words: readonly string[], i: number, phrase: readonly string[], fuzzy = false) =>
  phrase.every((w, k) => words[i + k] === w || (fuzzy && similarity(words[i + k] ?? '', w) >= 0.8));

/** Match-key words, letters split from digits, long forms folded into their abbreviation. */
function tokens(key: string): string[] {
  const words = key.replace(/([a-z])(\d)/g, '$1 $2').replace(/(\d)([a-z])/g, '$1 $2').split(' ').filter((w) => w !== '');
  const out: string[] = [];
  for (let i = 0; i < words.length; ) {
    const abbr = ABBREVIATIONS.find((a) => startsAt(words, i, a.long, a.long.length > 1));
    out.push(abbr ? abbr.short : (words[i] ?? ''));
    i += abbr ? abbr.long.length : 1;
  }
  return out;
}

/**
 * Whether the optimal-string-alignment distance (Damerau–Levenshtein with adjacent swaps) of a
 * and b is at most k: skip the common start, then try each edit at the first difference.
 */
function within(a: string, b: string, k: number): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  if (k === 0 || Math.abs(a.length - b.length) > k) return false;
  const [x, y] = [a.slice(i), b.slice(i)];
  return within(x.slice(1), y.slice(1), k - 1) || within(x.slice(1), y, k - 1) || within(x, y.slice(1), k - 1)
    || (x[0] === y[1] && x[1] === y[0] && within(x.slice(2), y.slice(2), k - 1));
}

const HAS_DIGIT = /\d/;

function similarity(q: string, n: string): number {
  if (q === n) return 1;
  if (HAS_DIGIT.test(q) || HAS_DIGIT.test(n)) return 0;
  const prefix = q.length >= 3 && n.length > q.length && n.startsWith(q) ? 0.7 : 0;
  const longest = Math.max(q.length, n.length);
  const allowed = longest >= 8 ? 2 : longest >= 4 ? 1 : 0;
  const typo = allowed === 0 ? 0 : within(q, n, 1) ? 0.8 : allowed === 2 && within(q, n, 2) ? 0.6 : 0;
  return Math.max(typo, prefix);
}

interface Entry<U> {
  readonly unit: U;
  /** The name's words, as indexes into the directory's vocabulary. */
  readonly words: readonly number[];
  /** Per word: 0 for a leading union/kind word, GENERIC_WEIGHT or 1 for its own words. */
  readonly weights: readonly number[];
  /** Indexes of the own words (weight > 0). */
  readonly own: readonly number[];
  readonly ownWeight: number;
  readonly firstOwn: number;
  readonly sortKey: string;
}

/** The branches of a district, indexed once for searching; build a new one when units change. */
export class BranchDirectory<U extends SearchableBranch> {
  private readonly entries: Entry<U>[] = [];
  private readonly byCode = new Map<string, number[]>();
  private readonly vocabulary: string[] = [];
  /** Per vocabulary word, the entries having it among their own words. */
  private readonly postings: number[][] = [];
  /** The vocabulary words some name has among its leading union/kind words. */
  private readonly leading = new Set<number>();
  private dense: Float64Array | undefined;
  /** Per query word seen lately, the vocabulary words it resembles and how much; bounded. */
  private readonly similar = new Map<string, ReadonlyMap<number, number>>();

  /** Only the `branch` level of a unit list such as listUnits gives. */
  static fromUnits<V extends SearchableBranch & { readonly level: string }>(units: readonly V[]): BranchDirectory<V> {
    return new BranchDirectory(units.filter((u) => u.level === 'branch'));
  }

  constructor(branches: readonly U[]) {
    const ids = new Map<string, number>();
    for (const unit of branches) {
      const text = tokens(matchKey(unit.name)).slice(0, MAX_NAME_WORDS);
      const optional = leadingPrefixWords(text.join(' '));
      const weights = text.map((w, j): number => (j < optional ? 0 : GENERIC.has(w) ? GENERIC_WEIGHT : 1));
      const index = this.entries.length;
      const words = text.map((w, j) => {
        let id = ids.get(w);
        if (id === undefined) {
          id = this.vocabulary.push(w) - 1;
          ids.set(w, id);
          this.postings.push([]);
        }
        if (j >= optional) this.postings[id]?.push(index);
        else this.leading.add(id);
        return id;
      });
      const ownWeight = weights.reduce((sum, w) => sum + w, 0);
      const own = weights.flatMap((w, j) => (w > 0 ? [j] : []));
      this.entries.push({ unit, words, weights, own, ownWeight, firstOwn: weights.indexOf(1), sortKey: text.join(' ') });
      const code = matchKey(unit.code);
      this.byCode.set(code, [...(this.byCode.get(code) ?? []), index]);
    }
  }

  /** Up to `limit` candidates, best first; [] for a query of fewer than 2 letters or digits, or only union/kind words. */
  search(query: string, limit = 5): BranchCandidate<U>[] {
    if (query.length > MAX_QUERY_CHARS || limit < 1) return [];
    const key = matchKey(query);
    if (key.replace(/ /g, '').length < 2) return [];
    const found = new Map<number, BranchCandidate<U>>();
    for (const i of this.byCode.get(key) ?? []) found.set(i, { unit: this.entry(i).unit, score: 2, confidence: 'exact' });
    const q = tokens(key);
    if (q.length > MAX_QUERY_WORDS) return [...found.values()].slice(0, limit);
    const noise = q.map(() => false);
    for (let i = 0; i < q.length; ) {
      const phrase = NOISE.find((p) => startsAt(q, i, p));
      for (let k = 0; k < (phrase?.length ?? 1); k++) noise[i + k] = phrase !== undefined;
      i += phrase?.length ?? 1;
    }
    const weights = noise.map((n) => (n ? NOISE_WEIGHT : 1));
    const total = weights.reduce((sum, w) => sum + w, 0);
    // Each query word meets each vocabulary word once. A branch is worth aligning only when the
    // real query words matching its own words, plus those that might match its leading words
    // ("puhong" for "phường"), plus every noise word, could cover more than half the query.
    const sims = q.map((t) => this.resembling(t));
    const reached = new Map<number, number>();
    let loose = 0;
    sims.forEach((row, i) => {
      if (noise[i]) return;
      for (const v of row.keys()) {
        for (const e of this.postings[v] ?? []) reached.set(e, (reached.get(e) ?? 0) | (1 << i));
        if (this.leading.has(v)) loose |= 1 << i;
      }
    });
    const noiseWeight = total - weights.filter((w) => w === 1).length;
    let dense: Float64Array | undefined;
    for (const [e, mask] of reached) {
      const real = q.reduce((n, _, i) => n + (((mask | loose) >> i) & 1), 0);
      if (found.has(e) || (real + noiseWeight) / total <= 0.5) continue;
      const hit = this.score(this.entry(e), (dense ??= this.matrix(sims)), noise, weights, total);
      if (hit) found.set(e, { unit: this.entry(e).unit, ...hit });
    }
    return [...found.entries()]
      .sort(([a, x], [b, y]) => y.score - x.score || this.entry(a).words.length - this.entry(b).words.length
        || compare(this.entry(a).sortKey, this.entry(b).sortKey) || compare(x.unit.id, y.unit.id))
      .slice(0, Math.floor(limit))
      .map(([, c]) => c);
  }

  private resembling(token: string): ReadonlyMap<number, number> {
    let row = this.similar.get(token);
    if (row) return row;
    const found = new Map<number, number>();
    this.vocabulary.forEach((word, v) => {
      const s = similarity(token, word);
      if (s > 0) found.set(v, s);
    });
    if (this.similar.size >= SIMILAR_CACHE) this.similar.clear();
    this.similar.set(token, (row = found));
    return row;
  }

  /** The similarities as one row of vocabulary length per query word, in a buffer reused across searches. */
  private matrix(sims: readonly ReadonlyMap<number, number>[]): Float64Array {
    const V = this.vocabulary.length;
    this.dense ??= new Float64Array(MAX_QUERY_WORDS * V);
    const dense = this.dense.fill(0, 0, sims.length * V);
    sims.forEach((row, i) => row.forEach((s, v) => (dense[i * V + v] = s)));
    return dense;
  }

  private entry(i: number): Entry<U> {
    return this.entries[i] as Entry<U>;
  }

  private score(e: Entry<U>, sim: Float64Array, noise: readonly boolean[], qWeights: readonly number[], qTotal: number) {
    const Q = noise.length;
    const N = e.words.length;
    const V = this.vocabulary.length;
    const { pairs, qPair, qSim, nSim } = scratch;
    // Greedy alignment, pairs packed into one number so that ascending order is: best similarity
    // first, then own words before optional ones, then query position, then name position.
    let count = 0;
    for (let i = 0; i < Q; i++) {
      for (let j = 0; j < N; j++) {
        const s = sim[i * V + (e.words[j] as number)] as number;
        if (s > 0) pairs[count++] = ((Math.round((1 - s) * 10) * 2 + (e.weights[j] === 0 ? 1 : 0)) * 16 + i) * 64 + j;
      }
    }
    pairs.subarray(0, count).sort();
    qPair.fill(-1, 0, Q);
    qSim.fill(0, 0, Q);
    nSim.fill(0, 0, N);
    for (let p = 0; p < count; p++) {
      const i = ((pairs[p] as number) >> 6) & 15;
      const j = (pairs[p] as number) & 63;
      if (qPair[i] !== -1 || nSim[j] !== 0) continue;
      qPair[i] = j;
      qSim[i] = nSim[j] = sim[i * V + (e.words[j] as number)] as number;
    }
    let qGot = 0;
    let nGot = 0;
    let realMatched = false;
    let kept = 0;
    let ordered = 0;
    for (let i = 0; i < Q; i++) {
      const s = qSim[i] as number;
      qGot += s * (qWeights[i] as number);
      realMatched ||= s > 0 && !noise[i];
      // Word order: the share of pairs of real query words, matched to own words, kept in order.
      for (let k = i + 1; k < Q; k++) {
        const a = qPair[i] as number;
        const b = qPair[k] as number;
        if (noise[i] || noise[k] || !e.weights[a] || !e.weights[b]) continue;
        ordered += 1;
        kept += a < b ? 1 : 0;
      }
    }
    for (const j of e.own) nGot += (nSim[j] as number) * (e.weights[j] as number);
    const qCover = qGot / qTotal;
    const nCover = nGot / e.ownWeight;
    if (qCover <= 0.5 || nCover === 0 || !realMatched) return null;
    const query = [...qSim.subarray(0, Q)];
    const full = query.every((s) => s > 0) && e.own.every((j) => nSim[j] !== 0);
    const lead = e.firstOwn >= 0 && qPair[noise.indexOf(false)] === e.firstOwn;
    const score = (qCover + nCover) / 2 + (full ? 0.1 : 0) + (lead ? 0.04 : 0) + (ordered > 0 ? (0.03 * kept) / ordered : 0);
    const confidence: MatchConfidence =
      full && kept === ordered && query.every((s) => s === 1) && e.own.every((j) => nSim[j] === 1) ? 'exact'
        : query.every((s, i) => s > 0 || noise[i]) && e.own.every((j) => nSim[j] !== 0 || e.weights[j] !== 1) ? 'strong' : 'weak';
    return { score, confidence };
  }
}

/**
 * Takes the branch without asking when exactly one candidate is exact, or, with none exact, exactly
 * one is strong; otherwise offers the candidates; with none, the dialog goes to "không thấy đơn vị".
 */
export function decideBranch<U extends SearchableBranch>(candidates: readonly BranchCandidate<U>[]): BranchDecision<U> {
  const exact = candidates.filter((c) => c.confidence === 'exact');
  const sure = exact.length > 0 ? exact : candidates.filter((c) => c.confidence === 'strong');
  const [only] = sure;
  if (sure.length === 1 && only) return { kind: 'pick', candidate: only };
  return candidates.length > 0 ? { kind: 'choose', candidates } : { kind: 'none' };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

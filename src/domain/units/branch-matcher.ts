import type { UnitLevel } from '../../db/types';
import { matchKey } from '../shared/text';
import { KIND_PREFIXES, stripPrefix, UNION_PREFIXES } from './branch-words';

/** What the matcher needs of a unit. */
export interface MatchableUnit {
  readonly id: string;
  readonly level: UnitLevel;
  readonly code: string;
  readonly name: string;
}

export type BranchMatch<U extends MatchableUnit> =
  | { readonly kind: 'matched'; readonly unit: U }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly U[] }
  /** The text names a district or cluster, which members do not belong to directly. */
  | { readonly kind: 'notBranch'; readonly unit: U }
  | { readonly kind: 'notFound' };

/** The keys a name may be written as, each with how many words were left out to get it. */
function variants(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string, cost: number) => {
    if (key !== '' && (out.get(key) ?? Infinity) > cost) out.set(key, cost);
  };
  const full = matchKey(text);
  add(full, 0);
  const union = stripPrefix(full, UNION_PREFIXES);
  if (union) add(union.rest, union.words);
  for (const base of [{ rest: full, words: 0 }, ...(union ? [union] : [])]) {
    const kind = stripPrefix(base.rest, KIND_PREFIXES);
    if (kind) add(kind.rest, base.words + kind.words);
  }
  return out;
}

class UnitIndex<U extends MatchableUnit> {
  private readonly byKey = new Map<string, { unit: U; cost: number }[]>();

  constructor(units: readonly U[]) {
    for (const unit of units) {
      const keys = variants(unit.name);
      const code = matchKey(unit.code);
      if (code !== '') keys.set(code, 0);
      for (const [key, cost] of keys) this.byKey.set(key, [...(this.byKey.get(key) ?? []), { unit, cost }]);
    }
  }

  /** The units reached by leaving out the fewest words, on either side. */
  closest(text: string): U[] {
    const best = new Map<string, { unit: U; cost: number }>();
    for (const [key, inputCost] of variants(text)) {
      for (const { unit, cost } of this.byKey.get(key) ?? []) {
        const total = inputCost + cost;
        if ((best.get(unit.id)?.cost ?? Infinity) > total) best.set(unit.id, { unit, cost: total });
      }
    }
    const lowest = Math.min(...[...best.values()].map((b) => b.cost));
    return [...best.values()].filter((b) => b.cost === lowest).map((b) => b.unit).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  }
}

/**
 * Finds the branch a person means by a name or code, ignoring case, diacritics, punctuation and
 * spacing. Leading words such as "Đoàn phường" or "Chi đoàn" may be left out on either side; the
 * branch reached by leaving out the fewest words wins, and a tie is ambiguous, never a guess.
 */
export class BranchMatcher<U extends MatchableUnit> {
  private readonly branches: UnitIndex<U>;
  private readonly others: UnitIndex<U>;

  constructor(units: readonly U[]) {
    this.branches = new UnitIndex(units.filter((u) => u.level === 'branch'));
    this.others = new UnitIndex(units.filter((u) => u.level !== 'branch'));
  }

  match(text: string): BranchMatch<U> {
    const found = this.branches.closest(text);
    const [only] = found;
    if (found.length === 1 && only) return { kind: 'matched', unit: only };
    if (found.length > 1) return { kind: 'ambiguous', candidates: found };
    const [other] = this.others.closest(text);
    return other ? { kind: 'notBranch', unit: other } : { kind: 'notFound' };
  }
}

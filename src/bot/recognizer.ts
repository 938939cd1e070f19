import type { Choice, FoundChoice } from 'botbuilder-dialogs';
import { foldVietnamese, matchKey } from '../domain/shared/text';

/**
 * How members type on a phone: no diacritics, any case, short forms. Each short form (a whole
 * word of the folded input) is read as the words it stands for before matching.
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
  tg: 'tham gia',
  thamgia: 'tham gia',
  ok: 'dong y',
  oke: 'dong y',
  okie: 'dong y',
  dc: 'duoc',
  duoc: 'duoc',
  ko: 'khong',
  k: 'khong',
  kg: 'khong',
  hok: 'khong',
  hong: 'khong',
  uh: 'co',
  uk: 'co',
  u: 'co',
  vang: 'co',
  da: 'co',
  yes: 'co',
  no: 'khong',
  mc: 'minh chung',
  minhchung: 'minh chung',
  kq: 'ket qua',
  ketqua: 'ket qua',
  dk: 'dang ky',
  dky: 'dang ky',
  sdt: 'so dien thoai',
};

/** The comparison key of what a member typed: matchKey, then short forms expanded. */
export function inputKey(text: string): string {
  return matchKey(text)
    .split(' ')
    .map((word) => SHORT_FORMS[word] ?? word)
    .join(' ');
}

/** "#ThamGia" → "#thamgia": a Zalo #keyword as typed, folded, spaces removed; undefined when it is not one. */
export function hashKeyword(text: string): string | undefined {
  const folded = foldVietnamese(text).replace(/\s+/g, '');
  return /^#[a-z0-9]+$/.test(folded) ? folded : undefined;
}

/** A number picking the n-th of `count` choices: "2", "2.", "số 2", "chọn 2". */
export function pickedNumber(text: string, count: number): number | undefined {
  const m = /^(?:so|chon|muc)?\s*(\d{1,2})$/.exec(matchKey(text));
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= count ? n : undefined;
}

function keysOf(choice: Choice): string[] {
  return [choice.value, choice.action?.title ?? '', ...(choice.synonyms ?? [])].filter((s) => s !== '').map(inputKey);
}

/**
 * The choice a member meant, or undefined. In order: the exact payload (a quick reply or a
 * postback), the choice's number, its title or a synonym, then the one choice whose title
 * contains what was typed as whole words (at least 3 letters, and only when exactly one does).
 */
export function recognizeChoice(input: string, choices: readonly Choice[]): FoundChoice | undefined {
  const raw = input.trim();
  if (raw === '' || raw.length > 200) return undefined;
  const found = (index: number, synonym?: string): FoundChoice => ({ value: choices[index]!.value, index, score: 1, ...(synonym ? { synonym } : {}) });

  const exact = choices.findIndex((c) => c.value === raw);
  if (exact >= 0) return found(exact);
  const number = pickedNumber(raw, choices.length);
  if (number !== undefined) return found(number - 1);
  const key = inputKey(raw);
  if (key === '') return undefined;
  const named = choices.findIndex((c) => keysOf(c).includes(key));
  if (named >= 0) return found(named, raw);
  if (key.replace(/ /g, '').length < 3) return undefined;
  const padded = ` ${key} `;
  const partial = choices.map((c, i) => ({ i, hit: keysOf(c).some((k) => ` ${k} `.includes(padded)) })).filter((x) => x.hit);
  return partial.length === 1 ? found(partial[0]!.i, raw) : undefined;
}

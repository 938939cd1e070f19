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
  okay: 'dong y',
  dongy: 'dong y',
  dc: 'duoc',
  ko: 'khong',
  k: 'khong',
  kg: 'khong',
  kh: 'khong',
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
  dangky: 'dang ky',
  sdt: 'so dien thoai',
  trogiup: 'tro giup',
  huongdan: 'huong dan',
  cb: 'can bo',
  canbo: 'can bo',
  dv: 'doan vien',
  doanvien: 'doan vien',
  tn: 'thanh nien',
  thanhnien: 'thanh nien',
};

/** Words people add to be polite ("đồng ý ạ", "có nhé"); read without them when nothing matches with them. */
const TRAILING_PARTICLES = new Set(['a', 'nhe', 'nha', 'nhen', 'ha', 'ne', 'luon', 'roi', 'oi', 'ah', 'nhi']);

/** The comparison key of what a member typed: compatibility forms folded (full-width digits), matchKey, then short forms expanded. */
export function inputKey(text: string): string {
  return matchKey(text.normalize('NFKC'))
    .split(' ')
    .map((word) => SHORT_FORMS[word] ?? word)
    .join(' ');
}

/** The key without polite particles at its end ("dong y a" → "dong y"); the key itself when nothing would be left. */
function withoutParticles(key: string): string {
  const words = key.split(' ');
  while (words.length > 1 && TRAILING_PARTICLES.has(words.at(-1)!)) words.pop();
  return words.join(' ');
}

/** "#ThamGia" → "#thamgia": a Zalo #keyword as typed, folded, spaces removed; undefined when it is not one. */
export function hashKeyword(text: string): string | undefined {
  const folded = foldVietnamese(text).replace(/\s+/g, '');
  return /^#[a-z0-9]+$/.test(folded) ? folded : undefined;
}

/** A number picking the n-th of `count` choices: "2", "2.", "số 2", "chọn 2", "２", "2️⃣". */
export function pickedNumber(text: string, count: number): number | undefined {
  const m = /^(?:so|chon|muc)?\s*(\d{1,2})$/.exec(matchKey(text.normalize('NFKC')));
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= 1 && n <= count ? n : undefined;
}

/** Whether the text holds any letter or digit (not only emoji, stickers' alt text or punctuation). */
export function hasWords(text: string): boolean {
  return inputKey(text) !== '';
}

function keysOf(choice: Choice): string[] {
  return [choice.value, choice.action?.title ?? '', ...(choice.synonyms ?? [])].filter((s) => s !== '').map(inputKey);
}

/**
 * The choice a member meant, or undefined. In order: the exact payload (a quick reply or a
 * postback), the choice's number, its title or a synonym (also without polite particles at the
 * end), then the one choice whose title contains what was typed as whole words (at least 3
 * letters, and only when exactly one does).
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
  const keys = choices.map(keysOf);
  for (const wanted of new Set([key, withoutParticles(key)])) {
    const named = keys.findIndex((k) => k.includes(wanted));
    if (named >= 0) return found(named, raw);
  }
  if (key.replace(/ /g, '').length < 3) return undefined;
  const padded = ` ${key} `;
  const partial = keys.map((k, i) => ({ i, hit: k.some((one) => ` ${one} `.includes(padded)) })).filter((x) => x.hit);
  return partial.length === 1 ? found(partial[0]!.i, raw) : undefined;
}

/**
 * What works from anywhere, whatever dialog runs: `start` (Get Started, "bắt đầu": the welcome
 * again), `menu`, `cancel` ("hủy": stop what is running) and `help`. A `greeting` ("xin chào")
 * is the welcome too, but only when no dialog is waiting for an answer. Compared on the whole
 * message, so "hủy" interrupts but "tôi muốn hủy đăng ký nhận tin" does not.
 */
export type Interruption = 'start' | 'greeting' | 'menu' | 'cancel' | 'help';

const INTERRUPTIONS: Readonly<Record<Interruption, readonly string[]>> = {
  start: ['get started', 'bat dau', 'start'],
  greeting: ['xin chao', 'chao', 'chao ban', 'chao ad', 'chao admin', 'chao doan', 'hello', 'hi', 'alo', 'hey'],
  menu: ['menu', 'menu chinh', 'xem menu', 'mo menu', 'danh muc', 'quay lai menu', 've menu'],
  cancel: ['huy', 'huy bo', 'cancel', 'thoat', 'dung lai', 'thoi'],
  help: ['tro giup', 'help', 'huong dan', 'giup', 'giup do', 'giup voi', 'giup minh', 'can giup'],
};

const INTERRUPTION_OF = new Map<string, Interruption>(
  (Object.entries(INTERRUPTIONS) as [Interruption, readonly string[]][]).flatMap(([kind, words]) => words.map((w) => [inputKey(w), kind] as const)),
);

export function interruptionOf(text: string): Interruption | undefined {
  if (text.length > 100) return undefined;
  if (text.trim() === '?') return 'help';
  const key = inputKey(text);
  return INTERRUPTION_OF.get(key) ?? INTERRUPTION_OF.get(withoutParticles(key));
}

/** The most a dialog reads of one message; the rest is dropped (and the member told). */
export const MAX_INPUT_CHARS = 2000;

/** The message cut to `max` characters, never inside a surrogate pair; `cut` says whether anything was dropped. */
export function capInput(text: string, max: number = MAX_INPUT_CHARS): { readonly text: string; readonly cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return { text: text.slice(0, end), cut: true };
}

import { matchKey } from '../shared/text';
import { KIND_PREFIXES, stripPrefix, UNION_PREFIXES } from './branch-words';

/**
 * A branch's name without the words every branch starts with, for a choice title that must be
 * short (Messenger cuts quick replies at 20 characters): "Đoàn phường Bình Hưng Hòa A" →
 * "Bình Hưng Hòa A", "Đoàn trường THPT Bình Tân" → "THPT Bình Tân". The kind word stays when the
 * rest is only a number ("Đoàn phường 5" → "Phường 5"). The name is returned whole when its words
 * do not line up with its match key (punctuation glued to a word, as in "P.An Lạc").
 */
export function branchShortName(name: string): string {
  const words = name.normalize('NFC').trim().split(/\s+/);
  if (words.some((w) => matchKey(w).includes(' ') || matchKey(w) === '')) return name.trim();
  const key = words.map(matchKey).join(' ');
  const union = stripPrefix(key, UNION_PREFIXES);
  const kind = stripPrefix(union?.rest ?? key, KIND_PREFIXES);
  const unionWords = union?.words ?? 0;
  const kindWords = kind?.words ?? 0;
  const rest = words.slice(unionWords + kindWords);
  const keepKind = rest.every((w) => /^\d+$/.test(matchKey(w)));
  const shown = keepKind ? words.slice(unionWords) : rest;
  if (shown.length === 0) return name.trim();
  const [first, ...others] = shown;
  return [first!.charAt(0).toLocaleUpperCase('vi') + first!.slice(1), ...others].join(' ');
}

/**
 * The words a branch's name may start with that say what it is rather than which one it is:
 * the union's own word first ("Đoàn", "Chi đoàn"), then the kind of place ("phường", "trường").
 * Staff and members write them or leave them out at will. Longest first, compared as match keys
 * (see matchKey in ../shared/text). Shared by the roster importer's exact matcher and the chat's
 * fuzzy branch search.
 */
export const UNION_PREFIXES: readonly string[] = ['chi doan co so', 'doan co so', 'lien chi doan', 'chi doan', 'doan tncs ho chi minh', 'doan thanh nien', 'doan'];
export const KIND_PREFIXES: readonly string[] = ['thi tran', 'phuong', 'p', 'xa', 'truong', 'cong ty', 'cty', 'co quan'];

/** `key` without the first of `prefixes` it starts with, and how many words went; null when none, or nothing would be left. */
export function stripPrefix(key: string, prefixes: readonly string[]): { rest: string; words: number } | null {
  for (const prefix of prefixes) {
    if (key.startsWith(`${prefix} `) && key.length > prefix.length + 1) {
      return { rest: key.slice(prefix.length + 1), words: prefix.split(' ').length };
    }
  }
  return null;
}

/** How many leading words of a match key are union and kind words: "doan phuong doan ket" → 2 (its own name is "doan ket"). */
export function leadingPrefixWords(key: string): number {
  const union = stripPrefix(key, UNION_PREFIXES);
  const kind = stripPrefix(union?.rest ?? key, KIND_PREFIXES);
  return (union?.words ?? 0) + (kind?.words ?? 0);
}

/** True for the first half of a UTF-16 surrogate pair: a cut there would split a character (an emoji). */
export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

const BOUNDARIES = [/\n[^\S\n]*\n/g, /\n/g, /(?<=[.!?…]["'”’»)\]]*)\s/g, /\s/g];

function cutIndex(text: string, limit: number): number {
  // One character beyond the limit, so a boundary right at the limit is seen.
  const window = text.slice(0, limit + 1);
  let best = 0;
  for (const boundary of BOUNDARIES) {
    let last = 0;
    for (const match of window.matchAll(boundary)) if (match.index > 0) last = match.index;
    if (last >= limit / 2) return last;
    best = Math.max(best, last);
  }
  if (best > 0) return best;
  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
}

/**
 * Splits text into parts of at most `limit` UTF-16 code units (after NFC; never fewer characters
 * than a platform counts), never inside a word unless one word is longer than the limit. Prefers,
 * in order, a paragraph break, a line break, a sentence end, then any space, taking the best kind
 * that still fills at least half a part. Both platforms cap a text message (2,000 characters).
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new Error('limit must be at least 2');
  const parts: string[] = [];
  let rest = text.normalize('NFC').trim();
  while (rest.length > limit) {
    const cut = cutIndex(rest, limit);
    const part = rest.slice(0, cut).trimEnd();
    if (part !== '') parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

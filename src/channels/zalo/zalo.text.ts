/**
 * Splits text into pieces of at most `limit` UTF-16 units (never more characters than that, and
 * never half of a surrogate pair): at the last sentence end or line break that fits, else at the
 * last space, else hard. Pieces are trimmed; empty ones are dropped.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 2) throw new Error('limit must be at least 2');
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const cut = cutPoint(rest, limit);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece !== '') pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

// A sentence ends with . ! ? or … (possibly repeated), then closing quotes or brackets, then a space.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)|\n/g;

function cutPoint(text: string, limit: number): number {
  // One character beyond the limit, so a boundary right at the limit is seen.
  const window = text.slice(0, limit + 1);
  let sentence = 0;
  for (const match of window.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    if (end <= limit) sentence = end;
  }
  if (sentence > 0) return sentence;
  const space = window.search(/\s\S*$/);
  if (space > 0) return space;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

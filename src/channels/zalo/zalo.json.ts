/**
 * JSON from Zalo, read without losing digits. Zalo ids are documented as strings, yet they exceed
 * 2^53 (zalo.md §1.4, N4 §13.4), so a body or answer that ever carries one as a bare number would be
 * silently rounded by JSON.parse. Every bare integer literal of 16 or more digits is quoted first.
 */

/** Integer literals this long may exceed Number.MAX_SAFE_INTEGER (16 digits). */
const PROTECT_FROM_DIGITS = 16;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Quotes every bare integer of 16+ digits that stands outside a string; leaves the rest byte for byte. */
export function quoteLongIntegers(json: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < json.length) {
    const code = json.charCodeAt(i);
    if (code === 34 /* " */) {
      i = endOfString(json, i);
      continue;
    }
    if (code === 45 /* - */ || isDigit(code)) {
      const start = i;
      if (code === 45) i++;
      const digitsStart = i;
      while (i < json.length && isDigit(json.charCodeAt(i))) i++;
      const digits = i - digitsStart;
      let integer = true;
      while (i < json.length && /[.eE+\-\d]/.test(json[i]!)) {
        integer = false;
        i++;
      }
      if (integer && digits >= PROTECT_FROM_DIGITS) {
        out += `${json.slice(copiedUpTo, start)}"${json.slice(start, i)}"`;
        copiedUpTo = i;
      }
      continue;
    }
    i++;
  }
  return copiedUpTo === 0 ? json : out + json.slice(copiedUpTo);
}

/** The index just past the string that opens at `start` (or the end of the text when unterminated). */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length) {
    const code = json.charCodeAt(i);
    if (code === 92 /* \ */) i += 2;
    else if (code === 34) return i + 1;
    else i++;
  }
  return i;
}

export type ZaloJson = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parses Zalo's bytes as UTF-8 JSON with long integers kept as strings; never throws. */
export function parseZaloJson(raw: Buffer | string): ZaloJson {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(quoteLongIntegers(text)) as unknown };
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
}

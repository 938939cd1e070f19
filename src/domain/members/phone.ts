/**
 * Vietnamese mobile numbers, normalised to E.164: "+84" and the nine digits after the leading 0
 * (the database check is ^\+84[35789][0-9]{8}$). Pure; the importers and the chat share it.
 */

export type PhoneProblem = 'empty' | 'invalidCharacters' | 'landline' | 'unknownOldPrefix' | 'notMobile';

export type PhoneResult =
  | { readonly ok: true; readonly phone: string }
  | { readonly ok: false; readonly problem: PhoneProblem; readonly reason: string };

/**
 * The 2018 move of 11-digit mobile numbers to 10 digits (Bộ TT&TT, Quyết định 798/QĐ-BTTTT,
 * carried out 15/9–15/11/2018): old prefix without its 0 → new prefix without its 0.
 */
const OLD_MOBILE_PREFIXES: Readonly<Record<string, string>> = {
  // Viettel: 0162–0169 → 032–039
  '162': '32', '163': '33', '164': '34', '165': '35', '166': '36', '167': '37', '168': '38', '169': '39',
  // MobiFone
  '120': '70', '121': '79', '122': '77', '126': '76', '128': '78',
  // VinaPhone
  '123': '83', '124': '84', '125': '85', '127': '81', '129': '82',
  // Vietnamobile
  '186': '56', '188': '58',
  // Gmobile
  '199': '59',
};

const REASONS: Readonly<Record<PhoneProblem, string>> = {
  empty: 'trống',
  invalidCharacters: 'có ký tự không phải chữ số',
  landline: 'là số cố định, cần số di động',
  unknownOldPrefix: 'có đầu số 11 chữ số cũ không có trong bảng chuyển đổi năm 2018',
  notMobile: 'không phải số di động Việt Nam (cần 10 chữ số, ví dụ 0912345678)',
};

function fail(problem: PhoneProblem): PhoneResult {
  return { ok: false, problem, reason: REASONS[problem] };
}

/** The digits after the country code and without the trunk 0; '' when another country's code is given. */
function nationalDigits(compact: string): string {
  let digits = compact.replace(/^\+/, '');
  const international = compact.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  // "84…" is a country code only when the number is long enough to carry one: nine local digits
  // that happen to start with 84 (084 VinaPhone, 0 dropped by Excel) stay local.
  if (international || (digits.startsWith('84') && digits.length >= 11)) {
    if (!digits.startsWith('84')) return '';
    digits = digits.slice(2);
  }
  // "+84 0912…" and "0912…" both carry the trunk 0.
  return digits.startsWith('0') ? digits.slice(1) : digits;
}

/**
 * Accepts 0912345678, 84912345678, +84 912 345 678, 091.234.5678, (+84) 91-234-5678,
 * 912345678 (a spreadsheet dropped the 0) and the pre-2018 11-digit numbers (01621234567 → +84321234567).
 */
export function normalizeVietnamMobile(input: string): PhoneResult {
  const text = input.trim();
  if (text === '') return fail('empty');
  const compact = text.replace(/[\s.\-()]/g, '');
  if (!/^\+?\d+$/.test(compact)) return fail('invalidCharacters');

  let national = nationalDigits(compact);
  if (national.length === 10 && national.startsWith('1')) {
    const current = OLD_MOBILE_PREFIXES[national.slice(0, 3)];
    if (current === undefined) return fail('unknownOldPrefix');
    national = current + national.slice(3);
  }
  if (/^[35789]\d{8}$/.test(national)) return { ok: true, phone: `+84${national}` };
  if (/^2\d{8,9}$/.test(national)) return fail('landline');
  return fail('notMobile');
}

/** +84912345678 → 0912345678, the way people write and read it. */
export function formatVietnamMobile(phone: string): string {
  return phone.startsWith('+84') ? `0${phone.slice(3)}` : phone;
}

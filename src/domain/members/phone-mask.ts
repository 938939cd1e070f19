/**
 * A phone as a cadre may see it when checking a registration, and as logs may hold it: the first
 * two and the last three digits of the local form ("+84912345123" → "09xx xxx 123"). Enough to
 * tell two people apart with the person in front of you, not enough to call them.
 */
export function maskPhone(phone: string | null): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  const local = digits.startsWith('84') && digits.length === 11 ? `0${digits.slice(2)}` : digits;
  if (local.length < 6) return 'xxx';
  return `${local.slice(0, 2)}xx xxx ${local.slice(-3)}`;
}

/** The member's own phone shown back to them ("+84912345678" → "0912 *** 678"): enough to recognise, too little to copy from a screen. */
export function maskOwnPhone(phone: string): string {
  const local = phone.startsWith('+84') ? `0${phone.slice(3)}` : phone;
  if (local.length < 7) return '***';
  return `${local.slice(0, 4)} *** ${local.slice(-3)}`;
}

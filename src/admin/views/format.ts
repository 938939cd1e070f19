/** Numbers, percentages and dates as Vietnamese readers write them (1.234; 85,5%; 30/11/2026). */
const integer = new Intl.NumberFormat('vi-VN');
const decimal = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatPct(pct: number | null): string {
  return pct === null ? '—' : `${decimal.format(pct)}%`;
}

export function formatDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
}

export function formatDateTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('vi-VN', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);
}

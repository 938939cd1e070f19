/**
 * What the schedules say to members and cadres, in Vietnamese. Pure: every figure, name and date
 * comes in as an argument; dates are written the Vietnamese way (31/3/2026) in APP_TIMEZONE.
 */
import { addDays, formatVietnameseDay, localDayOf, localMinuteOf, type LocalDay } from '../shared/time';

const JOIN_HINT = 'Bạn chọn “Tham gia đợt” trong menu (hoặc gõ #thamgia) để tham gia nhé.';
const PROOF_HINT = 'Bạn chọn “Gửi minh chứng” trong menu (hoặc gõ #minhchung) rồi gửi đường dẫn bài đăng hoặc ảnh chụp màn hình nhé.';

/** "hết ngày 31/3/2026", or "19:00 ngày 29/4/2026" when the wave does not end at midnight. */
export function endText(endsAt: Date, timeZone: string): string {
  const minute = localMinuteOf(endsAt, timeZone);
  if (minute === 0) return `hết ngày ${formatVietnameseDay(addDays(localDayOf(endsAt, timeZone), -1))}`;
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return `${hh}:${mm} ngày ${formatVietnameseDay(localDayOf(endsAt, timeZone))}`;
}

/** The wave's last local day (its end is exclusive). */
export function lastDayOf(endsAt: Date, timeZone: string): LocalDay {
  return localDayOf(new Date(endsAt.getTime() - 1), timeZone);
}

export interface TeachingText {
  readonly body: string;
  readonly source: string;
}

export const CONTENT_TEXT = {
  teaching: (t: TeachingText) => `Lời Bác dạy tuần này:\n\n“${unquote(t.body)}”\n\n— ${t.source}`,
  goodNews: (title: string | null, body: string) => `Tin tốt hôm nay 🌱\n\n${title ? `${title}\n\n` : ''}${body}`,
  legalInfo: (title: string | null, body: string) => `Thông tin pháp luật ⚖️\n\n${title ? `${title}\n\n` : ''}${body}`,
  readMore: 'Xem chi tiết',
} as const;

/** A quotation stored with its own quotation marks is not quoted twice. */
function unquote(text: string): string {
  return text.trim().replace(/^[“"](.*)[”"]$/s, '$1');
}

export interface WaveText {
  readonly title: string;
  readonly description: string;
  readonly hashtags: readonly string[];
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export const WAVE_TEXT = {
  launch: (w: WaveText, timeZone: string) =>
    [
      `📣 Đợt hoạt động mới: ${w.title}`,
      w.description.trim(),
      `Thời gian: từ ${formatVietnameseDay(localDayOf(w.startsAt, timeZone))} đến ${endText(w.endsAt, timeZone)}.`,
      w.hashtags.length > 0 ? `Hashtag: ${w.hashtags.join(' ')}` : '',
      JOIN_HINT,
    ]
      .filter((line) => line !== '')
      .join('\n\n'),
  midReminder: (w: WaveText, timeZone: string) =>
    `Đợt “${w.title}” đã đi được một nửa chặng đường và sẽ kết thúc vào ${endText(w.endsAt, timeZone)}. ` +
    `Mình chưa thấy bạn tham gia, cùng góp một phần với chi đoàn nhé! ${JOIN_HINT}`,
  lastDayReminder: (w: WaveText, timeZone: string) =>
    `Ngày mai (${formatVietnameseDay(lastDayOf(w.endsAt, timeZone))}) là ngày cuối của đợt “${w.title}”. ` +
    `Bạn vẫn kịp tham gia đến ${endText(w.endsAt, timeZone)}. ${JOIN_HINT}`,
  midProofNudge: (w: WaveText, timeZone: string) =>
    `Cảm ơn bạn đã tham gia đợt “${w.title}”! Mình chưa nhận được minh chứng của bạn; ` +
    `đợt kết thúc vào ${endText(w.endsAt, timeZone)}. ${PROOF_HINT}`,
  lastDayProofNudge: (w: WaveText, timeZone: string) =>
    `Ngày mai (${formatVietnameseDay(lastDayOf(w.endsAt, timeZone))}) là ngày cuối của đợt “${w.title}” mà bạn đã tham gia, ` +
    `nhưng mình vẫn chưa nhận được minh chứng. ${PROOF_HINT}`,
} as const;

export interface TurnoutFigures {
  readonly cadres: number;
  readonly cadresTookPart: number;
  readonly members: number;
  readonly membersTookPart: number;
  readonly cadreTargetPct: number;
  readonly memberTargetPct: number;
}

function pct(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((part * 100) / total);
}

/** How many more people reach the target (0 when it is met). */
export function shortOfTarget(tookPart: number, total: number, targetPct: number): number {
  return Math.max(0, Math.ceil((targetPct * total) / 100 - 1e-9) - tookPart);
}

/** "– Cán bộ Đoàn: 3/5 (60%), chỉ tiêu 100% — cần thêm 2 người." */
export function turnoutLine(label: string, tookPart: number, total: number, targetPct: number): string {
  if (total === 0) return `– ${label}: chưa có trong danh sách của chi đoàn.`;
  const short = shortOfTarget(tookPart, total, targetPct);
  const standing = short === 0 ? 'đạt chỉ tiêu 🎉' : `cần thêm ${short} người`;
  return `– ${label}: ${tookPart}/${total} (${pct(tookPart, total)}%), chỉ tiêu ${targetPct}% — ${standing}.`;
}

export function turnoutLines(f: TurnoutFigures): string[] {
  return [turnoutLine('Cán bộ Đoàn', f.cadresTookPart, f.cadres, f.cadreTargetPct), turnoutLine('Đoàn viên', f.membersTookPart, f.members, f.memberTargetPct)];
}

/** At most this many names are listed; the rest are counted. */
export const MAX_NAMES = 20;

export function nameList(names: readonly string[], max = MAX_NAMES): string {
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} và ${rest} người khác` : shown.join(', ');
}

export const CLOSING_TEXT = {
  summary: (branchName: string, waveTitle: string, endsAt: Date, timeZone: string, figures: TurnoutFigures | null) =>
    [
      `Đợt “${waveTitle}” đã kết thúc (${endText(endsAt, timeZone)}). Kết quả của ${branchName}:`,
      ...(figures ? turnoutLines(figures) : ['– Đợt này không có chỉ tiêu theo kế hoạch; cảm ơn chi đoàn đã đồng hành.']),
      'Cảm ơn các bạn cán bộ Đoàn đã cùng đoàn viên, thanh niên của chi đoàn tham gia. Các bạn xem chi tiết trên trang quản trị nhé.',
    ].join('\n'),
} as const;

export const CADRE_NUDGE_TEXT = {
  nudge: (waveTitle: string, endsAt: Date, timeZone: string, nth: number) =>
    (nth === 1
      ? `Chào bạn, đợt “${waveTitle}” của Quận Đoàn đã phát động được mấy ngày mà mình chưa thấy bạn tham gia. `
      : `Chào bạn, mình nhắc lại một chút: bạn chưa tham gia đợt “${waveTitle}”. `) +
    `Chỉ tiêu là 100% cán bộ Đoàn cùng tham gia để làm gương cho đoàn viên; đợt kết thúc vào ${endText(endsAt, timeZone)}. ${JOIN_HINT}`,
  toSecretary: (branchName: string, waveTitle: string, names: readonly string[]) =>
    `Thưa đồng chí Bí thư, đợt “${waveTitle}” đã nhắc 2 lần mà các đồng chí cán bộ Đoàn sau của ${branchName} vẫn chưa tham gia: ` +
    `${nameList(names)}. Đồng chí nhắc giúp các đồng chí ấy cùng tham gia nhé. Cảm ơn đồng chí!`,
} as const;

export interface DigestWave extends TurnoutFigures {
  readonly title: string;
  readonly endsAt: Date;
  /** Names of the branch's verified cadres and members who have not taken part yet (cadres first). */
  readonly missing: readonly string[];
}

export const DIGEST_TEXT = {
  digest: (branchName: string, today: LocalDay, waves: readonly DigestWave[], timeZone: string) =>
    [
      `Tổng hợp tuần của ${branchName} (đến ngày ${formatVietnameseDay(today)}):`,
      ...waves.map((w) =>
        [
          '',
          `• ${w.title} (đến ${endText(w.endsAt, timeZone)})`,
          ...turnoutLines(w),
          w.missing.length > 0 ? `Chưa tham gia: ${nameList(w.missing)}.` : 'Tất cả cán bộ Đoàn và đoàn viên của chi đoàn đã tham gia. 🎉',
        ].join('\n'),
      ),
      '',
      'Các bạn động viên những người chưa tham gia giúp mình nhé. Cảm ơn các bạn!',
    ].join('\n'),
} as const;

const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'] as const;

export const THEORY_CLUB_TEXT = {
  quarterly: (quarter: number, year: number) =>
    `Chào bạn, quý ${ROMAN_QUARTERS[quarter - 1] ?? quarter}/${year} đã bắt đầu: đến kỳ sinh hoạt định kỳ hằng quý của CLB Lý luận trẻ. ` +
    'Ban chủ nhiệm sẽ báo thời gian và địa điểm cụ thể; bạn sắp xếp tham dự và chuẩn bị ý tưởng tin, bài cho các trang chính thống nhé.',
} as const;

/** How a cadre opens the good-news report in chat. */
export const BRANCH_REPORT_KEYWORD = '#baocao';

export const GOOD_NEWS_REPORT_TEXT = {
  evening: (branchName: string, today: LocalDay) =>
    `Chào bạn, hôm nay (${formatVietnameseDay(today)}) ${branchName} chưa báo cáo bài đăng tin tốt trong ngày. ` +
    // The keyword is the chat's (dialogs/catalog/menu.vi.ts, branchReport); the domain may not import it, a test keeps them together.
    `Nếu đơn vị đã đăng, bạn nhắn “${BRANCH_REPORT_KEYWORD}” rồi gửi đường dẫn bài viết để Quận Đoàn ghi nhận; nếu chưa, còn kịp đăng một tin tốt trước khi hết ngày nhé.`,
} as const;

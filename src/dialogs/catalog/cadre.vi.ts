/** Cadres' desk (proof review, registrations, branch trends), collaborators' tasks, good news. */
import type { MemberRole, ProofPlatform, TaskAction } from '../../db/types';
import { MENU } from './menu.vi';
import { PLATFORM_NAME } from './waves.vi';

/** "10:30 ngày 28/11/2026". */
export function clockText(at: { day: number; month: number; year: number; hour: number; minute: number }): string {
  return `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')} ngày ${at.day}/${at.month}/${at.year}`;
}

/** "15/12/2026". */
export function dayText(day: { day: number; month: number; year: number }): string {
  return `${day.day}/${day.month}/${day.year}`;
}

const ROLE_NAMES: Readonly<Record<MemberRole, string>> = { cadre: 'Cán bộ Đoàn', member: 'Đoàn viên', youth: 'Thanh niên' };
const ACTION_NAMES: Readonly<Record<TaskAction, string>> = { like: 'thích', share: 'chia sẻ', comment: 'bình luận' };

export const CADRE_TEXT = {
  notCadre:
    'Mục “Việc của cán bộ” dành cho cán bộ Đoàn đã được xác nhận của chi đoàn. ' +
    'Nếu bạn là cán bộ Đoàn mà chưa vào được, bạn nhắn “gặp cán bộ” để Đoàn kiểm tra giúp nhé.',
  deskPrompt: 'Bạn muốn làm việc nào?',
  deskRetry: 'Bạn chọn giúp mình một việc trong danh sách nhé (có thể trả lời bằng số).',
  reviewProofs: 'Duyệt minh chứng',
  reviewRegistrations: 'Duyệt đăng ký',
  registerTrend: 'Đăng ký xu hướng',
  reportGoodNews: MENU.branchReport.title,
  backToMenu: 'Về menu chính',

  // Proof review
  approve: 'Duyệt',
  reject: 'Không duyệt',
  skip: 'Bỏ qua',
  stop: 'Dừng',
  reviewRetry: 'Bạn chọn giúp mình: Duyệt, Không duyệt, Bỏ qua hoặc Dừng nhé (có thể trả lời bằng số).',
  openLink: 'Mở link minh chứng',
  duplicateImage: '⚠️ Ảnh này trùng với minh chứng của một người khác. Bạn xem kỹ giúp mình nhé.',
  duplicateLink: '⚠️ Link này trùng với minh chứng của một người khác. Bạn xem kỹ giúp mình nhé.',
  noProofsLeft: 'Chi đoàn hiện không còn minh chứng nào chờ duyệt.',
  reasonPrompt: 'Vì sao minh chứng này chưa được duyệt? Bạn chọn một lý do, hoặc gõ lý do của bạn nhé.',
  otherReason: 'Lý do khác',
  typeReason: 'Bạn gõ lý do giúp mình (một câu ngắn, tối đa 300 ký tự) nhé.',
  reasonTooShort: 'Lý do ngắn quá, bạn viết rõ hơn một chút để bạn ấy biết cần sửa gì nhé.',
  reasonTooLong: 'Lý do hơi dài, bạn rút gọn giúp mình trong 300 ký tự nhé.',
  approvedDone: '✅ Đã duyệt. Mình đã báo cho bạn ấy.',
  alreadyReviewed: 'Minh chứng này vừa được cán bộ khác xử lý rồi, mình chuyển sang minh chứng tiếp theo nhé.',
  proofGone: 'Minh chứng này không còn trong danh sách chờ duyệt, mình chuyển sang minh chứng tiếp theo nhé.',

  // Registrations
  confirmRegistration: 'Xác nhận',
  declineRegistration: 'Từ chối',
  registrationRetry: 'Bạn chọn giúp mình: Xác nhận, Từ chối, Bỏ qua hoặc Dừng nhé (có thể trả lời bằng số).',
  noRegistrationsLeft: 'Chi đoàn hiện không còn đăng ký nào chờ xác nhận.',
  registrationAlreadyDecided: 'Đăng ký này vừa được xử lý rồi, mình chuyển sang đăng ký tiếp theo nhé.',

  // Branch trend
  trendIntro:
    'Mình cùng đăng ký xu hướng của chi đoàn nhé (kế hoạch mong mỗi chi đoàn có ít nhất một xu hướng mỗi năm). ' +
    'Mình sẽ hỏi 5 điều: tên, ngày bắt đầu, ngày kết thúc, cách tham gia và hashtag.',
  askTrendTitle: 'Tên xu hướng là gì? (ví dụ: “Mỗi ngày một việc tốt”)',
  trendTitleTooShort: 'Tên xu hướng ngắn quá, bạn đặt tên rõ hơn một chút nhé (ít nhất 5 ký tự).',
  trendTitleTooLong: 'Tên xu hướng hơi dài, bạn rút gọn giúp mình trong 150 ký tự nhé.',
  askTrendStart: 'Xu hướng bắt đầu ngày nào? Bạn gõ theo dạng ngày/tháng, ví dụ 15/12 hoặc 15/12/2026.',
  askTrendEnd: 'Và kết thúc ngày nào? (ví dụ 31/12)',
  dayNotRead: 'Mình chưa đọc được ngày này. Bạn gõ theo dạng ngày/tháng, ví dụ 15/12 hoặc 15/12/2026 nhé.',
  dayNotOnCalendar: 'Ngày này không có trên lịch (ví dụ 31/11). Bạn kiểm tra lại giúp mình nhé.',
  trendTooLong: 'Một xu hướng kéo dài tối đa 92 ngày. Bạn chọn ngày kết thúc sớm hơn giúp mình nhé.',
  askTrendDescription: 'Mọi người cần làm gì để tham gia? (ví dụ: “Đăng ảnh một việc tốt bạn đã làm trong ngày, kèm hashtag của chi đoàn”)',
  trendDescriptionTooShort: 'Bạn mô tả rõ hơn một chút cách tham gia giúp mình nhé (ít nhất 10 ký tự).',
  trendDescriptionTooLong: 'Phần cách tham gia hơi dài, bạn rút gọn giúp mình trong 1.000 ký tự nhé.',
  askHashtag: 'Hashtag của xu hướng là gì? (ví dụ: #MoiNgayMotViecTot)',
  hashtagEmpty: 'Hashtag cần có chữ, ví dụ #MoiNgayMotViecTot. Bạn gõ lại giúp mình nhé.',
  hashtagTooLong: 'Hashtag hơi dài, bạn rút gọn giúp mình trong 50 ký tự nhé.',
  saveTrend: 'Lưu',
  dontSaveTrend: 'Không lưu',
  confirmRetry: 'Bạn chọn “Lưu” hoặc “Không lưu” giúp mình nhé (có thể trả lời bằng số).',
  trendNotSaved: 'Mình chưa lưu xu hướng này. Khi nào cần, bạn chọn lại “Đăng ký xu hướng” nhé.',

  // The branch's good-news post of the day
  reportNotCadre:
    `Mục “${MENU.branchReport.title}” dành cho cán bộ Đoàn đã được xác nhận của chi đoàn. ` +
    'Nếu bạn là cán bộ Đoàn mà chưa vào được, bạn nhắn “gặp cán bộ” để Đoàn kiểm tra giúp nhé.',
  reportLater: 'Để sau',
  reportLaterDone: `Dạ, khi chi đoàn đăng bài, bạn nhắn “${MENU.branchReport.keyword}” hoặc chọn “${MENU.branchReport.title}” trong menu để báo cáo nhé.`,
  reportNoLink:
    'Mình chưa thấy đường link bài đăng trong tin nhắn này. Bạn mở bài đăng, bấm “Chia sẻ” rồi “Sao chép liên kết” và gửi lại giúp mình, ' +
    'hoặc chọn “Để sau” nhé.',
  reportNotAPost:
    'Đường link này chưa phải link của một bài đăng (có thể là trang chủ, trang cá nhân, fanpage hay tin 24 giờ). ' +
    'Bạn mở đúng bài đăng tin tốt, bấm “Chia sẻ” rồi “Sao chép liên kết” và gửi lại giúp mình nhé.',

  // Collaborators
  notCollaborator:
    'Mục “Nhiệm vụ CTV” dành cho cộng tác viên đã được Đoàn xác nhận. ' +
    'Nếu bạn muốn làm cộng tác viên, bạn liên hệ cán bộ Đoàn của đơn vị mình nhé.',
  noTasks: 'Hiện chưa có nhiệm vụ nào đang mở cho bạn. Khi có nhiệm vụ mới, Đoàn sẽ báo bạn nhé.',
  allTasksDone: 'Bạn đã hoàn thành hết các nhiệm vụ đang mở. Cảm ơn bạn rất nhiều! Nhắn “menu” khi bạn cần mình nhé.',
  later: 'Để sau',
  tasksRetry: 'Bạn chọn nhiệm vụ đã làm xong, hoặc “Để sau” giúp mình nhé (có thể trả lời bằng số).',
  tasksLater: 'Dạ, khi làm xong bạn quay lại mục “Nhiệm vụ CTV” báo giúp mình nhé.',
  askTaskLink:
    'Tuyệt quá! Nếu bạn đã chia sẻ hoặc bình luận, bạn gửi giúp mình link bài của bạn (không bắt buộc). ' +
    'Nếu không có, bạn chọn “Không có link” nhé.',
  noLink: 'Không có link',
  badTaskLink: 'Mình chưa thấy đường link hợp lệ (bắt đầu bằng https://). Bạn gửi lại link, hoặc chọn “Không có link” nhé.',
  taskAlreadyDone: 'Nhiệm vụ này bạn đã báo hoàn thành trước đó rồi, mình vẫn giữ nguyên ghi nhận nhé.',
  taskClosed: 'Nhiệm vụ này vừa hết hạn hoặc đã đóng nên mình chưa ghi nhận được. Cảm ơn bạn vẫn nhiệt tình nhé!',

  // Good news
  notRegistered:
    'Để gửi tin tốt, bạn cần đăng ký thông tin với Đoàn trước (chỉ mất một phút). ' +
    'Sau khi đăng ký, bạn quay lại mục “Gửi tin tốt” nhé.',
  askGoodNews:
    'Bạn gửi giúp mình đường link tin tốt, hoặc kể ngắn gọn câu chuyện đẹp bạn biết (tối đa 1.500 ký tự) nhé.',
  goodNewsEmpty: 'Mình chưa thấy link hay lời kể nào. Bạn gửi đường link, hoặc gõ câu chuyện giúp mình nhé.',
  goodNewsTooShort: 'Câu chuyện ngắn quá, bạn kể thêm một chút giúp mình nhé (ít nhất 20 ký tự), hoặc gửi đường link bài viết.',
  goodNewsBadLink: 'Đường link này mình chưa đọc được. Bạn gửi link bắt đầu bằng https:// giúp mình nhé.',
  askGoodNewsDescription: 'Bạn viết giúp mình một dòng mô tả ngắn: tin này nói về điều gì?',
  goodNewsDescriptionTooShort: 'Bạn mô tả thêm một chút giúp mình nhé (ít nhất 5 ký tự).',
  goodNewsDescriptionTooLong: 'Dòng mô tả hơi dài, bạn rút gọn giúp mình trong 200 ký tự nhé.',
  sendGoodNews: 'Gửi',
  dontSendGoodNews: 'Không gửi',
  goodNewsConfirmRetry: 'Bạn chọn “Gửi” hoặc “Không gửi” giúp mình nhé (có thể trả lời bằng số).',
  goodNewsThanks:
    'Cảm ơn bạn đã lan tỏa điều tốt đẹp! 💚 Tin của bạn đang chờ cán bộ Đoàn xem trước khi đăng lên các trang chính thống.',
  goodNewsNotSent: 'Mình chưa gửi tin này. Khi nào cần, bạn chọn lại “Gửi tin tốt” nhé.',
} as const;

/** The reasons a cadre picks from when a proof is not approved (or types their own). */
export const REJECT_REASONS = [
  { value: 'reason:link', title: 'Link không mở được', reason: 'Link không mở được (bài cần để chế độ công khai)' },
  { value: 'reason:content', title: 'Sai nội dung đợt', reason: 'Nội dung chưa đúng với yêu cầu của đợt' },
  { value: 'reason:hashtag', title: 'Thiếu hashtag', reason: 'Bài đăng còn thiếu hashtag của đợt' },
  { value: 'reason:image', title: 'Ảnh không rõ', reason: 'Ảnh chưa rõ, chưa thấy được nội dung bài đăng' },
] as const;

export function deskIntro(branchName: string, proofs: number, registrations: number, goodNewsReportedToday?: boolean): string {
  const lines = [`Việc của cán bộ – ${branchName}`, `• ${proofs} minh chứng chờ duyệt`, `• ${registrations} đăng ký chờ xác nhận`];
  if (goodNewsReportedToday !== undefined) lines.push(`• Tin tốt hôm nay: ${goodNewsReportedToday ? 'đã báo cáo' : 'chưa báo cáo'}`);
  return lines.join('\n');
}

/** Asks for the link of the branch's good-news post of the day, saying what was reported already. */
export function askReportLink(branchName: string, today: string, reported: string | undefined): string {
  if (reported === undefined) {
    return (
      `Bạn gửi giúp mình đường link bài đăng tin tốt hôm nay (${today}) trên trang của ${branchName} nhé ` +
      '(bài đăng công khai trên Facebook, TikTok, YouTube, Instagram, Threads hoặc Zalo).'
    );
  }
  return `Hôm nay (${today}) ${branchName} đã báo cáo bài:\n${reported}\nNếu muốn đổi, bạn gửi link mới, mình sẽ thay cho link này nhé.`;
}

export function reportRecorded(branchName: string, today: string, url: string): string {
  return `✅ Đã ghi nhận bài đăng tin tốt hôm nay (${today}) của ${branchName}:\n${url}\nCảm ơn bạn đã giữ nhịp mỗi ngày một tin tốt!`;
}

export function reportReplaced(branchName: string, today: string, url: string, previousUrl: string): string {
  return (
    `✅ Đã cập nhật báo cáo tin tốt hôm nay (${today}) của ${branchName}. Mỗi ngày chi đoàn báo cáo một bài, ` +
    `nên mình đã thay link cũ\n${previousUrl}\nbằng link mới\n${url}\nCảm ơn bạn!`
  );
}

export function reportUnchanged(today: string): string {
  return `Link này đã được báo cáo cho hôm nay (${today}) rồi, mình giữ nguyên nhé. Cảm ơn bạn!`;
}

/** A desk choice's title with its count, when the count fits a quick reply (20 characters). */
export function withCount(title: string, count: number): string {
  const full = `${title} (${count})`;
  return full.length <= 20 ? full : title;
}

export function proofCard(p: {
  memberName: string;
  waveTitle: string;
  submittedAt: string;
  caption: string | null;
  duplicate: 'image' | 'link' | null;
  waiting: number;
}): string {
  const lines = [`Minh chứng của: ${p.memberName}`, `Đợt: ${p.waveTitle}`, `Gửi lúc: ${p.submittedAt}`];
  if (p.caption) lines.push(`Ghi chú: ${p.caption}`);
  if (p.duplicate === 'image') lines.push(CADRE_TEXT.duplicateImage);
  if (p.duplicate === 'link') lines.push(CADRE_TEXT.duplicateLink);
  lines.push('', `(${p.waiting} minh chứng đang chờ) Bạn duyệt minh chứng này chứ?`);
  return lines.join('\n');
}

export function rejectedDone(reason: string): string {
  return `Đã ghi nhận: chưa duyệt, lý do “${reason}”. Mình đã báo cho bạn ấy cách gửi lại.`;
}

export function reviewSummary(approved: number, rejected: number, skipped: number): string {
  return `Bạn đã duyệt ${approved}, chưa duyệt ${rejected} và bỏ qua ${skipped} minh chứng. Cảm ơn bạn!`;
}

/** The proof a review notice is about: a member who sent a link and a screenshot is told of each. */
export interface NoticedProof {
  readonly kind: 'link' | 'image';
  readonly platform: ProofPlatform | null;
  readonly canonicalUrl: string | null;
}

/** "Link bài đăng TikTok bạn gửi cho đợt “…”" and the link on its own line; "Ảnh chụp màn hình bạn gửi…". */
function proofSent(proof: NoticedProof, waveTitle: string): { readonly subject: string; readonly link: string } {
  if (proof.kind === 'image') return { subject: `Ảnh chụp màn hình bạn gửi cho đợt “${waveTitle}”`, link: '' };
  const where = proof.platform && proof.platform !== 'other' ? ` ${PLATFORM_NAME[proof.platform]}` : '';
  return { subject: `Link bài đăng${where} bạn gửi cho đợt “${waveTitle}”`, link: proof.canonicalUrl ? `\n${proof.canonicalUrl}` : '' };
}

/** What the member reads when their proof is approved. */
export function proofApprovedNotice(waveTitle: string, proof: NoticedProof): string {
  const { subject, link } = proofSent(proof, waveTitle);
  return `${subject} đã được cán bộ Đoàn duyệt. ✅${link}\nCảm ơn bạn đã chung tay lan tỏa những điều tốt đẹp trên không gian mạng!`;
}

/** What the member reads when their proof is not approved: the reason, and how to send another. */
export function proofRejectedNotice(waveTitle: string, proof: NoticedProof, reason: string): string {
  const { subject, link } = proofSent(proof, waveTitle);
  return (
    `${subject} chưa được duyệt.${link}\nLý do: ${reason}.\n` +
    `Bạn có thể gửi lại minh chứng khác: nhắn “${MENU.submitProof.keyword}” hoặc chọn “${MENU.submitProof.title}” trong menu nhé. Cảm ơn bạn!`
  );
}

export function roleName(role: MemberRole): string {
  return ROLE_NAMES[role];
}

export function registrationCard(r: { fullName: string; role: MemberRole; maskedPhone: string; registeredAt: string; waiting: number }): string {
  const lines = [`Họ tên: ${r.fullName}`, `Vai trò: ${ROLE_NAMES[r.role]}`];
  if (r.maskedPhone) lines.push(`Số điện thoại: ${r.maskedPhone}`);
  lines.push(`Đăng ký lúc: ${r.registeredAt}`, '', `(${r.waiting} đăng ký đang chờ) Bạn xác nhận người này thuộc chi đoàn chứ?`);
  return lines.join('\n');
}

export function registrationVerifiedDone(name: string): string {
  return `✅ Đã xác nhận ${name}. Mình đã báo cho bạn ấy.`;
}

export function registrationDeclinedDone(name: string): string {
  return `Đã ghi nhận: chưa xác nhận ${name}. Mình đã nhắn bạn ấy liên hệ chi đoàn; đăng ký vẫn được giữ để Đoàn cấp trên xem lại.`;
}

export function registrationSummary(verified: number, declined: number, skipped: number): string {
  return `Bạn đã xác nhận ${verified}, từ chối ${declined} và bỏ qua ${skipped} đăng ký. Cảm ơn bạn!`;
}

export const REGISTRATION_VERIFIED_NOTICE =
  'Chúc mừng bạn! 🎉 Chi đoàn đã xác nhận đăng ký của bạn. Từ giờ bạn có thể tham gia các đợt hoạt động và gửi minh chứng. ' +
  'Nhắn “menu” để bắt đầu nhé.';

export const REGISTRATION_DECLINED_NOTICE =
  'Chi đoàn chưa xác nhận được đăng ký của bạn qua tin nhắn. Bạn vui lòng liên hệ trực tiếp Ban Chấp hành chi đoàn ' +
  '(hoặc nhắn “gặp cán bộ”) để được hỗ trợ nhé. Thông tin bạn đã gửi vẫn được giữ để Đoàn kiểm tra lại.';

export function dayInThePast(today: string): string {
  return `Ngày này đã qua rồi. Bạn chọn từ hôm nay (${today}) trở đi nhé.`;
}

export function endBeforeStart(start: string): string {
  return `Ngày kết thúc cần từ ngày bắt đầu (${start}) trở đi. Bạn gõ lại giúp mình nhé.`;
}

export function trendSummary(t: { title: string; dates: string; description: string; hashtag: string }): string {
  return `Bạn xem lại giúp mình:\nTên: ${t.title}\nThời gian: ${t.dates}\nCách tham gia: ${t.description}\nHashtag: ${t.hashtag}\n\nLưu xu hướng này chứ?`;
}

export function trendSaved(t: { title: string; dates: string; hashtag: string; count: number; year: number }): string {
  return (
    `Đã lưu xu hướng “${t.title}” (${t.dates}, ${t.hashtag}). ` +
    'Quận Đoàn sẽ xem và mở xu hướng để mọi người cùng tham gia.\n' +
    `Đây là xu hướng thứ ${t.count} của chi đoàn trong năm ${t.year}.`
  );
}

export function actionsText(actions: readonly TaskAction[]): string {
  return actions.map((a) => ACTION_NAMES[a]).join(', ');
}

export function tasksIntro(count: number): string {
  return `Bạn có ${count} nhiệm vụ CTV đang mở:`;
}

export function taskLines(index: number, t: { title: string; actions: string; deadline: string; description: string }): string {
  const lines = [`${index}. ${t.title}`, `   Việc cần làm: ${t.actions}`, `   Hạn: ${t.deadline}`];
  if (t.description) lines.push(`   ${t.description}`);
  return lines.join('\n');
}

export function openTaskPost(index: number): string {
  return `Mở bài ${index}`;
}

export function taskDoneChoice(index: number): string {
  return `Đã làm việc ${index}`;
}

export const TASKS_PICK_PROMPT = 'Làm xong nhiệm vụ nào, bạn chọn để báo giúp mình nhé.';

export function taskRecorded(title: string): string {
  return `Cảm ơn bạn đã hoàn thành nhiệm vụ “${title}”! 💪`;
}

export function goodNewsTooLong(length: number): string {
  return `Câu chuyện hơi dài (${length.toLocaleString('vi-VN')} ký tự), mình chỉ nhận tối đa 1.500 ký tự. Bạn rút gọn lại, hoặc gửi đường link bài viết đầy đủ giúp mình nhé.`;
}

export function goodNewsSummary(g: { description: string; link?: string; story?: string }): string {
  const what = g.link !== undefined ? `Link: ${g.link}` : `Câu chuyện: ${excerpt(g.story ?? '', 300)}`;
  return `Bạn xem lại giúp mình:\nMô tả: ${g.description}\n${what}\n\nGửi cho Đoàn chứ?`;
}

function excerpt(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

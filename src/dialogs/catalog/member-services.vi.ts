/** Subscriptions, official pages, handover to a cadre, data rights, linking a second channel. */
import type { SubscriptionTopic } from '../../db/types';

/** The version of the subscriptions notice a member agrees to; change it when SUBSCRIPTIONS.consent changes. */
export const SUBSCRIPTIONS_NOTICE_VERSION = 'nhan-tin-2026-11';

export const SUBSCRIPTION_TOPICS: readonly SubscriptionTopic[] = ['uncleHoTeaching', 'goodNews', 'legalInfo'];

export const SUBSCRIPTIONS = {
  topicTitle: {
    uncleHoTeaching: 'Lời Bác dạy (mỗi tuần)',
    goodNews: 'Tin tốt (mỗi ngày)',
    legalInfo: 'Thông tin pháp luật (mỗi ngày)',
  } satisfies Record<SubscriptionTopic, string>,
  /** Short titles for the choices (Messenger cuts quick replies at 20 characters). */
  topicChoice: {
    uncleHoTeaching: 'Lời Bác dạy',
    goodNews: 'Tin tốt',
    legalInfo: 'Pháp luật',
  } satisfies Record<SubscriptionTopic, string>,
  on: 'đang nhận',
  off: 'chưa nhận',
  intro: 'Các bản tin định kỳ của Đoàn gửi qua kênh chat này:',
  pickHint: 'Bạn chọn một bản tin để bật hoặc tắt nhé.',
  retry: 'Bạn chọn giúp mình một bản tin trong danh sách, hoặc chọn “Xong” nhé.',
  done: 'Xong',
  stopAllChoice: 'Dừng nhận tất cả',
  consent:
    'Để gửi bản tin, Đoàn cần lưu lựa chọn của bạn cùng mã tài khoản chat này. Đoàn chỉ dùng để gửi bản tin bạn chọn, ' +
    'không chia sẻ cho ai khác. Bạn nhắn “dừng nhận tin” bất cứ lúc nào để dừng.\nBạn đồng ý chứ?',
  consentRetry: 'Bạn chọn “Đồng ý” hoặc “Không” giúp mình nhé.',
  agree: 'Đồng ý',
  decline: 'Không',
  declined: 'Mình chưa bật bản tin nào. Khi nào cần, bạn cứ vào “Nhận tin định kỳ” nhé.',
  turnedOn: (title: string) => `Đã bật: ${title}. Mình sẽ gửi cho bạn qua kênh chat này.`,
  turnedOff: (title: string) => `Đã tắt: ${title}.`,
  stoppedAll: 'Mình đã dừng gửi mọi bản tin định kỳ cho bạn. Khi muốn nhận lại, bạn vào “Nhận tin định kỳ” nhé.',
  nothingToStop: 'Bạn chưa nhận bản tin định kỳ nào nên không cần dừng gì cả.',
  perChannelNote: 'Lưu ý: lựa chọn này áp dụng cho kênh chat bạn đang dùng.',
  finished: 'Đã lưu lựa chọn của bạn. Nhắn “menu” để xem các mục khác nhé.',
} as const;

/** One topic and its state; a bullet, not a number (Zalo numbers the choices below it). */
export function subscriptionLine(title: string, active: boolean): string {
  return `• ${title}: ${active ? SUBSCRIPTIONS.on : SUBSCRIPTIONS.off}`;
}

export const OFFICIAL_PAGES = {
  intro: 'Các trang chính thống của Đoàn. Bạn theo dõi, thích, chia sẻ và bình luận tích cực để cùng lan tỏa nhé:',
  none: 'Hiện chưa có trang chính thống nào được cập nhật. Bạn quay lại sau nhé.',
  more: 'Các trang khác:',
  open: 'Mở trang',
} as const;

export const HANDOVER = {
  opened:
    'Mình đã chuyển cuộc trò chuyện cho cán bộ Đoàn. Bạn cứ nhắn nội dung cần hỗ trợ ngay tại đây, cán bộ sẽ trả lời bạn ' +
    'trong thời gian sớm nhất.\nKhi xong, bạn nhắn “kết thúc” để quay lại trò chuyện với trợ lý.',
  alreadyOpen: 'Bạn đang trò chuyện với cán bộ Đoàn. Cứ nhắn nội dung tại đây nhé; nhắn “kết thúc” khi đã xong.',
  waiting: 'Cán bộ sẽ trả lời bạn sớm. Bạn cứ nhắn thêm nếu cần; nhắn “kết thúc” để quay lại trợ lý.',
  closedByMember: 'Đã kết thúc trò chuyện với cán bộ. Trợ lý “Vùng Xanh” đã quay lại, bạn nhắn “menu” để xem các mục nhé.',
  closedByStaff: 'Cán bộ đã kết thúc cuộc trò chuyện. Trợ lý “Vùng Xanh” đã quay lại, bạn nhắn “menu” để xem các mục nhé.',
  expired: 'Đã quá 24 giờ nên cuộc trò chuyện với cán bộ tự kết thúc. Trợ lý “Vùng Xanh” đã quay lại hỗ trợ bạn.',
  /** Words that end a handover from the member's side (compared after matchKey). */
  endWords: ['ket thuc', 'ketthuc', 'xong', 'thoat', 'huy', 'menu'],
} as const;

export const DATA_RIGHTS = {
  nothingKept:
    'Đoàn chưa lưu thông tin cá nhân nào của bạn ngoài mã tài khoản chat này (để trả lời bạn). ' +
    'Nếu bạn muốn xóa, nhắn “xóa dữ liệu của tôi”.',
  header: 'Thông tin Đoàn đang lưu về bạn:',
  name: (v: string) => `• Họ tên: ${v}`,
  phone: (v: string) => `• Số điện thoại: ${v}`,
  branch: (v: string) => `• Đơn vị: ${v}`,
  branchNote: (v: string) => `• Đơn vị bạn ghi (chưa khớp): ${v}`,
  noBranch: '• Đơn vị: chưa xác định',
  role: (v: string) => `• Bạn là: ${v}`,
  status: (v: string) => `• Trạng thái đăng ký: ${v}`,
  roleNames: { cadre: 'cán bộ Đoàn', member: 'đoàn viên', youth: 'thanh niên' },
  statusNames: { pending: 'đang chờ xác minh', verified: 'đã xác minh', left: 'đã rời đơn vị', erased: 'đã xóa' },
  consentsHeader: '• Các đồng ý bạn đã cho:',
  consentLine: (purpose: string, granted: boolean, day: string) => `   – ${purpose}: ${granted ? 'đồng ý' : 'không đồng ý'} (${day})`,
  consentPurposes: { registration: 'Đăng ký thành viên', proofImages: 'Lưu ảnh minh chứng', subscriptions: 'Nhận tin định kỳ' },
  noConsents: '• Các đồng ý bạn đã cho: chưa có',
  waves: (n: number) => `• Số đợt hoạt động đã tham gia: ${n}`,
  proofs: (n: number) => `• Số minh chứng đã gửi: ${n}`,
  subscriptions: (titles: readonly string[]) => `• Bản tin đang nhận: ${titles.length > 0 ? titles.join(', ') : 'không có'}`,
  channels: (names: readonly string[]) => `• Kênh chat đã liên kết: ${names.join(', ')}`,
  channelNames: { zalo: 'Zalo', messenger: 'Messenger', simulator: 'Trang thử nghiệm' },
  footer: 'Đoàn dùng các thông tin này để ghi nhận hoạt động của bạn. Muốn xóa, bạn nhắn “xóa dữ liệu của tôi”.',
  eraseExplain:
    'Nếu xóa, Đoàn sẽ xóa vĩnh viễn: họ tên, số điện thoại, ghi chú đơn vị, ảnh và đường link minh chứng, ' +
    'mã tài khoản Zalo/Messenger của bạn, lịch sử trò chuyện và các bản tin đã đăng ký.\n' +
    'Chỉ còn lại các con số thống kê không gắn với ai (ví dụ: số người đã tham gia một đợt).\n' +
    'Việc này không thể hoàn tác. Bạn có chắc muốn xóa không?',
  eraseYes: 'Xóa dữ liệu',
  eraseNo: 'Không xóa',
  eraseRetry: 'Bạn chọn “Xóa dữ liệu” hoặc “Không xóa” giúp mình nhé.',
  erased: 'Đã xóa dữ liệu cá nhân của bạn. Cảm ơn bạn đã đồng hành cùng Đoàn. Nếu muốn tham gia lại, bạn nhắn “menu” để đăng ký mới nhé.',
  eraseCancelled: 'Mình chưa xóa gì cả. Dữ liệu của bạn vẫn được giữ nguyên.',
} as const;

export const LINKING = {
  notRegistered:
    'Bạn chưa đăng ký trên kênh này. Nếu bạn đã đăng ký ở kênh chat khác (Zalo hoặc Messenger), hãy nhắn “liên kết” ở kênh đó ' +
    'để lấy mã, rồi nhắn mã 6 số vào đây.\nBạn nhập mã 6 số nhé (nhắn “hủy” để thôi):',
  yourCode: (code: string, minutes: number) =>
    `Mã liên kết của bạn: ${code}\nMã dùng được một lần, trong ${minutes} phút. Trên kênh chat còn lại (Zalo hoặc Messenger), ` +
    `bạn nhắn mã này vào khung chat (ví dụ: ${code}). Đừng đưa mã cho người khác nhé.`,
  /** "liên kết" from a member who already chats with us on both channels. */
  alreadyBoth: 'Tài khoản của bạn đã được liên kết trên cả Zalo và Messenger rồi, bạn không cần làm gì thêm.',
  askCode: 'Bạn nhập mã liên kết 6 số nhé (nhắn “hủy” để thôi):',
  notACode: 'Mã liên kết gồm 6 chữ số, ví dụ 123456. Bạn nhập lại giúp mình nhé (nhắn “hủy” để thôi):',
  wrong: (left: number) => `Mã này không đúng hoặc đã hết hạn. Bạn còn ${left} lần thử. Bạn nhập lại nhé (nhắn “hủy” để thôi):`,
  tooMany: (minutes: number) => `Bạn đã nhập sai nhiều lần. Để bảo vệ tài khoản, bạn vui lòng thử lại sau ${minutes} phút nhé.`,
  linked: 'Đã liên kết! Từ giờ kênh chat này và kênh kia là cùng một tài khoản của bạn. Nhắn “menu” để xem các mục nhé.',
  alreadyThisMember: 'Kênh chat này đã được liên kết với tài khoản của bạn rồi.',
  linkedToAnother:
    'Kênh chat này đang gắn với một đăng ký khác nên mình không chuyển sang được. Nếu đó là đăng ký cũ của bạn, ' +
    'bạn có thể nhắn “xóa dữ liệu của tôi” ở đây để xóa đăng ký đó rồi liên kết lại, hoặc nhắn “gặp cán bộ” để được hỗ trợ.',
  ownCode: 'Đây là mã bạn vừa tạo trên chính kênh này. Bạn nhập mã ở kênh chat còn lại nhé.',
} as const;

/** Greeting, consent (Decree 13/2023/NĐ-CP), registration and cross-channel linking. */
import type { PhoneProblem } from '../../domain/members/phone';
import type { NameProblem } from '../../domain/members/registration.service';
import type { MemberRole } from '../../db/types';

/** A choice as dialogs offer it: what the member reads, the stable value that comes back, other ways to say it (matched without diacritics). */
export interface ChoiceWords {
  readonly title: string;
  readonly value: string;
  readonly synonyms: readonly string[];
}

/** "Nguyễn Văn An" → "An": Vietnamese names end with the given name. */
function givenName(fullName: string): string {
  return fullName.trim().split(/\s+/).at(-1) ?? fullName;
}

export const ONBOARDING = {
  /** The notice itself (one message, fits a phone screen): what, why, who, how long, how to withdraw. */
  consentNotice:
    'Trước khi đăng ký, bạn đọc nhanh cách Đoàn dùng thông tin của bạn (theo Nghị định 13/2023/NĐ-CP) nhé:\n\n' +
    '• Thu thập: họ tên, số điện thoại, đơn vị, vai trò và minh chứng bạn gửi.\n' +
    '• Để làm gì: ghi nhận bạn tham gia các đợt hoạt động của Đoàn và gửi tin của Đoàn đến bạn.\n' +
    '• Ai được xem: cán bộ Đoàn ở đơn vị của bạn và cán bộ Quận Đoàn.\n' +
    '• Lưu bao lâu: khi bạn còn sinh hoạt, hoặc đến khi bạn yêu cầu xóa.\n' +
    '• Rút lại: nhắn “xóa dữ liệu của tôi” hoặc “dừng nhận tin” bất cứ lúc nào.\n\n' +
    'Bạn có đồng ý không?',
  consentRetry: 'Bạn chọn “Đồng ý” để đăng ký, hoặc “Không đồng ý” nếu chưa muốn nhé.',
  consentYes: { title: 'Đồng ý', value: 'consent:yes', synonyms: ['dong y', 'co', 'duoc', 'chap nhan', 'toi dong y', 'co dong y'] } satisfies ChoiceWords,
  consentNo: { title: 'Không đồng ý', value: 'consent:no', synonyms: ['khong dong y', 'khong', 'tu choi', 'de sau', 'chua', 'khong can', 'chua muon'] } satisfies ChoiceWords,
  consentAccepted: 'Cảm ơn bạn! Mình bắt đầu đăng ký nhé, chỉ 4 câu hỏi ngắn thôi.',
  consentDeclined:
    'Không sao bạn nhé! Mình không lưu thông tin cá nhân nào của bạn.\n' +
    'Bạn vẫn xem được các đợt hoạt động, trang chính thống và trợ giúp. Khi nào muốn, bạn chọn “Đăng ký” trong menu là được.',
  /** When a part of the menu needs a registered member and the person is not one yet. */
  needsRegistration: 'Mục này dành cho thành viên đã đăng ký. Bạn đăng ký trước nhé, chỉ mất khoảng một phút.',
  alreadyRegistered: 'Bạn đã đăng ký rồi nhé, không cần đăng ký lại.',

  askName: 'Họ và tên đầy đủ của bạn là gì? (ví dụ: Nguyễn Văn An)',
  nameProblem: {
    tooShort: 'Họ tên cần ít nhất 2 chữ cái. Bạn gõ lại họ và tên đầy đủ giúp mình nhé.',
    tooLong: 'Họ tên dài quá 80 ký tự. Bạn gõ lại chỉ họ và tên thôi giúp mình nhé.',
    notLetters: 'Họ tên chỉ gồm chữ cái và khoảng trắng (không có số, ký hiệu hay biểu tượng cảm xúc). Bạn gõ lại giúp mình nhé, ví dụ: Nguyễn Văn An.',
  } satisfies Record<NameProblem, string>,

  askBranch: 'Bạn sinh hoạt ở đơn vị nào? Bạn gõ tên đơn vị, không dấu cũng được (ví dụ: Bình Hưng Hòa A, THPT Bình Tân).',
  askBranchAgain: 'Bạn gõ lại tên đơn vị giúp mình nhé (ví dụ: Bình Hưng Hòa A).',
  branchEmpty: 'Bạn gõ tên đơn vị bằng chữ giúp mình nhé (ví dụ: Bình Hưng Hòa A).',
  branchCandidates: 'Mình tìm thấy các đơn vị gần giống. Bạn chọn đơn vị của mình, hoặc gõ lại tên khác nhé:',
  branchNone: 'Mình chưa tìm thấy đơn vị nào giống tên bạn gõ. Bạn thử gõ lại tên khác, hoặc chọn “Không thấy đơn vị”.',
  branchRetype: { title: 'Gõ lại tên khác', value: 'branch:retype', synonyms: ['go lai', 'nhap lai', 'go lai ten', 'tim lai'] } satisfies ChoiceWords,
  branchNotListed: { title: 'Không thấy đơn vị', value: 'branch:none', synonyms: ['khong thay don vi', 'khong thay', 'khong co', 'khong co don vi'] } satisfies ChoiceWords,
  askUnmatchedBranch:
    'Đơn vị của bạn tên đầy đủ là gì? Bạn gõ giúp mình (ví dụ: Chi đoàn khu phố 3, phường An Lạc). Mình sẽ chuyển để cán bộ Quận Đoàn xếp bạn vào đúng đơn vị.',
  unmatchedBranchEmpty: 'Bạn gõ tên đơn vị bằng chữ giúp mình nhé.',

  branchChosen: (name: string) => `Đơn vị của bạn: ${name}.`,
  branchForStaff: 'Mình đã ghi lại tên đơn vị bạn gõ để cán bộ xếp bạn vào đúng đơn vị.',
  askRole: (branchLine: string) => `${branchLine}\nBạn tham gia với vai trò nào?`,
  roleRetry: 'Bạn chọn một vai trò trong danh sách giúp mình nhé (có thể trả lời bằng số).',
  roles: {
    cadre: { title: 'Cán bộ Đoàn', value: 'role:cadre', synonyms: ['can bo doan', 'can bo', 'bi thu', 'pho bi thu'] },
    member: { title: 'Đoàn viên', value: 'role:member', synonyms: ['doan vien'] },
    youth: { title: 'Thanh niên', value: 'role:youth', synonyms: ['thanh nien', 'chua vao doan'] },
  } satisfies Record<MemberRole, ChoiceWords>,

  askPhone: 'Cuối cùng, bạn cho mình xin số điện thoại di động: bấm nút chia sẻ số điện thoại bên dưới, hoặc gõ số (ví dụ: 0912345678).',
  phoneCard: { title: 'Chia sẻ số điện thoại với Đoàn', subtitle: 'Để Đoàn đối chiếu với danh sách đoàn viên của đơn vị bạn.' },
  phoneProblem: {
    empty: 'Mình chưa nhận được số điện thoại nào.',
    invalidCharacters: 'Số điện thoại chỉ gồm chữ số (có thể kèm dấu cách, dấu chấm hoặc +84).',
    landline: 'Đây là số cố định; Đoàn cần số di động của bạn.',
    unknownOldPrefix: 'Đây là số 11 chữ số kiểu cũ mà mình không đổi được sang số mới.',
    notMobile: 'Số này không phải số di động Việt Nam (cần 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09).',
  } satisfies Record<PhoneProblem, string>,
  phoneRetry: 'Bạn gửi lại số di động giúp mình nhé, ví dụ: 0912345678.',

  verifiedByRoster: (fullName: string, branch: string) =>
    `Cảm ơn bạn ${givenName(fullName)}! Bạn có tên trong danh sách của ${branch}, nên tài khoản đã được xác minh ngay. Chào mừng bạn đến với Vùng Xanh!`,
  /** After verifiedByRoster, when the roster lists another role than the one picked. */
  rosterRoleDiffers: (rosterRoleTitle: string) =>
    `Theo danh sách của đơn vị, bạn là ${rosterRoleTitle.toLowerCase()}, nên mình ghi nhận theo danh sách. Nếu danh sách chưa đúng, bạn nhắn “gặp cán bộ” để cán bộ Đoàn điều chỉnh nhé.`,
  pending: (fullName: string, branch: string) =>
    `Cảm ơn bạn ${givenName(fullName)}! Đăng ký của bạn đang chờ cán bộ Đoàn của ${branch} xác minh.\nTrong lúc chờ, bạn vẫn xem được các đợt hoạt động của Đoàn.`,
  pendingWithoutBranch: (fullName: string) =>
    `Cảm ơn bạn ${givenName(fullName)}! Cán bộ Quận Đoàn sẽ xếp bạn vào đúng đơn vị rồi xác minh đăng ký.\nTrong lúc chờ, bạn vẫn xem được các đợt hoạt động của Đoàn.`,
  registeredElsewhere:
    'Số điện thoại này đã được đăng ký trên một kênh chat khác của Đoàn (Zalo hoặc Messenger). Nếu đó là bạn, bạn không cần đăng ký lại:\n' +
    '1. Trên kênh đã đăng ký, nhắn “liên kết” để nhận mã 6 số.\n' +
    '2. Nhắn mã đó vào đây (ví dụ: 123456).\n' +
    'Nếu không phải số của bạn, bạn nhắn “gặp cán bộ” nhé.',
  phoneTaken: (fullName: string) =>
    `Cảm ơn bạn ${givenName(fullName)}! Số điện thoại này đã được đăng ký cho một thành viên khác, nên mình chưa ghép được.\n` +
    'Mình đã ghi chú để cán bộ Đoàn kiểm tra và xác minh giúp bạn. Nếu cần, bạn nhắn “gặp cán bộ”.',
} as const;

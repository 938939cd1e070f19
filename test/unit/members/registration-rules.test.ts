import { consentState, REGISTRATION_NOTICE_VERSION } from '../../../src/domain/consents/consent.service';
import { normalizeFullName, phoneTakenNote, unmatchedBranchNote } from '../../../src/domain/members/registration.service';
import { branchShortName } from '../../../src/domain/units/branch-short-name';

describe('normalizeFullName', () => {
  test.each([
    ['Nguyễn Văn An', 'Nguyễn Văn An'],
    ['  nguyễn   văn  AN ', 'nguyễn văn AN'],
    ['Lê\tThị\nHoa', 'Lê Thị Hoa'],
    ['An', 'An'],
    ['Đặng Thị Ánh Tuyết', 'Đặng Thị Ánh Tuyết'],
    ['Nguyễn Văn An'.normalize('NFD'), 'Nguyễn Văn An'],
    ['H’Hen Niê'.replace('’', ''), 'HHen Niê'],
    ['Y'.repeat(80), 'Y'.repeat(80)],
  ])('%j is accepted as %j (capitalisation kept)', (typed, name) => expect(normalizeFullName(typed)).toEqual({ ok: true, fullName: name }));

  test.each([
    ['', 'tooShort'],
    ['   ', 'tooShort'],
    ['A', 'tooShort'],
    ['Y'.repeat(81), 'tooLong'],
    ['Nguyễn Văn 2', 'notLetters'],
    ['Nguyễn-Văn An', 'notLetters'],
    ['<script>alert(1)</script>', 'notLetters'],
    ["Robert'); DROP TABLE members;--", 'notLetters'],
    ['😀😀', 'notLetters'],
    ['An 😀', 'notLetters'],
  ] as const)('%j is refused: %s', (typed, problem) => expect(normalizeFullName(typed)).toEqual({ ok: false, problem }));
});

describe('unmatchedBranchNote', () => {
  test('keeps the text as typed, spaces collapsed, within 500 characters', () => {
    expect(unmatchedBranchNote('  Chi đoàn   KP 3 ')).toBe('Chi đoàn KP 3');
    expect([...unmatchedBranchNote('😀'.repeat(600))]).toHaveLength(500);
    expect(unmatchedBranchNote("'; drop table members; --")).toBe("'; drop table members; --");
  });
});

describe('phoneTakenNote', () => {
  const holder = { id: 'm1', source: 'roster' as const, status: 'verified' as const, branchId: 'b1', branchName: 'Đoàn phường An Lạc', role: 'member' as const, linkedIdentities: 0 };
  test('names the phone and the other branch for staff', () => {
    expect(phoneTakenNote('+84938123456', holder, 'b2')).toBe('Số điện thoại 0938123456 người này khai đã thuộc một thành viên khác của đơn vị Đoàn phường An Lạc. Cần kiểm tra trước khi xác minh.');
  });
  test('says when it is the same branch and someone already registered it in chat', () => {
    expect(phoneTakenNote('+84938123456', { ...holder, linkedIdentities: 1 }, 'b1')).toContain('cùng đơn vị (Đoàn phường An Lạc), đã có người đăng ký qua chat');
  });
});

describe('consentState', () => {
  const at = new Date('2026-11-29T00:00:00Z');
  test.each([
    [undefined, 'unanswered'],
    [{ granted: true, noticeVersion: REGISTRATION_NOTICE_VERSION, recordedAt: at }, 'granted'],
    [{ granted: false, noticeVersion: REGISTRATION_NOTICE_VERSION, recordedAt: at }, 'declined'],
    [{ granted: true, noticeVersion: '2020-01-v0', recordedAt: at }, 'unanswered'],
    [{ granted: false, noticeVersion: '2020-01-v0', recordedAt: at }, 'unanswered'],
  ] as const)('%j → %s (an answer to an older notice is asked again)', (latest, state) => expect(consentState(latest)).toBe(state));
});

describe('branchShortName', () => {
  test.each([
    ['Đoàn phường Bình Hưng Hòa A', 'Bình Hưng Hòa A'],
    ['Đoàn trường THPT Bình Tân', 'THPT Bình Tân'],
    ['Chi đoàn Công ty Cổ phần May Bình Tân', 'Cổ phần May Bình Tân'],
    ['Đoàn phường 5', 'Phường 5'],
    ['Quận Đoàn Bình Tân', 'Quận Đoàn Bình Tân'],
    ['P.An Lạc', 'P.An Lạc'],
    ['Đoàn phường', 'Phường'],
  ])('%j → %j', (name, short) => expect(branchShortName(name)).toBe(short));
});

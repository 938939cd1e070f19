import { formatVietnamMobile, normalizeVietnamMobile } from '../../../src/domain/members/phone';

describe('normalizeVietnamMobile', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['+84912345678', '+84912345678'],
    ['+84 912 345 678', '+84912345678'],
    ['091.234.5678', '+84912345678'],
    ['0912-345-678', '+84912345678'],
    ['(+84) 91 234 5678', '+84912345678'],
    ['(84) 912345678', '+84912345678'],
    ['+84 (0) 912 345 678', '+84912345678'],
    ['0084 912 345 678', '+84912345678'],
    ['912345678', '+84912345678'],
    ['  0912345678  ', '+84912345678'],
    ['0321234567', '+84321234567'],
    ['0523456789', '+84523456789'],
    ['0701234567', '+84701234567'],
    ['0889123456', '+84889123456'],
    ['841234567', '+84841234567'],
    ['0841234567', '+84841234567'],
  ])('When the phone is written "%s", then it is %s', (input, expected) => {
    expect(normalizeVietnamMobile(input)).toEqual({ ok: true, phone: expected });
  });

  // The 2018 conversion of 11-digit mobile numbers (Bộ TT&TT, Quyết định 798/QĐ-BTTTT).
  it.each([
    ['0162', '032'], ['0163', '033'], ['0164', '034'], ['0165', '035'], ['0166', '036'], ['0167', '037'], ['0168', '038'], ['0169', '039'],
    ['0120', '070'], ['0121', '079'], ['0122', '077'], ['0126', '076'], ['0128', '078'],
    ['0123', '083'], ['0124', '084'], ['0125', '085'], ['0127', '081'], ['0129', '082'],
    ['0186', '056'], ['0188', '058'],
    ['0199', '059'],
  ])('When the phone has the old prefix %s, then it gets the new prefix %s', (oldPrefix, newPrefix) => {
    expect(normalizeVietnamMobile(`${oldPrefix}1234567`)).toEqual({ ok: true, phone: `+84${newPrefix.slice(1)}1234567` });
  });

  it.each([
    ['01662345678', '+84362345678'],
    ['1662345678', '+84362345678'],
    ['+84 166 234 5678', '+84362345678'],
    ['841662345678', '+84362345678'],
    ['0166.234.5678', '+84362345678'],
  ])('When an old 11-digit number is written "%s", then it becomes %s', (input, expected) => {
    expect(normalizeVietnamMobile(input)).toEqual({ ok: true, phone: expected });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['01234', 'notMobile'],
    ['091234567', 'notMobile'],
    ['09123456789', 'notMobile'],
    ['0112345678', 'notMobile'],
    ['0412345678', 'notMobile'],
    ['0612345678', 'notMobile'],
    ['+1 415 555 0100', 'notMobile'],
    ['+66 812345678', 'notMobile'],
    ['028 3875 1234', 'landline'],
    ['02838751234', 'landline'],
    ['+84 28 3875 1234', 'landline'],
    ['0241234567', 'landline'],
    ['01301234567', 'unknownOldPrefix'],
    ['01611234567', 'unknownOldPrefix'],
    ['0912 ABC 678', 'invalidCharacters'],
    ['0912345678 / 0987654321', 'invalidCharacters'],
    ['0912+345678', 'invalidCharacters'],
    ['9.12345678E8', 'invalidCharacters'],
  ])('When the phone is "%s", then it is refused as %s', (input, problem) => {
    const result = normalizeVietnamMobile(input);
    expect(result).toMatchObject({ ok: false, problem });
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it('When a number is refused, then the reason is Vietnamese and says what a valid one looks like', () => {
    expect(normalizeVietnamMobile('01234')).toMatchObject({ reason: 'không phải số di động Việt Nam (cần 10 chữ số, ví dụ 0912345678)' });
    expect(normalizeVietnamMobile('028 3875 1234')).toMatchObject({ reason: 'là số cố định, cần số di động' });
  });

  it('When every normalised number is checked against the database pattern, then it matches', () => {
    for (const input of ['0912345678', '01991234567', '1201234567', '+84 56 123 4567']) {
      const result = normalizeVietnamMobile(input);
      expect(result.ok && /^\+84[35789][0-9]{8}$/.test(result.phone)).toBe(true);
    }
  });
});

describe('formatVietnamMobile', () => {
  it('When a normalised number is shown, then it is written the local way', () => {
    expect(formatVietnamMobile('+84912345678')).toBe('0912345678');
  });
});

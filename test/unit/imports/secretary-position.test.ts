import { isSecretaryPosition, parseRole } from '../../../src/domain/members/member-import.service';

describe('reading the branch secretary from "Chức vụ"', () => {
  test.each(['Bí thư', 'BÍ THƯ', 'bi thu', 'Bí thư Chi đoàn', 'bí thư đoàn phường', 'Ủy viên BCH, Bí thư', 'Bí thư kiêm Chủ tịch Hội', 'UV BCH / Bí thư'])(
    '"%s" is the secretary, and a cadre',
    (text) => {
      expect(isSecretaryPosition(text)).toBe(true);
      expect(parseRole(text.split(/[,/]/)[0]!)).toBe('cadre');
    },
  );

  test.each(['Phó Bí thư', 'phó bí thư chi đoàn', 'Ủy viên BCH', 'Đoàn viên', '', 'Thư ký', 'Bí', 'Nguyên bí thư'])('"%s" is not the secretary', (text) => {
    expect(isSecretaryPosition(text)).toBe(false);
  });
});

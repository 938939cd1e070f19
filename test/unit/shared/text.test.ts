import { foldVietnamese, matchKey } from '../../../src/domain/shared/text';

describe('foldVietnamese', () => {
  it.each([
    ['Đoàn phường Bình Hưng Hòa A', 'doan phuong binh hung hoa a'],
    ['ĐOÀN TRƯỜNG THPT BÌNH TÂN', 'doan truong thpt binh tan'],
    ['  Chi   đoàn\tKhu phố 1 ', 'chi doan khu pho 1'],
    ['Nguyễn Thị Ánh Tuyết', 'nguyen thi anh tuyet'],
    ['ă â ê ô ơ ư đ Ă Â Ê Ô Ơ Ư Đ', 'a a e o o u d a a e o o u d'],
    ['ằ ẳ ẵ ắ ặ ầ ẩ ẫ ấ ậ ề ể ễ ế ệ ồ ổ ỗ ố ộ ờ ở ỡ ớ ợ ừ ử ữ ứ ự ỳ ỷ ỹ ý ỵ', 'a a a a a a a a a a e e e e e o o o o o o o o o o u u u u u y y y y y'],
    ['Ðoàn (legacy eth)', 'doan (legacy eth)'],
    ['Hòa / Hoà', 'hoa / hoa'],
    ['', ''],
  ])('When folding "%s", then it reads "%s"', (input, expected) => {
    expect(foldVietnamese(input)).toBe(expected);
  });

  it('When the text is decomposed (NFD, as macOS writes it), then it folds like the composed text', () => {
    const composed = 'Bình Hưng Hòa Đông';
    expect(foldVietnamese(composed.normalize('NFD'))).toBe(foldVietnamese(composed));
    expect(foldVietnamese(composed.normalize('NFD'))).toBe('binh hung hoa dong');
  });

  it('When spaces are non-breaking, then they collapse like ordinary ones', () => {
    expect(foldVietnamese('An\u00a0Lạc\u00a0 A')).toBe('an lac a');
  });
});

describe('matchKey', () => {
  it.each([
    ['Họ và tên (*)', 'ho va ten'],
    ['ho_va_ten', 'ho va ten'],
    ['SĐT', 'sdt'],
    ['an-lac-a', 'an lac a'],
    ['P. An Lạc', 'p an lac'],
    ['***', ''],
  ])('When keying "%s", then the key is "%s"', (input, expected) => {
    expect(matchKey(input)).toBe(expected);
  });
});

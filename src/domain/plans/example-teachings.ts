/**
 * The starter library of "Lời Bác dạy": well-known teachings of Hồ Chí Minh to young people, each
 * with where it comes from (the letter, speech or poem and its date). Seeded waiting for staff
 * approval ('pending'): nothing is sent before a person has checked it. Add no quotation here that
 * has no source; the last one's source is marked for checking in its own text.
 */
export interface ExampleTeaching {
  readonly seedKey: string;
  readonly body: string;
  readonly source: string;
}

export const EXAMPLE_TEACHINGS: readonly ExampleTeaching[] = [
  {
    seedKey: 'uncle-ho-teaching-1',
    body:
      'Non sông Việt Nam có trở nên tươi đẹp hay không, dân tộc Việt Nam có bước tới đài vinh quang để sánh vai với các cường quốc năm châu được hay không, ' +
      'chính là nhờ một phần lớn ở công học tập của các em.',
    source: 'Thư gửi các học sinh nhân ngày khai trường đầu tiên của nước Việt Nam Dân chủ Cộng hòa, tháng 9/1945',
  },
  {
    seedKey: 'uncle-ho-teaching-2',
    body: 'Vì lợi ích mười năm thì phải trồng cây, vì lợi ích trăm năm thì phải trồng người.',
    source: 'Bài nói tại lớp học chính trị của giáo viên cấp II, cấp III toàn miền Bắc, 13/9/1958',
  },
  {
    seedKey: 'uncle-ho-teaching-3',
    // The four lines of the poem, one a line (written "… / …" when quoted inline).
    body: 'Không có việc gì khó\nChỉ sợ lòng không bền\nĐào núi và lấp biển\nQuyết chí ắt làm nên.',
    source: 'Thơ tặng đơn vị thanh niên xung phong, 1951',
  },
  {
    seedKey: 'uncle-ho-teaching-4',
    body: 'Thanh niên là người chủ tương lai của nước nhà. Thật vậy, nước nhà thịnh hay suy, yếu hay mạnh một phần lớn là do các thanh niên.',
    source: 'Thư gửi thanh niên, tháng 1/1946',
  },
  {
    seedKey: 'uncle-ho-teaching-5',
    body: 'Một năm khởi đầu từ mùa xuân. Một đời khởi đầu từ tuổi trẻ. Tuổi trẻ là mùa xuân của xã hội.',
    source: 'Bài nói tại Đại hội Sinh viên Việt Nam lần thứ II, 7/5/1958',
  },
  {
    seedKey: 'uncle-ho-teaching-6',
    body: 'Bồi dưỡng thế hệ cách mạng cho đời sau là một việc rất quan trọng và rất cần thiết.',
    source: 'Di chúc, 1969',
  },
  {
    seedKey: 'uncle-ho-teaching-7',
    body: 'Đâu cần thanh niên có, việc gì khó có thanh niên.',
    source: 'Lời Bác dạy thanh niên; nguồn cần cán bộ xác minh trước khi duyệt',
  },
];

/**
 * The menu's entries as members read them. `value` is what comes back when one is picked (a
 * Messenger quick-reply or persistent-menu payload); `keyword` is the Zalo #keyword that opens it
 * from anywhere; `synonyms` are other ways members say it (matched without diacritics or case).
 * Which entries a member sees, and which dialog each opens, is in ../menu.ts.
 */
export const MENU = {
  register: { title: 'Đăng ký', value: 'menu:register', keyword: '#dangky', synonyms: ['dang ky', 'dang ky thanh vien', 'dang ky doan vien', 'dangky'] },
  currentWaves: { title: 'Đợt đang diễn ra', value: 'menu:waves', keyword: '#dot', synonyms: ['dot dang dien ra', 'dot', 'dot hoat dong', 'cac dot', 'waves'] },
  joinWave: { title: 'Tham gia đợt', value: 'menu:join', keyword: '#thamgia', synonyms: ['tham gia dot', 'tham gia', 'thamgia', 'tg', 'dang ky tham gia'] },
  submitProof: { title: 'Gửi minh chứng', value: 'menu:proof', keyword: '#minhchung', synonyms: ['gui minh chung', 'minh chung', 'minhchung', 'mc', 'nop minh chung'] },
  myResults: { title: 'Kết quả của tôi', value: 'menu:results', keyword: '#ketqua', synonyms: ['ket qua cua toi', 'ket qua', 'ketqua', 'kq'] },
  goodNews: { title: 'Gửi tin tốt', value: 'menu:goodnews', keyword: '#tintot', synonyms: ['gui tin tot', 'tin tot', 'tintot', 'chuyen tot'] },
  collaboratorTasks: { title: 'Nhiệm vụ CTV', value: 'menu:tasks', keyword: '#nhiemvu', synonyms: ['nhiem vu ctv', 'nhiem vu', 'nhiemvu', 'ctv'] },
  cadreDesk: { title: 'Việc của cán bộ', value: 'menu:cadre', keyword: '#canbo', synonyms: ['viec cua can bo', 'duyet', 'duyet minh chung', 'can bo'] },
  branchReport: { title: 'Báo cáo tin tốt', value: 'menu:report', keyword: '#baocao', synonyms: ['bao cao tin tot', 'bao cao tin tot hom nay', 'bao cao', 'baocao'] },
  subscriptions: { title: 'Nhận tin định kỳ', value: 'menu:subscriptions', keyword: '#nhantin', synonyms: ['nhan tin dinh ky', 'nhan tin', 'dang ky nhan tin', 'tin dinh ky'] },
  officialPages: { title: 'Trang chính thống', value: 'menu:pages', keyword: '#trang', synonyms: ['trang chinh thong', 'fanpage', 'trang'] },
  help: { title: 'Trợ giúp', value: 'menu:help', keyword: '#trogiup', synonyms: ['tro giup', 'giup', 'huong dan', 'help'] },
  talkToCadre: { title: 'Gặp cán bộ', value: 'menu:handover', keyword: '#gapcanbo', synonyms: ['gap can bo', 'gapcanbo', 'noi chuyen voi can bo', 'hotro', 'ho tro'] },
} as const;

export type MenuEntryKey = keyof typeof MENU;

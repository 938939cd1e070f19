/** Words every part of the conversation uses: greeting, menu prompts, help, apologies. */
export const TEXT = {
  greeting:
    'Chào bạn! Mình là trợ lý “Vùng Xanh” của Đoàn Thanh niên. Cùng nhau lan tỏa những điều tốt đẹp, ' +
    'góp phần “Xanh hóa không gian mạng” nhé!',
  menuPrompt: 'Bạn muốn xem gì? Chọn một mục bên dưới nhé.',
  menuRetry: 'Mình chưa hiểu ý bạn. Bạn chọn giúp mình một mục trong danh sách nhé (có thể trả lời bằng số).',
  noCurrentWaves: 'Hiện chưa có đợt hoạt động nào đang diễn ra. Khi Đoàn phát động đợt mới, mình sẽ báo để bạn cùng tham gia nhé.',
  currentWavesIntro: 'Các đợt hoạt động đang và sắp diễn ra:',
  /** What works everywhere; the help message adds the channel's own shortcuts (helpMessage). */
  help:
    'Bạn có thể nhắn cho mình bất cứ lúc nào:\n' +
    '• “menu”: xem các mục\n' +
    '• “hủy”: dừng việc đang làm\n' +
    '• “trợ giúp”: xem lại hướng dẫn này\n' +
    '• “dữ liệu của tôi”: xem Đoàn đang lưu gì về bạn\n' +
    '• “gặp cán bộ”: nhắn trực tiếp với cán bộ Đoàn\n' +
    '• “dừng nhận tin”: ngừng nhận mọi tin định kỳ\n' +
    '• “liên kết”: dùng chung một đăng ký trên cả Zalo và Messenger',
  helpMessengerMenu: 'Bạn cũng mở được menu ở góc dưới khung chat.',
  /** The menu's prompt when a message was not understood: one short message, with the menu's choices. */
  notUnderstood: 'Mình chưa hiểu ý bạn. Bạn chọn một mục bên dưới, hoặc nhắn “trợ giúp” để xem mình giúp được gì nhé.',
  /** The menu's prompt after "hủy". */
  cancelled: 'Mình đã dừng việc đang làm. Bạn muốn làm gì tiếp?',
  /** Sent before the reply when a message was longer than a dialog reads. */
  inputCut: 'Tin nhắn của bạn dài quá, nên mình chỉ đọc 2.000 ký tự đầu thôi nhé.',
  sharedInfoThanks: 'Cảm ơn bạn đã chia sẻ thông tin với Đoàn.',
  /** Sent when a message could not be processed after every retry (the event is dead-lettered). */
  apology:
    'Xin lỗi bạn, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn vừa rồi. ' +
    'Cán bộ Đoàn đã được báo để kiểm tra; bạn vui lòng thử lại sau ít phút nhé.',
} as const;

/** The help message: what works everywhere, then the Zalo #keywords of the member's menu, or Messenger's persistent menu. */
export function helpMessage(channel: 'zalo' | 'messenger', keywords: readonly string[]): string {
  if (channel === 'messenger') return `${TEXT.help}\n\n${TEXT.helpMessengerMenu}`;
  return keywords.length > 0 ? `${TEXT.help}\n\nGõ nhanh: ${keywords.join(', ')}` : TEXT.help;
}

/** "Từ 1/3 đến 31/3/2024" for a wave running whole days. */
export function waveDates(first: { day: number; month: number; year: number }, last: { day: number; month: number; year: number }): string {
  const from = first.year === last.year ? `${first.day}/${first.month}` : `${first.day}/${first.month}/${first.year}`;
  return `Từ ${from} đến ${last.day}/${last.month}/${last.year}`;
}

export function waveLines(index: number, title: string, dates: string, hashtags: readonly string[]): string {
  const tags = hashtags.length > 0 ? `\n   Hashtag: ${hashtags.join(' ')}` : '';
  return `${index}. ${title}\n   ${dates}${tags}`;
}

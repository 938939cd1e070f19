/** Words every part of the conversation uses: greeting, menu prompts, help, apologies. */
export const TEXT = {
  greeting:
    'Chào bạn! Mình là trợ lý “Vùng Xanh” của Đoàn Thanh niên. Cùng nhau lan tỏa những điều tốt đẹp, ' +
    'góp phần “Xanh hóa không gian mạng” nhé!',
  menuPrompt: 'Bạn muốn xem gì? Chọn một mục bên dưới nhé.',
  menuRetry: 'Mình chưa hiểu ý bạn. Bạn chọn giúp mình một mục trong danh sách nhé (có thể trả lời bằng số).',
  noCurrentWaves: 'Hiện chưa có đợt hoạt động nào đang diễn ra. Khi Đoàn phát động đợt mới, mình sẽ báo để bạn cùng tham gia nhé.',
  currentWavesIntro: 'Các đợt hoạt động đang và sắp diễn ra:',
  help:
    'Bạn có thể nhắn “menu” bất cứ lúc nào để xem các mục. Mình giúp bạn theo dõi các đợt hoạt động của Đoàn ' +
    'trên mạng xã hội. Nếu cần hỗ trợ thêm, bạn cứ nhắn cho Đoàn, cán bộ sẽ phản hồi sớm nhất.',
  sharedInfoThanks: 'Cảm ơn bạn đã chia sẻ thông tin với Đoàn.',
  /** Sent when a message could not be processed after every retry (the event is dead-lettered). */
  apology:
    'Xin lỗi bạn, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn vừa rồi. ' +
    'Cán bộ Đoàn đã được báo để kiểm tra; bạn vui lòng thử lại sau ít phút nhé.',
} as const;

/** "Từ 1/3 đến 31/3/2024" for a wave running whole days. */
export function waveDates(first: { day: number; month: number; year: number }, last: { day: number; month: number; year: number }): string {
  const from = first.year === last.year ? `${first.day}/${first.month}` : `${first.day}/${first.month}/${first.year}`;
  return `Từ ${from} đến ${last.day}/${last.month}/${last.year}`;
}

export function waveLines(index: number, title: string, dates: string, hashtags: readonly string[]): string {
  const tags = hashtags.length > 0 ? `\n   Hashtag: ${hashtags.join(' ')}` : '';
  return `${index}. ${title}\n   ${dates}${tags}`;
}

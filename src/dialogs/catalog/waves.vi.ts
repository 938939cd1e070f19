/** Waves: the list, joining, proofs, and "Kết quả của tôi". */
import type { ProofPlatform, ReviewState, WaveAction } from '../../db/types';

/** What the wave asks, in plain words. */
export const WAVE_ACTION: Readonly<Record<WaveAction, string>> = {
  avatarFrame: 'Đổi ảnh đại diện với khung hình của đợt',
  publicPost: 'Đăng bài, ảnh tích cực ở chế độ công khai trên trang cá nhân',
  candle: 'Đăng một ngọn nến tri ân ở chế độ công khai trên trang cá nhân',
  shareOfficialPost: 'Chia sẻ bài viết của trang chính thống',
  other: 'Thực hiện hoạt động theo hướng dẫn của đợt',
};

export const PLATFORM_NAME: Readonly<Record<ProofPlatform, string>> = {
  facebook: 'Facebook', tiktok: 'TikTok', youtube: 'YouTube', instagram: 'Instagram', threads: 'Threads', zalo: 'Zalo', other: 'trang khác',
};

/** "Facebook hoặc TikTok", "Facebook, TikTok hoặc YouTube". */
export function platformList(platforms: readonly ProofPlatform[]): string {
  const names = platforms.map((p) => PLATFORM_NAME[p]);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} hoặc ${names.at(-1)}`;
}

export interface WaveCard {
  readonly title: string;
  readonly dates: string;
  readonly description: string;
  readonly actionKind: WaveAction;
  readonly hashtags: readonly string[];
  readonly requiredHashtag: string | null;
}

export const WAVES_TEXT = {
  openIntro: 'Các đợt hoạt động đang diễn ra:',
  upcomingIntro: 'Sắp diễn ra:',
  noneOpen: 'Hiện chưa có đợt hoạt động nào đang diễn ra.',
  noneAtAll: 'Hiện chưa có đợt hoạt động nào đang diễn ra. Khi Đoàn phát động đợt mới, mình sẽ báo để bạn cùng tham gia nhé.',
  assetsIntro: 'Khung hình, tài liệu của đợt (bấm để mở):',
  /** A button title: 20 characters at most (Messenger). */
  assetButton: (index: number) => (index === 1 ? 'Mở khung hình' : `Khung hình ${index}`),
  nextPrompt: 'Bạn muốn tham gia đợt nào không?',
  joinChoice: 'Tham gia đợt',
  proofChoice: 'Gửi minh chứng',
  laterChoice: 'Để sau',
  menuChoice: 'Về menu',
  doneChoice: 'Xong',
  later: 'Dạ vâng. Khi nào sẵn sàng, bạn nhắn “menu” rồi chọn “Gửi minh chứng” nhé.',
  needsMember: 'Để tham gia đợt và gửi minh chứng, bạn cần đăng ký thông tin đoàn viên trước. Mình hướng dẫn bạn ngay nhé.',
  pickWaveToJoin: 'Bạn muốn tham gia đợt nào?',
  pickWaveForProof: 'Bạn gửi minh chứng cho đợt nào?',
  pickWaveRetry: 'Bạn chọn giúp mình một đợt trong danh sách nhé (có thể trả lời bằng số).',
  noOpenWaveToJoin: 'Hiện chưa có đợt hoạt động nào đang mở để tham gia. Khi Đoàn phát động đợt mới, mình sẽ báo bạn nhé.',
  noOpenWaveForProof: 'Hiện chưa có đợt nào đang mở để nhận minh chứng. Khi Đoàn phát động đợt mới, mình sẽ báo bạn nhé.',
  waveClosed: 'Đợt này đã kết thúc hoặc tạm dừng nên chưa nhận thêm. Bạn nhắn “menu” để xem các đợt đang diễn ra nhé.',
  joined: (title: string) => `Cảm ơn bạn đã tham gia “${title}”! 🌱`,
  alreadyJoined: (title: string) => `Bạn đã tham gia rồi: “${title}”. Mình vẫn giữ nguyên đăng ký của bạn.`,
  whatToDo: (wave: WaveCard) => waveBody(wave),
  afterJoinPrompt: 'Khi đã đăng bài, bạn gửi minh chứng cho mình nhé.',
} as const;

function waveBody(wave: WaveCard): string {
  const lines = [`Việc cần làm: ${WAVE_ACTION[wave.actionKind]}.`];
  if (wave.description.trim() !== '') lines.push(wave.description.trim());
  if (wave.hashtags.length > 0) lines.push(`Hashtag: ${wave.hashtags.join(' ')}`);
  if (wave.requiredHashtag) lines.push(`Bài đăng cần có ${wave.requiredHashtag}.`);
  return lines.join('\n');
}

/** One wave in the list: title, local dates, what to do, hashtags. */
export function waveCard(index: number, wave: WaveCard): string {
  return `${index}. ${wave.title}\n${wave.dates}\n${waveBody(wave)}`;
}

export const PROOF_TEXT = {
  ask: (title: string) =>
    `Gửi minh chứng cho “${title}”: bạn dán link bài đăng công khai (Facebook, TikTok, YouTube, Instagram, Threads, Zalo) ` +
    'hoặc gửi ảnh chụp màn hình bài đăng vào đây nhé.',
  /** Names the typed word: on Messenger the "Xong" quick reply goes away when the image's confirmation arrives after it. */
  askMore: 'Bạn có thể gửi tiếp link hoặc ảnh khác cho đợt này. Gửi đủ rồi thì bạn nhắn “xong” nhé.',
  nothingFound:
    'Mình chưa thấy link hay ảnh trong tin nhắn này. Bạn dán link bài đăng hoặc gửi ảnh chụp màn hình giúp mình nhé ' +
    '(nhắn “xong” để dừng, “menu” để về menu).',
  joinedNow: (title: string) => `Mình đã ghi nhận bạn tham gia “${title}”.`,
  linkRecorded: (platform: string) => `Đã nhận link bài đăng ${platform} của bạn ✅. Cán bộ Đoàn sẽ duyệt sớm; bạn xem kết quả ở mục “Kết quả của tôi”.`,
  imageRecorded: 'Mình đã nhận ảnh của bạn và đang lưu lại. Lưu được rồi mình sẽ báo bạn ngay nhé.',
  alreadyRecorded: 'Link này bạn đã gửi cho đợt này rồi, mình vẫn giữ nguyên minh chứng cũ, bạn không cần gửi lại.',
  usedByAnother:
    'Link bài đăng này đã được một bạn khác gửi làm minh chứng cho đợt này, nên mình chưa nhận được. ' +
    'Mỗi bài đăng chỉ tính cho một người: bạn gửi link bài đăng của chính mình nhé (hoặc nhắn “xong” để dừng).',
  platformNotAccepted: (platforms: string) => `Đợt này chỉ nhận bài đăng trên ${platforms}. Bạn gửi giúp mình link bài đăng trên ${platforms} nhé.`,
  askHashtag: (tag: string) => `Đợt này yêu cầu bài đăng có hashtag ${tag}. Bài của bạn đã gắn ${tag} chưa?`,
  hashtagYes: 'Có, đã gắn',
  hashtagNo: 'Chưa có',
  hashtagMissing: (tag: string) => `Bạn thêm ${tag} vào bài đăng (sửa bài là được), rồi gửi lại link cho mình nhé.`,
  hashtagRetry: 'Bạn chọn “Có, đã gắn” hoặc “Chưa có” giúp mình nhé.',
  badImage: 'Mình chưa mở được ảnh này. Bạn gửi lại ảnh chụp màn hình giúp mình nhé.',
  slowDown:
    'Bạn gửi minh chứng hơi nhanh, mình cần chút thời gian để ghi nhận. Những minh chứng vừa rồi chưa được lưu; ' +
    'bạn đợi khoảng một phút rồi gửi lại giúp mình nhé. Cảm ơn bạn!',
  done: 'Cảm ơn bạn đã gửi minh chứng! Bạn xem kết quả duyệt ở mục “Kết quả của tôi” nhé.',
  imageReceived: (title: string) => `Ảnh minh chứng cho “${title}” đã được lưu ✅. Cán bộ Đoàn sẽ duyệt sớm.`,
  imageNotFetched: 'Xin lỗi bạn, mình chưa tải được ảnh minh chứng vừa rồi (đường truyền gián đoạn). Bạn gửi lại ảnh giúp mình nhé.',
  imageTooLarge: 'Ảnh minh chứng vừa rồi lớn quá nên mình chưa lưu được. Bạn chụp màn hình lại (ảnh nhỏ hơn 5 MB) rồi gửi giúp mình nhé.',
  imageNotAnImage: 'Tệp vừa rồi không phải ảnh nên mình chưa lưu được. Bạn gửi ảnh chụp màn hình bài đăng giúp mình nhé.',
} as const;

export const REVIEW_STATE_TEXT: Readonly<Record<ReviewState, string>> = {
  pending: 'chờ duyệt',
  approved: 'đã duyệt ✅',
  rejected: 'chưa được duyệt',
};

export const RESULTS_TEXT = {
  needsMember: 'Để xem kết quả, bạn cần đăng ký thông tin đoàn viên trước. Mình hướng dẫn bạn ngay nhé.',
  nothingYet: 'Bạn chưa tham gia đợt nào. Chọn “Tham gia đợt” trong menu để bắt đầu nhé.',
  wavesTitle: 'Các đợt bạn đã tham gia:',
  proofsTitle: 'Minh chứng của bạn:',
  noProofs: 'Bạn chưa gửi minh chứng nào.',
  imageProof: 'Ảnh chụp màn hình',
  imageAwaiting: 'đang lưu ảnh',
  rejectReason: (reason: string) => `lý do: ${reason}`,
  branchTitle: 'Chi đoàn của bạn trong các đợt đang diễn ra:',
  noBranch: 'Bạn chưa thuộc chi đoàn nào nên chưa có số liệu của chi đoàn.',
  pendingNote: 'Tài khoản của bạn đang chờ xác minh; sau khi xác minh, bạn được tính vào số liệu của chi đoàn.',
  turnout: (who: 'cadre' | 'member', tookPart: number, total: number, targetPct: number) => {
    const label = who === 'cadre' ? 'cán bộ Đoàn' : 'đoàn viên';
    const pct = total === 0 ? 0 : Math.round((tookPart * 100) / total);
    const standing = total === 0 ? 'chưa có danh sách' : `${tookPart}/${total} ${label} đã tham gia (${pct}%)`;
    return `• ${total === 0 ? `${label}: ` : ''}${standing}, chỉ tiêu ${targetPct}%${total > 0 && pct >= targetPct ? ' — đạt 🎉' : ''}`;
  },
} as const;

export function joinedWaveLine(title: string, stateText: string): string {
  return `• ${title} — ${stateText}`;
}

export const PARTICIPATION_STATE_TEXT = {
  joined: 'đã đăng ký, chưa gửi minh chứng',
  proofSubmitted: 'đã gửi minh chứng',
  approved: 'đã được duyệt ✅',
  rejected: 'minh chứng chưa được duyệt',
} as const;

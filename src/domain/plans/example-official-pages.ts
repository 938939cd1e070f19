import type { OfficialPagePlatform } from '../../db/types';

export interface ExampleOfficialPage {
  readonly seedKey: string;
  readonly title: string;
  readonly platform: OfficialPagePlatform;
  readonly description: string;
  /**
   * A placeholder: the plan names these pages but not their addresses, and a plausible-looking
   * guess could send members to someone else's page. Staff put in the real address; the row is
   * flagged is_example until then.
   */
  readonly url: string;
}

/** The official pages and channels the example plan asks members to follow and interact with (plan 118, parts II and III). */
export const EXAMPLE_OFFICIAL_PAGES: readonly ExampleOfficialPage[] = [
  { seedKey: 'page-quan-doan-binh-tan', title: 'Quận Đoàn Bình Tân', platform: 'facebook', description: 'Trang cộng đồng của Quận Đoàn Bình Tân.', url: 'https://www.facebook.com/example-quan-doan-binh-tan' },
  { seedKey: 'page-binh-tan-trong-toi', title: 'Bình Tân trong Tôi', platform: 'facebook', description: 'Trang cộng đồng “Bình Tân trong Tôi”.', url: 'https://www.facebook.com/example-binh-tan-trong-toi' },
  { seedKey: 'page-ban-tuyen-giao-binh-tan', title: 'Ban Tuyên giáo Quận ủy Bình Tân', platform: 'facebook', description: 'Thông tin chính thống của Ban Tuyên giáo Quận ủy.', url: 'https://www.facebook.com/example-ban-tuyen-giao-quan-uy-binh-tan' },
  { seedKey: 'page-huong-sen-viet', title: 'Hương sen Việt', platform: 'facebook', description: 'Trang cộng đồng “Hương sen Việt”.', url: 'https://www.facebook.com/example-huong-sen-viet' },
  { seedKey: 'page-tia-lua', title: 'Fanpage Tia Lửa', platform: 'facebook', description: 'Thích, chia sẻ, bình luận các bài viết để lan tỏa thông tin tích cực.', url: 'https://www.facebook.com/example-tia-lua' },
  { seedKey: 'channel-tiktok-binh-tan-trong-toi', title: 'TikTok Bình Tân trong tôi', platform: 'tiktok', description: 'Kênh TikTok “Bình Tân trong tôi”.', url: 'https://www.tiktok.com/@example-binh-tan-trong-toi' },
  { seedKey: 'channel-youtube-binh-tan-trong-toi', title: 'YouTube Bình Tân trong tôi', platform: 'youtube', description: 'Kênh YouTube “Bình Tân trong tôi”.', url: 'https://www.youtube.com/@example-binh-tan-trong-toi' },
];

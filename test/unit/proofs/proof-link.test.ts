import {
  canonicalizeProofLink,
  extractLinks,
  platformOf,
  SUPPORTED_PLATFORMS,
  type ProofLinkProblem,
  type SupportedProofPlatform,
} from '../../../src/domain/proofs/proof-link';

const FB = 'https://www.facebook.com';
const PFBID = 'pfbid02Xk3vQe9r8TzLmN5bYwHcJqP7sA1dF4gK6uV2yR8nE3oI9tZ5xCmWlB7hJqS4Dl';
const TT_VIDEO = 'https://www.tiktok.com/@doanbinhtan/video/7312345678901234567';
const YT_WATCH = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
const YT_SHORT = 'https://www.youtube.com/watch?v=aBcDeFgHiJk';
const IG_POST = 'https://www.instagram.com/p/C1aBcDeFgHi/';
const IG_REEL = 'https://www.instagram.com/p/C2xYzAbCdEf/';
const THREADS_POST = 'https://www.threads.com/@doanbinhtan/post/C3aBcDeFgHi';
const ZALO_S = 'https://zalo.me/s/194839900003483517/';

/** Links as members send them (copied from the apps, the web, share sheets), and what they become. */
const CORPUS: readonly (readonly [input: string, canonical: string, platform: SupportedProofPlatform])[] = [
  // Facebook
  [`https://www.facebook.com/QuanDoanBinhTan/posts/${PFBID}?__cft__[0]=AZX-abc123&__tn__=%2CO%2CP-R`, `${FB}/quandoanbinhtan/posts/${PFBID}`, 'facebook'],
  [`https://m.facebook.com/story.php?story_fbid=${PFBID}&id=100064521234567&mibextid=Nif5oz`, `${FB}/permalink.php?story_fbid=${PFBID}&id=100064521234567`, 'facebook'],
  ['https://www.facebook.com/permalink.php?id=100064521234567&story_fbid=1234567890123456&rdid=AbCdEf&share_url=https%3A%2F%2Fwww.facebook.com%2Fshare%2Fp%2F1AbC', `${FB}/permalink.php?story_fbid=1234567890123456&id=100064521234567`, 'facebook'],
  ['https://mbasic.facebook.com/story.php?story_fbid=1234567890&id=100012345678901&refid=52&__tn__=-R', `${FB}/permalink.php?story_fbid=1234567890&id=100012345678901`, 'facebook'],
  ['https://www.facebook.com/share/p/1EXAMPLEab/?mibextid=WC7FNe', `${FB}/share/p/1EXAMPLEab/`, 'facebook'],
  ['https://www.facebook.com/share/v/15Tq9Xyz3A/', `${FB}/share/v/15Tq9Xyz3A/`, 'facebook'],
  ['https://m.facebook.com/share/r/1Ab2Cd3Ef4/?mibextid=rS40aB7S9Ucbxw6v', `${FB}/share/r/1Ab2Cd3Ef4/`, 'facebook'],
  ['https://www.facebook.com/share/18kPq2Yw7z/', `${FB}/share/18kPq2Yw7z/`, 'facebook'],
  ['https://www.facebook.com/share/18kPq2Yw7z', `${FB}/share/18kPq2Yw7z/`, 'facebook'],
  ['https://fb.watch/q8Ab-Cd_9E/?mibextid=Nif5oz', 'https://fb.watch/q8Ab-Cd_9E', 'facebook'],
  ['https://web.facebook.com/QuanDoanBinhTan/videos/1234567890123456/?_rdc=1&_rdr', `${FB}/watch/?v=1234567890123456`, 'facebook'],
  ['https://www.facebook.com/QuanDoanBinhTan/videos/vb.100064521234567/1234567890123456/?type=3', `${FB}/watch/?v=1234567890123456`, 'facebook'],
  ['https://www.facebook.com/watch/?v=987654321098765&ref=sharing', `${FB}/watch/?v=987654321098765`, 'facebook'],
  ['https://m.facebook.com/watch?v=987654321098765&extid=CL-UNK-UNK-UNK-AN_GK0T-GK1C', `${FB}/watch/?v=987654321098765`, 'facebook'],
  ['https://www.facebook.com/reel/1122334455667788?fs=e&s=TIeQ9V&mibextid=0NULKw', `${FB}/reel/1122334455667788`, 'facebook'],
  ['https://www.facebook.com/groups/DoanThanhNienBinhTan/posts/3456789012345678/?comment_id=345&notif_id=1&notif_t=group_comment', `${FB}/groups/doanthanhnienbinhtan/posts/3456789012345678`, 'facebook'],
  ['https://m.facebook.com/groups/1234567890/permalink/2345678901234567/?ref=share', `${FB}/groups/1234567890/posts/2345678901234567`, 'facebook'],
  ['https://www.facebook.com/groups/1234567890/?multi_permalinks=2345678901234567&hoisted_section_header_type=recently_seen', `${FB}/groups/1234567890/posts/2345678901234567`, 'facebook'],
  ['https://www.facebook.com/photo.php?fbid=123456789012345&set=a.109876543210987&type=3&theater', `${FB}/photo/?fbid=123456789012345&set=a.109876543210987`, 'facebook'],
  ['https://www.facebook.com/photo/?fbid=123456789012345&set=pcb.2233445566778899&__cft__[0]=AZ', `${FB}/photo/?fbid=123456789012345&set=pcb.2233445566778899`, 'facebook'],
  ['https://www.facebook.com/photo/?fbid=123456789012345', `${FB}/photo/?fbid=123456789012345`, 'facebook'],
  ['https://www.facebook.com/QuanDoanBinhTan/photos/a.109876543210987/123456789012345/?type=3', `${FB}/photo/?fbid=123456789012345&set=a.109876543210987`, 'facebook'],
  ['fb.com/TuoiTreBinhTan/posts/7654321098765432', `${FB}/tuoitrebinhtan/posts/7654321098765432`, 'facebook'],
  ['https://touch.facebook.com/TuoiTreBinhTan/posts/7654321098765432/?app=fbl', `${FB}/tuoitrebinhtan/posts/7654321098765432`, 'facebook'],
  ['http://www.facebook.com:80/QuanDoanBinhTan/posts/123456789012345#comments', `${FB}/quandoanbinhtan/posts/123456789012345`, 'facebook'],
  ['https://www.facebook.com/Tuổi-Trẻ-Bình-Tân-100012345678901/posts/123456789012345', `${FB}/tu%E1%BB%95i-tr%E1%BA%BB-b%C3%ACnh-t%C3%A2n-100012345678901/posts/123456789012345`, 'facebook'],
  ['https://vi-vn.facebook.com/Tu%e1%bb%95i-Tr%E1%BA%BB-B%C3%ACnh-T%C3%A2n-100012345678901/posts/123456789012345?fbclid=IwAR0abc', `${FB}/tu%E1%BB%95i-tr%E1%BA%BB-b%C3%ACnh-t%C3%A2n-100012345678901/posts/123456789012345`, 'facebook'],
  ['https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.tiktok.com%2F%40doanbinhtan%2Fvideo%2F7312345678901234567%3Fis_from_webapp%3D1&h=AT0abc', TT_VIDEO, 'tiktok'],
  // TikTok
  ['https://www.tiktok.com/@doanbinhtan/video/7312345678901234567?is_from_webapp=1&sender_device=pc&web_id=7300000000000000000', TT_VIDEO, 'tiktok'],
  ['https://m.tiktok.com/@DoanBinhTan/video/7312345678901234567?_r=1&_t=8hYzAbCdEf', TT_VIDEO, 'tiktok'],
  ['HTTPS://WWW.TIKTOK.COM/@DoanBinhTan/video/7312345678901234567?share_app_id=1233&utm_campaign=client_share&utm_medium=ios&utm_source=copy', TT_VIDEO, 'tiktok'],
  ['tiktok.com/@doanbinhtan/video/7312345678901234567/', TT_VIDEO, 'tiktok'],
  ['https://www.tiktok.com/@tuoitre.binhtan/photo/7323456789012345678?lang=vi-VN', 'https://www.tiktok.com/@tuoitre.binhtan/photo/7323456789012345678', 'tiktok'],
  ['https://vt.tiktok.com/ZSjAbCdEf/', 'https://vt.tiktok.com/ZSjAbCdEf/', 'tiktok'],
  ['vt.tiktok.com/ZSjAbCdEf', 'https://vt.tiktok.com/ZSjAbCdEf/', 'tiktok'],
  ['https://vm.tiktok.com/ZMhAbCdEf/?_t=8kAbc&_r=1', 'https://vm.tiktok.com/ZMhAbCdEf/', 'tiktok'],
  ['https://www.tiktok.com/t/ZT8AbCdEf/?k=1', 'https://www.tiktok.com/t/ZT8AbCdEf/', 'tiktok'],
  // YouTube
  ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL1234567890&index=2&pp=iAQB', YT_WATCH, 'youtube'],
  ['https://youtu.be/dQw4w9WgXcQ?si=AbCdEfGh12345678', YT_WATCH, 'youtube'],
  ['youtu.be/dQw4w9WgXcQ', YT_WATCH, 'youtube'],
  ['https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be&t=42s', YT_WATCH, 'youtube'],
  ['https://music.youtube.com/watch?v=dQw4w9WgXcQ&si=abc', YT_WATCH, 'youtube'],
  ['https://www.youtube.com/embed/dQw4w9WgXcQ?start=10', YT_WATCH, 'youtube'],
  ['https://youtube.com/shorts/aBcDeFgHiJk?si=xyz123', YT_SHORT, 'youtube'],
  ['https://www.youtube.com/shorts/aBcDeFgHiJk/', YT_SHORT, 'youtube'],
  ['https://www.youtube.com/live/AbC-dEf_GhI?si=Qwerty&feature=share', 'https://www.youtube.com/watch?v=AbC-dEf_GhI', 'youtube'],
  ['https://www.youtube.com/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz0123?si=abc', 'https://www.youtube.com/post/UgkxAbCdEfGhIjKlMnOpQrStUvWxYz0123', 'youtube'],
  // Instagram
  ['https://www.instagram.com/p/C1aBcDeFgHi/?igsh=MWQ1ZGUxMzBkMA==', IG_POST, 'instagram'],
  ['https://m.instagram.com/p/C1aBcDeFgHi', IG_POST, 'instagram'],
  ['https://www.instagram.com/doanbinhtan/p/C1aBcDeFgHi/?img_index=2', IG_POST, 'instagram'],
  ['instagram.com/p/C1aBcDeFgHi/?utm_source=ig_web_button_share_sheet', IG_POST, 'instagram'],
  ['https://instagr.am/p/C1aBcDeFgHi/', IG_POST, 'instagram'],
  ['https://www.instagram.com/reel/C2xYzAbCdEf/?igshid=NTc4MTIwNjQ2YQ%3D%3D', IG_REEL, 'instagram'],
  ['https://instagram.com/reels/C2xYzAbCdEf', IG_REEL, 'instagram'],
  ['https://www.instagram.com/tv/CAbCdEfGhIj/?utm_source=ig_web_copy_link', 'https://www.instagram.com/p/CAbCdEfGhIj/', 'instagram'],
  ['https://www.instagram.com/share/reel/BAbCdEfGhI/?igsh=abc', 'https://www.instagram.com/share/reel/BAbCdEfGhI/', 'instagram'],
  // Threads
  ['https://www.threads.net/@doanbinhtan/post/C3aBcDeFgHi?xmt=AQGzAbc&igshid=abc', THREADS_POST, 'threads'],
  ['https://www.threads.com/@doanbinhtan/post/C3aBcDeFgHi', THREADS_POST, 'threads'],
  ['https://threads.net/@DoanBinhTan/post/C3aBcDeFgHi/', THREADS_POST, 'threads'],
  ['https://www.threads.net/@doanbinhtan/post/C3aBcDeFgHi/media', THREADS_POST, 'threads'],
  ['https://www.threads.com/@doanbinhtan/post/C3aBcDeFgHi?slof=1#reply', THREADS_POST, 'threads'],
  ['threads.net/@tuoitre.binhtan/post/DAbCdEfGhIj?hl=vi', 'https://www.threads.com/@tuoitre.binhtan/post/DAbCdEfGhIj', 'threads'],
  ['https://www.threads.net/t/C3aBcDeFgHi/', 'https://www.threads.com/t/C3aBcDeFgHi', 'threads'],
  // Zalo
  ['https://zalo.me/s/194839900003483517/', ZALO_S, 'zalo'],
  ['https://zalo.me/s/194839900003483517/?utm_source=zalo&utm_medium=share', ZALO_S, 'zalo'],
  ['http://www.zalo.me/s/194839900003483517', ZALO_S, 'zalo'],
  ['zalo.me/s/194839900003483517/', ZALO_S, 'zalo'],
  ['HTTPS://ZALO.ME/s/194839900003483517/#top', ZALO_S, 'zalo'],
  ['https://zalo.me/s/3888182390069527250/tai-khoan-tra-sau?utm_source=zalopay_web_telco', 'https://zalo.me/s/3888182390069527250/tai-khoan-tra-sau', 'zalo'],
];

describe('canonicalizeProofLink: the corpus', () => {
  it.each(CORPUS)('When a member sends %s, then it is stored as %s on %s', (input, canonical, platform) => {
    expect(canonicalizeProofLink(input)).toEqual({ ok: true, canonical, platform, original: input });
  });

  it.each(CORPUS)('When %s is canonicalised again, then nothing changes', (input) => {
    const once = canonicalizeProofLink(input);
    if (!once.ok) throw new Error(`expected ${input} to be accepted`);
    expect(canonicalizeProofLink(once.canonical)).toEqual({ ok: true, canonical: once.canonical, platform: once.platform, original: once.canonical });
  });

  it.each(CORPUS)('When %s ends a Vietnamese sentence, then the link is found and gives the same canonical form', (input, canonical) => {
    const links = extractLinks(`Dạ em gửi minh chứng tham gia đợt này ạ: ${input}. Em cảm ơn anh chị!`);
    expect(links).toEqual([input]);
    expect(canonicalizeProofLink(links[0] ?? '')).toMatchObject({ ok: true, canonical });
  });

  it('When the corpus is counted, then it holds at least six links of every platform', () => {
    for (const { platform } of SUPPORTED_PLATFORMS) {
      expect(CORPUS.filter(([, , p]) => p === platform).length).toBeGreaterThanOrEqual(6);
    }
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
  });

  it('When spaces or zero-width characters surround a link, then they are ignored and the original is the link itself', () => {
    expect(canonicalizeProofLink('  \u200bhttps://youtu.be/dQw4w9WgXcQ\n')).toEqual({ ok: true, canonical: YT_WATCH, platform: 'youtube', original: 'https://youtu.be/dQw4w9WgXcQ' });
  });

  it('When a short and a full link of the same YouTube video are sent, then both are the same canonical form', () => {
    const forms = ['https://youtube.com/shorts/aBcDeFgHiJk', 'https://youtu.be/aBcDeFgHiJk', 'https://www.youtube.com/watch?v=aBcDeFgHiJk'];
    expect(new Set(forms.map((form) => {
      const result = canonicalizeProofLink(form);
      return result.ok ? result.canonical : result.reason;
    }))).toEqual(new Set([YT_SHORT]));
  });
});

const LONG_LINK_PREFIX = 'https://www.facebook.com/QuanDoanBinhTan/posts/123456789012345?fbclid=';

describe('canonicalizeProofLink: refusals', () => {
  it.each<[string, ProofLinkProblem]>([
    ['javascript:alert(1)', 'notHttp'],
    ['JavaScript:alert(document.cookie)//https://www.facebook.com/a/posts/1', 'notHttp'],
    ['data:text/html,<script>alert(1)</script>', 'notHttp'],
    ['ftp://files.example.com/bai-dang.jpg', 'notHttp'],
    ['mailto:doanbinhtan@example.com', 'notHttp'],
    ['file:///etc/passwd', 'notHttp'],
    ['https://bit.ly/3AbCdEf', 'unsupportedPlatform'],
    ['tinyurl.com/xanh-hoa', 'unsupportedPlatform'],
    ['https://vnexpress.net/thoi-su/bai-viet-123.html', 'unsupportedPlatform'],
    ['https://www.google.com/search?q=qu%E1%BA%ADn+%C4%91o%C3%A0n+b%C3%ACnh+t%C3%A2n', 'unsupportedPlatform'],
    ['https://www.facebook.com.evil.example/QuanDoanBinhTan/posts/123', 'unsupportedPlatform'],
    ['https://facebook.com@evil.example/QuanDoanBinhTan/posts/123', 'unsupportedPlatform'],
    ['https://notfacebook.com/QuanDoanBinhTan/posts/123', 'unsupportedPlatform'],
    ['http://127.0.0.1:8080/posts/1', 'unsupportedPlatform'],
    ['https://www.facebook.com/QuanDoanBinhTan', 'notAPost'],
    ['https://www.facebook.com/QuanDoanBinhTan/?mibextid=ZbWKwL', 'notAPost'],
    ['https://m.facebook.com/profile.php?id=100012345678901', 'notAPost'],
    ['https://www.facebook.com/', 'notAPost'],
    ['facebook.com', 'notAPost'],
    ['https://www.facebook.com/search/top?q=xanh%20h%C3%B3a', 'notAPost'],
    ['https://www.facebook.com/hashtag/xanhhoakhonggianmang', 'notAPost'],
    ['https://www.facebook.com/groups/doanthanhnienbinhtan/', 'notAPost'],
    ['https://www.facebook.com/stories/100012345678901/UzpfSVNDOjEyMzQ1Njc4OQ==/', 'notAPost'],
    ['https://www.facebook.com/events/123456789012345/', 'notAPost'],
    ['https://www.facebook.com/watch/', 'notAPost'],
    ['https://fb.watch/', 'notAPost'],
    ['https://l.facebook.com/l.php?h=AT0abc', 'notAPost'],
    ['https://www.tiktok.com/@doanbinhtan', 'notAPost'],
    ['https://www.tiktok.com/', 'notAPost'],
    ['https://www.tiktok.com/search?q=xanh', 'notAPost'],
    ['https://www.youtube.com/@binhtantrongtoi', 'notAPost'],
    ['https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv', 'notAPost'],
    ['https://www.youtube.com/watch?v=short', 'notAPost'],
    ['https://www.youtube.com/results?search_query=binh+tan', 'notAPost'],
    ['https://www.instagram.com/doanbinhtan/', 'notAPost'],
    ['https://www.instagram.com/stories/doanbinhtan/3212345678901234567/', 'notAPost'],
    ['https://www.threads.net/@doanbinhtan', 'notAPost'],
    ['https://zalo.me/4385628039049498170', 'notAPost'],
    ['https://zalo.me/0912345678', 'notAPost'],
    ['https://zalo.me/g/alvkgn274', 'notAPost'],
    ['https://zalo.me/', 'notAPost'],
    [LONG_LINK_PREFIX + 'a'.repeat(2001 - LONG_LINK_PREFIX.length), 'tooLong'],
    ['', 'notAUrl'],
    ['   ', 'notAUrl'],
    ['bài đăng của mình', 'notAUrl'],
    ['ok', 'notAUrl'],
    ['https://', 'notAUrl'],
    ['http://[::1', 'notAUrl'],
    ['%%%', 'notAUrl'],
    ['😀😀😀', 'notAUrl'],
    ["'; drop table proofs; --", 'notAUrl'],
    ['https://www.facebook.com/Quan Doan/posts/123', 'notAUrl'],
  ])('When a member sends %s, then it is refused as %s with a message', (input, reason) => {
    const result = canonicalizeProofLink(input);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.message).toMatch(/nhé\.$/);
  });

  it('When a link is exactly 2,000 characters, then it is still accepted', () => {
    const link = LONG_LINK_PREFIX + 'a'.repeat(2000 - LONG_LINK_PREFIX.length);
    expect(link).toHaveLength(2000);
    expect(canonicalizeProofLink(link)).toMatchObject({ ok: true, canonical: `${FB}/quandoanbinhtan/posts/123456789012345` });
  });

  it('When a link is refused, then the member reads in Vietnamese what is wrong and what to send', () => {
    expect(canonicalizeProofLink('https://vnexpress.net/a.html')).toMatchObject({
      message: 'Đường link này không phải bài đăng trên Facebook, TikTok, YouTube, Instagram, Threads hay Zalo. Bạn gửi giúp mình link bài đăng công khai nhé.',
    });
    expect(canonicalizeProofLink('https://bit.ly/3AbCdEf')).toMatchObject({ message: expect.stringContaining('link rút gọn') });
    expect(canonicalizeProofLink('https://bit.ly/3AbCdEf')).toMatchObject({ message: expect.stringContaining('đường link gốc') });
    expect(canonicalizeProofLink('https://www.facebook.com/QuanDoanBinhTan')).toMatchObject({
      message: expect.stringMatching(/trang cá nhân.*Facebook.*chưa dùng làm minh chứng.*Sao chép liên kết/),
    });
    expect(canonicalizeProofLink('https://www.instagram.com/stories/a/1/')).toMatchObject({ message: expect.stringContaining('tự mất sau 24 giờ') });
    expect(canonicalizeProofLink('https://zalo.me/4385628039049498170')).toMatchObject({ message: expect.stringContaining('ảnh chụp màn hình') });
    expect(canonicalizeProofLink('javascript:alert(1)')).toMatchObject({ message: expect.stringContaining('https://') });
    expect(canonicalizeProofLink('x'.repeat(2001))).toMatchObject({ message: expect.stringContaining('2.000 ký tự') });
  });
});

describe('platformOf', () => {
  it.each<[string, string]>([
    ['https://www.facebook.com/QuanDoanBinhTan', 'facebook'],
    ['fb.watch/abc', 'facebook'],
    ['https://vt.tiktok.com/ZSjAbCdEf/', 'tiktok'],
    ['youtu.be/dQw4w9WgXcQ', 'youtube'],
    ['https://instagr.am/p/x', 'instagram'],
    ['https://www.threads.com/@a', 'threads'],
    ['https://zalo.me/123', 'zalo'],
    ['https://bit.ly/abc', 'other'],
    ['javascript:alert(1)', 'other'],
    ['không phải link', 'other'],
  ])('When the link is %s, then its platform is %s', (link, platform) => {
    expect(platformOf(link)).toBe(platform);
  });
});

describe('extractLinks', () => {
  it.each<[string, string[]]>([
    ['Em gửi link ạ: https://www.facebook.com/QuanDoanBinhTan/posts/123456789012345.', ['https://www.facebook.com/QuanDoanBinhTan/posts/123456789012345']],
    ['Bài của em (https://youtu.be/dQw4w9WgXcQ) nha', ['https://youtu.be/dQw4w9WgXcQ']],
    ['“https://vt.tiktok.com/ZSjAbCdEf/”', ['https://vt.tiktok.com/ZSjAbCdEf/']],
    ['«https://zalo.me/s/194839900003483517/»', ['https://zalo.me/s/194839900003483517/']],
    ['link:fb.com/TuoiTreBinhTan/posts/7654321098765432, cảm ơn anh chị!', ['fb.com/TuoiTreBinhTan/posts/7654321098765432']],
    ['Bài của em www.tiktok.com/@doanbinhtan/video/7312345678901234567?lang=vi!!', ['www.tiktok.com/@doanbinhtan/video/7312345678901234567?lang=vi']],
    ['Xong rồi ạ youtu.be/dQw4w9WgXcQ…', ['youtu.be/dQw4w9WgXcQ']],
    ['Đã đăng: https://www.threads.net/@doanbinhtan/post/C3aBcDeFgHi?', ['https://www.threads.net/@doanbinhtan/post/C3aBcDeFgHi']],
    ['Link: https://www.instagram.com/p/C1aBcDeFgHi/; còn đây là bài 2: https://www.instagram.com/reel/C2xYzAbCdEf/:', ['https://www.instagram.com/p/C1aBcDeFgHi/', 'https://www.instagram.com/reel/C2xYzAbCdEf/']],
    ['https://fb.watch/q8Ab-Cd_9E/\nhttps://fb.watch/q8Ab-Cd_9E/\nhttps://vm.tiktok.com/ZMhAbCdEf/', ['https://fb.watch/q8Ab-Cd_9E/', 'https://vm.tiktok.com/ZMhAbCdEf/']],
    ['Nguồn: https://vi.wikipedia.org/wiki/Bình_Tân_(quận)', ['https://vi.wikipedia.org/wiki/Bình_Tân_(quận)']],
    ['https://www.facebook.com/a/posts/1?__cft__[0]=AZX&__tn__=%2CO%2CP-R]', ['https://www.facebook.com/a/posts/1?__cft__[0]=AZX&__tn__=%2CO%2CP-R']],
    ['Em dùng link rút gọn bit.ly/3AbCdEf được không ạ?', ['bit.ly/3AbCdEf']],
    ['Trang của Đoàn là facebook.com.', ['facebook.com']],
    ['HTTPS://FB.WATCH/q8Ab-Cd_9E', ['HTTPS://FB.WATCH/q8Ab-Cd_9E']],
    ['xem www.binhtan.hochiminhcity.gov.vn/tin-tuc nhé', ['www.binhtan.hochiminhcity.gov.vn/tin-tuc']],
    ['link\u200bhttps://youtu.be/dQw4w9WgXcQ\u200b ạ', ['https://youtu.be/dQw4w9WgXcQ']],
  ])('When the message is %j, then the links are %j', (text, links) => {
    expect(extractLinks(text)).toEqual(links);
  });

  it.each([
    'Em đã tham gia rồi ạ',
    'Email của em là doanvien@facebook.com nhé',
    'facebook.comedy và youtube.community không phải link',
    'javascript:alert(1)',
    'http:// rồi gì nữa',
    '',
  ])('When the message is %j, then no link is found', (text) => {
    expect(extractLinks(text)).toEqual([]);
  });

  it('When a message is 100 KB of text and links, then the links are found quickly', () => {
    const text = `${'Xanh hóa không gian mạng. '.repeat(2000)}https://youtu.be/dQw4w9WgXcQ ${'a.b.c.d.'.repeat(5000)} ${'www.'.repeat(5000)}`;
    const started = Date.now();
    expect(extractLinks(text)).toContain('https://youtu.be/dQw4w9WgXcQ');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

import type { ProofPlatform } from '../../db/types';
import { type LinkParts, type NotPostKind, routeHost, subdomainOf, type SupportedProofPlatform } from './proof-link-shapes';

/**
 * Proof links: finding them in a member's message and reducing each to one canonical form, so the
 * same post sent twice (from the app, the web, a share sheet, with or without tracking) is the same
 * string, and a link that is not a post is refused with a reason the member can act on. Pure: no
 * network, so short links are kept as short links, never expanded.
 *
 * Posts, and their canonical form (anything not listed is refused as notAPost on a supported
 * platform, unsupportedPlatform elsewhere):
 * - Facebook (facebook.com with www. m. mbasic. web. touch. mobile. and the other mobile/language
 *   hosts, fb.com; canonical host www.facebook.com, no trailing slash except where Facebook uses one):
 *   /<page>/posts/<id or pfbid…>            → /<page, lower case>/posts/<id>
 *   /permalink.php and /story.php ?story_fbid=&id=  → /permalink.php?story_fbid=<s>&id=<id> (same post)
 *   /photo.php, /photo/ ?fbid=&set=, /<page>/photos/<set>/<fbid>  → /photo/?fbid=<fbid>&set=<set>
 *   /<page>/videos/[…/]<id>, /watch/?v=, /video.php?v=  → /watch/?v=<id> (one video, one form)
 *   /reel/<id>                              → /reel/<id>
 *   /groups/<g>/posts/<id>, /groups/<g>/permalink/<id>, /groups/<g>/?multi_permalinks=<id>
 *                                           → /groups/<g, lower case>/posts/<id>
 *   /share/p/<id>/, /share/v/<id>/, /share/r/<id>/, /share/<id>/  → kept, with the trailing slash
 *   fb.watch/<id>                           → https://fb.watch/<id>
 *   l.facebook.com/l.php?u=<link> (and lm., l.messenger.com, l.instagram.com): the wrapped link.
 * - TikTok: /@<user>/video/<id>, /@<user>/photo/<id> → https://www.tiktok.com/@<user, lower>/video/<id>;
 *   /t/<code>/ → https://www.tiktok.com/t/<code>/.
 * - YouTube (youtube.com with www. m. music., youtu.be, youtube-nocookie.com): /watch?v=, youtu.be/<id>,
 *   /shorts/<id>, /live/<id>, /embed/<id> → https://www.youtube.com/watch?v=<id>; community posts
 *   /post/<id> (or a channel's ?lb=<id>) → https://www.youtube.com/post/<id>.
 * - Instagram (instagram.com, instagr.am): /p/, /reel/, /reels/, /tv/ <code> (also after /<user>/)
 *   → https://www.instagram.com/p/<code>/; /share/[p|reel/]<code>/ kept as it is.
 * - Threads (threads.net and threads.com, where Threads moved in 2025): /@<user>/post/<code>
 *   → https://www.threads.com/@<user, lower>/post/<code>; /t/<code> → https://www.threads.com/t/<code>.
 * - Zalo: zalo.me/s/<id>/[<path>] → https://zalo.me/s/<id>/[<path>] (posts on a Zalo timeline have
 *   no public link; an OA, a phone number, a name or a group link on zalo.me is an account: notAPost,
 *   and the member is asked for a screenshot instead).
 *
 * Decisions:
 * - Short links are kept, never expanded (that needs the network): https://vt.tiktok.com/<code>/ and
 *   https://vm.tiktok.com/<code>/ each keep their own host (their codes are not interchangeable),
 *   with https and the trailing slash TikTok itself writes; fb.watch and the share links likewise.
 *   The same post sent once as a short link and once in full therefore has two canonical forms.
 * - Shorts, live, embeds, music.youtube.com and youtu.be are the same video as watch?v=<id>, so they
 *   all canonicalise to https://www.youtube.com/watch?v=<id> (the original keeps the form the member sent).
 *   Likewise an Instagram reel or IGTV is /p/<code>/, a Facebook page's video is /watch/?v=<id>.
 * - Query parameters are allow-listed per shape (story_fbid, id, fbid, set, v, and lb read as a path):
 *   every other parameter (fbclid, mibextid, rdid, share_url, __cft__[0], __tn__, igsh, igshid, si,
 *   utm_*, ref, _rdr, s, _t, _r, is_from_webapp, sender_device, feature, pp, t, list, …) and the
 *   fragment are dropped; user info and ports are dropped; the scheme becomes https.
 * - Names in paths (pages, groups, users) are compared case-insensitively by the platforms: lower
 *   case, NFC, percent-encoded with upper-case hex. Ids and codes keep their case.
 * - Bare links (fb.com/…, www.tiktok.com/…, youtu.be/…) are read as https.
 */

export type { SupportedProofPlatform } from './proof-link-shapes';

export type ProofLinkProblem = 'notAUrl' | 'notHttp' | 'unsupportedPlatform' | 'notAPost' | 'tooLong';

export type ProofLinkResult =
  | { readonly ok: true; readonly canonical: string; readonly platform: SupportedProofPlatform; readonly original: string }
  | { readonly ok: false; readonly reason: ProofLinkProblem; readonly message: string };

export const MAX_PROOF_LINK_LENGTH = 2000;

/** The platforms a proof link may come from, in the order they are named to members. */
export const SUPPORTED_PLATFORMS: readonly { readonly platform: SupportedProofPlatform; readonly name: string }[] = [
  { platform: 'facebook', name: 'Facebook' },
  { platform: 'tiktok', name: 'TikTok' },
  { platform: 'youtube', name: 'YouTube' },
  { platform: 'instagram', name: 'Instagram' },
  { platform: 'threads', name: 'Threads' },
  { platform: 'zalo', name: 'Zalo' },
];

const PLATFORM_NAMES: Readonly<Record<SupportedProofPlatform, string>> = {
  facebook: 'Facebook', tiktok: 'TikTok', youtube: 'YouTube', instagram: 'Instagram', threads: 'Threads', zalo: 'Zalo',
};

/** Link shorteners: where they lead cannot be known offline. */
const SHORTENERS = [
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'v.gd', 'buff.ly', 'rebrand.ly', 'cutt.ly',
  'shorturl.at', 'rb.gy', 's.id', 't.ly', 'tiny.cc', 'surl.li', 'shorten.asia', 'lnkd.in', 'fb.me', 'on.fb.me', 'short.gy', 'tinyurl.vn',
];

const HOW_TO_COPY = 'Bạn mở bài đăng, bấm “Chia sẻ” rồi “Sao chép liên kết” và gửi lại giúp mình nhé.';

const MESSAGES = {
  notAUrl: `Mình chưa nhận ra đường link trong tin nhắn này. ${HOW_TO_COPY}`,
  notHttp:
    'Mình chỉ nhận đường link trang web (bắt đầu bằng https:// hoặc http://). ' +
    'Bạn gửi giúp mình link bài đăng công khai trên Facebook, TikTok, YouTube, Instagram, Threads hoặc Zalo nhé.',
  tooLong: 'Đường link này dài hơn 2.000 ký tự nên mình không kiểm tra được. ' +
    'Bạn dùng nút “Sao chép liên kết” của bài đăng để lấy link gọn hơn rồi gửi lại giúp mình nhé.',
  unsupportedPlatform:
    'Đường link này không phải bài đăng trên Facebook, TikTok, YouTube, Instagram, Threads hay Zalo. ' +
    'Bạn gửi giúp mình link bài đăng công khai nhé.',
  shortener:
    'Đây là link rút gọn nên mình không kiểm tra được nó dẫn tới bài đăng nào. Bạn mở link đó rồi gửi giúp mình ' +
    'đường link gốc của bài đăng (trên Facebook, TikTok, YouTube, Instagram, Threads hoặc Zalo) nhé.',
} as const;

function notAPostMessage(platform: SupportedProofPlatform, kind: NotPostKind): string {
  const name = PLATFORM_NAMES[platform];
  const what: Record<NotPostKind, string> = {
    home: `Đây là link trang chủ ${name}, chưa phải link của bài đăng.`,
    profile: `Đây là link của một trang cá nhân, fanpage, nhóm hay kênh trên ${name}, chưa phải link của bài đăng; trang cá nhân thì chưa dùng làm minh chứng được.`,
    search: `Đây là link trang tìm kiếm trên ${name}, chưa phải link của bài đăng.`,
    story: `Đây là link tin (story) trên ${name}; tin sẽ tự mất sau 24 giờ nên chưa dùng làm minh chứng được.`,
    other: `Đường link này trên ${name} chưa phải link của bài đăng.`,
  };
  const next = platform === 'zalo'
    ? 'Bài đăng trên Nhật ký Zalo chưa có link công khai, bạn gửi giúp mình ảnh chụp màn hình bài đăng nhé.'
    : `Minh chứng cần link của chính bài đăng. ${HOW_TO_COPY}`;
  return `${what[kind]} ${next}`;
}

type Refusal = Extract<ProofLinkResult, { ok: false }>;
const refuse = (reason: ProofLinkProblem, message: string): Refusal => ({ ok: false, reason, message });

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
/** host:port/… written without a scheme (the "scheme" is then a host name with a dot). */
const HOST_AND_PORT = /^[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d{0,5}(?:[/?#]|$)/i;
/** A host name with a top-level domain, written without a scheme. */
const BARE_HOST = /^[^\s/?#@:\\]+\.[a-z]{2,}\.?(?::\d{0,5})?(?:[/?#\\]|$)/i;

/** The link as an absolute http(s) URL, or why it is not one. */
function parseLink(text: string): URL | Refusal {
  if (/\s/.test(text)) return refuse('notAUrl', MESSAGES.notAUrl);
  let absolute = text;
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (text.startsWith('//')) absolute = `https:${text}`;
  else if (scheme === undefined || HOST_AND_PORT.test(text)) {
    if (!BARE_HOST.test(text)) return refuse('notAUrl', MESSAGES.notAUrl);
    absolute = `https://${text}`;
  } else if (scheme !== 'http' && scheme !== 'https') return refuse('notHttp', MESSAGES.notHttp);
  let url: URL;
  try {
    url = new URL(absolute);
  } catch {
    return refuse('notAUrl', MESSAGES.notAUrl);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('notHttp', MESSAGES.notHttp);
  if (url.hostname === '') return refuse('notAUrl', MESSAGES.notAUrl);
  return url;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.+$/, '');
}

function partsOf(url: URL): LinkParts {
  return {
    host: hostOf(url),
    segments: url.pathname.split('/').filter((segment) => segment !== '').map(safeDecode),
    query: url.searchParams,
  };
}

const MAX_UNWRAP_DEPTH = 3;

function canonicalize(text: string, original: string, depth: number): ProofLinkResult {
  if (text.length > MAX_PROOF_LINK_LENGTH) return refuse('tooLong', MESSAGES.tooLong);
  if (text === '') return refuse('notAUrl', MESSAGES.notAUrl);
  const url = parseLink(text);
  if (!(url instanceof URL)) return url;
  const parts = partsOf(url);
  const route = routeHost(parts.host);
  if (route === undefined) {
    const shortened = SHORTENERS.some((domain) => subdomainOf(parts.host, domain) !== undefined);
    return refuse('unsupportedPlatform', shortened ? MESSAGES.shortener : MESSAGES.unsupportedPlatform);
  }
  if (route.kind === 'wrapper') {
    const target = parts.query.get(route.parameter)?.trim();
    if (target === undefined || target === '' || depth >= MAX_UNWRAP_DEPTH) {
      return refuse('notAPost', notAPostMessage(route.platform, 'other'));
    }
    return canonicalize(target.replace(ZERO_WIDTH, ''), original, depth + 1);
  }
  const shape = route.shape(parts);
  if ('notAPost' in shape) return refuse('notAPost', notAPostMessage(route.platform, shape.notAPost));
  // Percent-encoding can lengthen a link; a canonical form must itself be acceptable.
  if (shape.canonical.length > MAX_PROOF_LINK_LENGTH) return refuse('tooLong', MESSAGES.tooLong);
  return { ok: true, canonical: shape.canonical, platform: route.platform, original };
}

/**
 * The canonical form of a proof link, with its platform; or why it cannot be a proof, with a
 * Vietnamese message saying what to send instead. Never throws.
 */
export function canonicalizeProofLink(input: string): ProofLinkResult {
  try {
    const text = String(input).replace(ZERO_WIDTH, '').trim();
    return canonicalize(text, text, 0);
  } catch {
    // Nothing above is expected to throw; a link that makes it is not one we can check.
    return refuse('notAUrl', MESSAGES.notAUrl);
  }
}

/** The platform a link's host belongs to (post or not), 'other' for any other host or no link. */
export function platformOf(link: string): ProofPlatform {
  try {
    const text = String(link).replace(ZERO_WIDTH, '').trim();
    if (text.length > MAX_PROOF_LINK_LENGTH) return 'other';
    const url = parseLink(text);
    if (!(url instanceof URL)) return 'other';
    return routeHost(hostOf(url))?.platform ?? 'other';
  } catch {
    return 'other';
  }
}

// ---- Finding links in a message ------------------------------------------------------------------

/** Characters that end a link in running text: spaces (zero-width too), quotes, angle brackets. */
const LINK_BODY = String.raw`[^\s<>"'\x60“”‘’«»‹›|\\^\u200b-\u200d\u2060\ufeff]`;
/** Hosts found even without a scheme: the platforms, their short links and the common shorteners. */
const BARE_DOMAINS = [
  'facebook.com', 'fb.com', 'fb.watch', 'tiktok.com', 'youtube.com', 'youtu.be', 'instagram.com', 'instagr.am',
  'threads.net', 'threads.com', 'zalo.me', ...SHORTENERS,
].map((domain) => domain.replace(/\./g, '\\.'));
const BARE_PREFIXES = '(?:(?:www|m|mbasic|web|touch|mobile|vt|vm|music|l|lm)\\.)?';
const LINK_PATTERN = new RegExp(
  String.raw`https?:\/\/${LINK_BODY}+` +
    '|' +
    String.raw`(?<![\p{L}\p{N}_.@/%\-])(?:${BARE_PREFIXES}(?:${BARE_DOMAINS.join('|')})|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+)` +
    String.raw`(?:[/?#]${LINK_BODY}*|(?![\p{L}\p{N}_\-]|\.[\p{L}\p{N}]))`,
  'giu',
);
const TRAILING_PUNCTUATION = new Set([...'.,!?;:…)]}>。，！？；：、']);
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** Drops the sentence's punctuation after a link; a closing bracket stays when the link opened it. */
function trimTrailing(link: string): string {
  let end = link.length;
  while (end > 0) {
    const last = link[end - 1] ?? '';
    if (!TRAILING_PUNCTUATION.has(last)) break;
    const opener = CLOSERS[last];
    if (opener !== undefined && count(link.slice(0, end), opener) >= count(link.slice(0, end), last)) break;
    end -= 1;
  }
  return link.slice(0, end);
}

/**
 * The links in a member's message, in order, each once: http(s) links, and links written without
 * a scheme to the supported platforms, to link shorteners (so the reply can explain them) or
 * starting with www. Each is returned as written, less the punctuation of the sentence around it;
 * canonicalizeProofLink accepts them as they are.
 */
export function extractLinks(text: string): string[] {
  const found = new Set<string>();
  for (const match of String(text).matchAll(LINK_PATTERN)) {
    const link = trimTrailing(match[0]);
    if (link !== '' && !/^https?:\/\/$/i.test(link)) found.add(link);
  }
  return [...found];
}

import type { ProofPlatform } from '../../db/types';

/**
 * The shapes of post links, platform by platform: which paths are posts, and the canonical form
 * of each. Pure; proof-link.ts parses the link and explains refusals, this file only decides.
 * Every canonical form is rebuilt from parts checked against a strict pattern, so it parses back
 * to the same parts (canonicalising twice gives the same result). The list of shapes and the
 * reasons for the choices are in proof-link.ts.
 */

export type SupportedProofPlatform = Exclude<ProofPlatform, 'other'>;

/** Why a link on a supported platform is not a post: it words the Vietnamese explanation. */
export type NotPostKind = 'home' | 'profile' | 'search' | 'story' | 'other';

export type ShapeResult = { readonly canonical: string } | { readonly notAPost: NotPostKind };

export interface LinkParts {
  /** Lower case, no trailing dot, no port. */
  readonly host: string;
  /** Path segments, percent-decoded (one that does not decode is kept as written); empty ones dropped. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

export type HostRoute =
  | { readonly kind: 'platform'; readonly platform: SupportedProofPlatform; readonly shape: (parts: LinkParts) => ShapeResult }
  /** A platform's outbound-link wrapper (l.facebook.com/l.php?u=…): the target is the link. */
  | { readonly kind: 'wrapper'; readonly platform: SupportedProofPlatform; readonly parameter: string };

const post = (canonical: string): ShapeResult => ({ canonical });
const notPost = (kind: NotPostKind): ShapeResult => ({ notAPost: kind });

const NUMERIC_ID = /^\d{1,30}$/;
/** A Facebook post id: numeric, or the opaque pfbid form (case-sensitive). */
const FB_POST_ID = /^(?:\d{1,30}|pfbid[0-9A-Za-z]{8,120})$/;
/** Share ids, short-link codes, Instagram and Threads shortcodes, Zalo ids: case-sensitive. */
const CODE = /^[0-9A-Za-z_-]{1,120}$/;
const YOUTUBE_VIDEO_ID = /^[0-9A-Za-z_-]{11}$/;
/** A photo's album or context ("a.123", "pcb.456", "pb.100.-2207520000"). */
const PHOTO_SET = /^[0-9A-Za-z._-]{1,120}$/;
/** A page, group or user name as it appears in a path: letters (Vietnamese too), digits, . _ - */
const NAME = /^[\p{L}\p{M}\p{N}._-]{1,120}$/u;

/** A name folded the way the platform compares it (case-insensitive), NFC, then percent-encoded. */
function foldedName(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  const folded = segment.toLowerCase().normalize('NFC');
  return NAME.test(folded) ? encodeURIComponent(folded) : undefined;
}

/** A path segment kept in its case, NFC and percent-encoded the standard way. */
function keptSegment(segment: string): string | undefined {
  const composed = segment.normalize('NFC');
  return NAME.test(composed) ? encodeURIComponent(composed) : undefined;
}

function first(query: URLSearchParams, name: string, pattern: RegExp): string | undefined {
  const value = query.get(name)?.trim();
  return value !== undefined && pattern.test(value) ? value : undefined;
}

/** The subdomain of `host` under `domain` ('' for the domain itself), or undefined when it is not under it. */
export function subdomainOf(host: string, domain: string): string | undefined {
  if (host === domain) return '';
  return host.endsWith(`.${domain}`) ? host.slice(0, -domain.length - 1) : undefined;
}

// ---- Facebook --------------------------------------------------------------------------------

const FB = 'https://www.facebook.com';
/** Hosts that show the same content as www.facebook.com (mobile, basic, touch, web, language). */
const FB_WEB_HOSTS = new Set(['', 'www', 'm', 'mbasic', 'web', 'touch', 'mobile', 'mtouch', 'd', 'free', 'iphone', 'business']);
const FB_LOCALE_HOST = /^[a-z]{2}-[a-z]{2}$/;
/** First path segments that are features of the site rather than a page's name. */
const FB_NOT_PAGES = new Set([
  'events', 'media', 'marketplace', 'gaming', 'notes', 'help', 'login', 'login.php', 'friends', 'messages',
  'bookmarks', 'saved', 'notifications', 'settings', 'live', 'business', 'ads', 'privacy', 'policies', 'pages',
  'reels', 'fundraisers', 'memories', 'feeds', 'latest', 'composer', 'dialog', 'sharer', 'sharer.php',
]);

function facebookPhoto(fbid: string | undefined, set: string | undefined): ShapeResult {
  if (fbid === undefined || !NUMERIC_ID.test(fbid)) return notPost('other');
  return post(set !== undefined && PHOTO_SET.test(set) ? `${FB}/photo/?fbid=${fbid}&set=${set}` : `${FB}/photo/?fbid=${fbid}`);
}

function facebookShare(rest: readonly string[]): ShapeResult {
  const [kind, id] = rest;
  if (kind === undefined) return notPost('other');
  // share/p/, share/v/, share/r/ carry a post, a video, a reel; share/g/ a group.
  if (kind.length === 1) {
    if (!['p', 'v', 'r'].includes(kind)) return notPost('profile');
    return id !== undefined && CODE.test(id) ? post(`${FB}/share/${kind}/${id}/`) : notPost('other');
  }
  return CODE.test(kind) ? post(`${FB}/share/${kind}/`) : notPost('other');
}

function facebookGroup(rest: readonly string[], query: URLSearchParams): ShapeResult {
  const group = foldedName(rest[0]);
  if (group === undefined) return notPost('other');
  const section = rest[1]?.toLowerCase();
  const id = section === 'posts' || section === 'permalink' ? rest[2] : first(query, 'multi_permalinks', FB_POST_ID);
  return id !== undefined && FB_POST_ID.test(id) ? post(`${FB}/groups/${group}/posts/${id}`) : notPost('profile');
}

/** /<page>/posts/<id>, /<page>/videos/…/<id>, /<page>/photos/<set>/<id>; anything else on a page is the page. */
function facebookPage(pageSegment: string, rest: readonly string[]): ShapeResult {
  const page = foldedName(pageSegment);
  if (page === undefined) return notPost('other');
  const section = rest[0]?.toLowerCase();
  if (section === 'posts') {
    const id = rest[1];
    return id !== undefined && FB_POST_ID.test(id) ? post(`${FB}/${page}/posts/${id}`) : notPost('profile');
  }
  if (section === 'videos') {
    // /videos/<id>, /videos/vb.<page id>/<id>/, /videos/<title-slug>/<id>/: the video id is the last number.
    const id = rest.slice(1).reverse().find((segment) => NUMERIC_ID.test(segment));
    return id !== undefined ? post(`${FB}/watch/?v=${id}`) : notPost('profile');
  }
  if (section === 'photos') {
    if (rest[2] !== undefined && NUMERIC_ID.test(rest[2])) return facebookPhoto(rest[2], rest[1]);
    if (rest[1] !== undefined && NUMERIC_ID.test(rest[1])) return facebookPhoto(rest[1], undefined);
  }
  return notPost('profile');
}

function facebookShape(parts: LinkParts): ShapeResult {
  const [head, ...rest] = parts.segments;
  const query = parts.query;
  if (head === undefined) return notPost('home');
  switch (head.toLowerCase()) {
    case 'share':
      return facebookShare(rest);
    case 'permalink.php':
    case 'story.php': {
      const story = first(query, 'story_fbid', FB_POST_ID);
      if (story === undefined) return notPost('other');
      const owner = first(query, 'id', NUMERIC_ID);
      return post(owner === undefined ? `${FB}/permalink.php?story_fbid=${story}` : `${FB}/permalink.php?story_fbid=${story}&id=${owner}`);
    }
    case 'photo.php':
    case 'photo':
      return facebookPhoto(first(query, 'fbid', NUMERIC_ID), first(query, 'set', PHOTO_SET));
    case 'watch':
    case 'video.php': {
      const video = first(query, 'v', NUMERIC_ID);
      return video === undefined ? notPost('other') : post(`${FB}/watch/?v=${video}`);
    }
    case 'reel': {
      const id = rest[0];
      return id !== undefined && NUMERIC_ID.test(id) ? post(`${FB}/reel/${id}`) : notPost('other');
    }
    case 'groups':
      return facebookGroup(rest, query);
    case 'search':
    case 'hashtag':
      return notPost('search');
    case 'stories':
      return notPost('story');
    case 'profile.php':
    case 'people':
      return notPost('profile');
    case 'home.php':
    case 'index.php':
      return notPost('home');
    default:
      return FB_NOT_PAGES.has(head.toLowerCase()) ? notPost('other') : facebookPage(head, rest);
  }
}

function fbWatchShape(parts: LinkParts): ShapeResult {
  const [id] = parts.segments;
  if (id === undefined) return notPost('home');
  return CODE.test(id) ? post(`https://fb.watch/${id}`) : notPost('other');
}

// ---- TikTok ----------------------------------------------------------------------------------

function tiktokShortShape(host: 'vt' | 'vm'): (parts: LinkParts) => ShapeResult {
  return (parts) => {
    const [code] = parts.segments;
    if (code === undefined) return notPost('home');
    return CODE.test(code) ? post(`https://${host}.tiktok.com/${code}/`) : notPost('other');
  };
}

function tiktokShape(parts: LinkParts): ShapeResult {
  const [head, kind, id] = parts.segments;
  if (head === undefined) return notPost('home');
  if (head.startsWith('@')) {
    const user = foldedName(head.slice(1));
    if (user === undefined) return notPost('other');
    if ((kind === 'video' || kind === 'photo') && id !== undefined && NUMERIC_ID.test(id)) {
      return post(`https://www.tiktok.com/@${user}/${kind}/${id}`);
    }
    return notPost('profile');
  }
  const section = head.toLowerCase();
  if (section === 't') return kind !== undefined && CODE.test(kind) ? post(`https://www.tiktok.com/t/${kind}/`) : notPost('other');
  if (['search', 'tag', 'discover', 'music'].includes(section)) return notPost('search');
  if (['foryou', 'following', 'explore', 'friends', 'live'].includes(section)) return notPost('home');
  return notPost('other');
}

// ---- YouTube ---------------------------------------------------------------------------------

const watch = (id: string): ShapeResult => post(`https://www.youtube.com/watch?v=${id}`);

function youtuBeShape(parts: LinkParts): ShapeResult {
  const [id] = parts.segments;
  if (id === undefined) return notPost('home');
  return YOUTUBE_VIDEO_ID.test(id) ? watch(id) : notPost('other');
}

function youtubeShape(parts: LinkParts): ShapeResult {
  const [head, id] = parts.segments;
  if (head === undefined) return notPost('home');
  const section = head.toLowerCase();
  if (section === 'watch') {
    const video = first(parts.query, 'v', YOUTUBE_VIDEO_ID);
    return video === undefined ? notPost('other') : watch(video);
  }
  if (['shorts', 'live', 'embed', 'v', 'e'].includes(section)) {
    return id !== undefined && YOUTUBE_VIDEO_ID.test(id) ? watch(id) : notPost(section === 'shorts' ? 'home' : 'other');
  }
  if (section === 'post') return id !== undefined && CODE.test(id) ? post(`https://www.youtube.com/post/${id}`) : notPost('other');
  if (head.startsWith('@') || ['channel', 'c', 'user'].includes(section)) {
    // A channel's community tab opens one post with ?lb=<post id>.
    const communityPost = first(parts.query, 'lb', CODE);
    return communityPost !== undefined ? post(`https://www.youtube.com/post/${communityPost}`) : notPost('profile');
  }
  if (['results', 'hashtag'].includes(section)) return notPost('search');
  if (['feed', 'explore', 'trending'].includes(section)) return notPost('home');
  return notPost('other');
}

// ---- Instagram -------------------------------------------------------------------------------

const INSTAGRAM_POST_SECTIONS = new Set(['p', 'reel', 'reels', 'tv']);

function instagramShape(parts: LinkParts): ShapeResult {
  const [head, second, third] = parts.segments;
  if (head === undefined) return notPost('home');
  const section = head.toLowerCase();
  if (INSTAGRAM_POST_SECTIONS.has(section)) {
    return second !== undefined && CODE.test(second) ? post(`https://www.instagram.com/p/${second}/`) : notPost('other');
  }
  if (section === 'share') {
    // Share links are redirects that cannot be followed offline: kept as they are.
    if (second !== undefined && ['p', 'reel'].includes(second.toLowerCase())) {
      return third !== undefined && CODE.test(third) ? post(`https://www.instagram.com/share/${second.toLowerCase()}/${third}/`) : notPost('other');
    }
    return second !== undefined && CODE.test(second) ? post(`https://www.instagram.com/share/${second}/`) : notPost('other');
  }
  if (section === 'stories') return notPost('story');
  if (section === 'explore') return notPost('search');
  // /<user>/p/<code>/ and /<user>/reel/<code>/ name the same post as /p/<code>/.
  if (second !== undefined && INSTAGRAM_POST_SECTIONS.has(second.toLowerCase()) && third !== undefined && CODE.test(third)) {
    return post(`https://www.instagram.com/p/${third}/`);
  }
  return notPost('profile');
}

// ---- Threads ---------------------------------------------------------------------------------

function threadsShape(parts: LinkParts): ShapeResult {
  const [head, kind, code] = parts.segments;
  if (head === undefined) return notPost('home');
  if (head.startsWith('@')) {
    const user = foldedName(head.slice(1));
    if (user === undefined) return notPost('other');
    return kind === 'post' && code !== undefined && CODE.test(code) ? post(`https://www.threads.com/@${user}/post/${code}`) : notPost('profile');
  }
  const section = head.toLowerCase();
  if (section === 't') return kind !== undefined && CODE.test(kind) ? post(`https://www.threads.com/t/${kind}`) : notPost('other');
  if (section === 'search') return notPost('search');
  return notPost('other');
}

// ---- Zalo ------------------------------------------------------------------------------------

function zaloShape(parts: LinkParts): ShapeResult {
  const [head, id, ...rest] = parts.segments;
  if (head === undefined) return notPost('home');
  if (head === 's') {
    if (id === undefined || !CODE.test(id)) return notPost('other');
    const kept: string[] = [];
    for (const segment of rest) {
      const encoded = keptSegment(segment);
      if (encoded === undefined) break;
      kept.push(encoded);
    }
    return post(kept.length === 0 ? `https://zalo.me/s/${id}/` : `https://zalo.me/s/${id}/${kept.join('/')}`);
  }
  // zalo.me/<OA id>, zalo.me/<phone>, zalo.me/<name>, zalo.me/g/<code>: an account or a group.
  return notPost('profile');
}

// ---- Hosts -----------------------------------------------------------------------------------

const platform = (name: SupportedProofPlatform, shape: (parts: LinkParts) => ShapeResult): HostRoute => ({ kind: 'platform', platform: name, shape });
const other = (name: SupportedProofPlatform): HostRoute => platform(name, () => notPost('other'));

/** Where a host leads, or undefined for a host of no supported platform. */
export function routeHost(host: string): HostRoute | undefined {
  const facebook = subdomainOf(host, 'facebook.com');
  if (facebook !== undefined) {
    if (FB_WEB_HOSTS.has(facebook) || FB_LOCALE_HOST.test(facebook)) return platform('facebook', facebookShape);
    if (facebook === 'l' || facebook === 'lm') return { kind: 'wrapper', platform: 'facebook', parameter: 'u' };
    return other('facebook');
  }
  const fbCom = subdomainOf(host, 'fb.com');
  if (fbCom !== undefined) return fbCom === '' || fbCom === 'www' || fbCom === 'm' ? platform('facebook', facebookShape) : other('facebook');
  const fbWatch = subdomainOf(host, 'fb.watch');
  if (fbWatch !== undefined) return fbWatch === '' || fbWatch === 'www' ? platform('facebook', fbWatchShape) : other('facebook');
  if (host === 'l.messenger.com') return { kind: 'wrapper', platform: 'facebook', parameter: 'u' };

  const tiktok = subdomainOf(host, 'tiktok.com');
  if (tiktok !== undefined) {
    if (tiktok === 'vt' || tiktok === 'vm') return platform('tiktok', tiktokShortShape(tiktok));
    return tiktok === '' || tiktok === 'www' || tiktok === 'm' ? platform('tiktok', tiktokShape) : other('tiktok');
  }

  if (host === 'youtu.be' || host === 'www.youtu.be') return platform('youtube', youtuBeShape);
  const youtube = subdomainOf(host, 'youtube.com') ?? subdomainOf(host, 'youtube-nocookie.com');
  if (youtube !== undefined) return ['', 'www', 'm', 'music'].includes(youtube) ? platform('youtube', youtubeShape) : other('youtube');

  if (host === 'instagr.am' || host === 'www.instagr.am') return platform('instagram', instagramShape);
  const instagram = subdomainOf(host, 'instagram.com');
  if (instagram !== undefined) {
    if (instagram === 'l') return { kind: 'wrapper', platform: 'instagram', parameter: 'u' };
    return ['', 'www', 'm'].includes(instagram) ? platform('instagram', instagramShape) : other('instagram');
  }

  const threads = subdomainOf(host, 'threads.net') ?? subdomainOf(host, 'threads.com');
  if (threads !== undefined) return threads === '' || threads === 'www' ? platform('threads', threadsShape) : other('threads');

  const zalo = subdomainOf(host, 'zalo.me');
  if (zalo !== undefined) return zalo === '' || zalo === 'www' ? platform('zalo', zaloShape) : other('zalo');
  return undefined;
}

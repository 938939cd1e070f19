import fc from 'fast-check';
import { fuzzSeed } from '../../helpers/json-fuzz';
import { canonicalizeProofLink, extractLinks, MAX_PROOF_LINK_LENGTH, type ProofLinkResult } from '../../../src/domain/proofs/proof-link';

/** PROPERTY_RUNS=20000 npx jest proof-link.property for a longer search; FUZZ_SEED=<the seed a failure printed> to replay it. */
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 500);
const settings = { numRuns: NUM_RUNS, seed: fuzzSeed() };

/** Parameters platforms add for tracking and sharing; none of them is allow-listed by any shape. */
const TRACKING_PARAMETERS = [
  'fbclid', 'mibextid', 'rdid', 'share_url', '__cft__[0]', '__tn__', 'igsh', 'igshid', 'si', 'utm_source', 'utm_medium',
  'utm_campaign', 'utm_content', 'utm_term', 'ref', 'refsrc', 'refid', '_rdr', '_rdc', 's', '_t', '_r', 'is_from_webapp',
  'sender_device', 'web_id', 'feature', 'pp', 'app', 'extid', 'comment_id', 'reply_comment_id', 'notif_id', 'notif_t',
  'hoisted_section_header_type', 'xmt', 'slof', 'img_index', 't', 'list', 'index', 'lang', 'hl', 'h', '__xts__[0]', 'eav', 'paipv',
];
/** The parameters some shape reads (story_fbid, id, fbid, set, v, multi_permalinks, lb) and the wrappers' u. */
const READ_PARAMETERS = new Set(['story_fbid', 'id', 'fbid', 'set', 'v', 'multi_permalinks', 'lb', 'u']);

const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[1-9]\\d{${min},${max}}$`));
const code = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9A-Za-z_-]{${min},${max}}$`));
const pfbid = fc.stringMatching(/^pfbid0[0-9A-Za-z]{20,60}$/);
const postId = fc.oneof(digits(5, 18), pfbid);
const youtubeId = fc.stringMatching(/^[0-9A-Za-z_-]{11}$/);
const LETTERS = [...'abcdđeêghiklmnoôơpqrstuưvxyáàảãạăắằẳẵặâấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ'];
/** Page, group and user names: Latin or Vietnamese letters, digits, . _ -, starting with a letter so they are never a site's own section. */
const name = fc
  .tuple(fc.constantFrom(...'qxzQXZ'), fc.string({ unit: fc.constantFrom(...LETTERS, ...'ĐÂÊÔƠƯ0123456789._-'), minLength: 2, maxLength: 24 }))
  .map(([head, tail]) => head + tail);
const scheme = fc.constantFrom('https://', 'http://', 'HTTPS://', '');
const host = (...hosts: string[]) => fc.mixedCase(fc.constantFrom(...hosts));
const fbHost = host('www.facebook.com', 'facebook.com', 'm.facebook.com', 'mbasic.facebook.com', 'web.facebook.com', 'touch.facebook.com', 'mobile.facebook.com', 'fb.com', 'www.fb.com');
const slash = fc.constantFrom('', '/');

/** A link in one of the supported post shapes, with any host spelling, scheme and trailing slash. */
const postLink: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(scheme, fbHost, name, postId, slash).map(([s, h, page, id, end]) => `${s}${h}/${page}/posts/${id}${end}`),
  fc.tuple(scheme, fbHost, fc.constantFrom('permalink.php', 'story.php'), postId, digits(5, 15)).map(([s, h, path, story, id]) => `${s}${h}/${path}?story_fbid=${story}&id=${id}`),
  fc.tuple(scheme, fbHost, fc.constantFrom('photo.php', 'photo/', 'photo'), digits(5, 15), fc.constantFrom('a.', 'pcb.', 'gm.'), digits(5, 15)).map(([s, h, path, fbid, kind, set]) => `${s}${h}/${path}?fbid=${fbid}&set=${kind}${set}`),
  fc.tuple(scheme, fbHost, name, digits(5, 18), slash).map(([s, h, page, id, end]) => `${s}${h}/${page}/videos/${id}${end}`),
  fc.tuple(scheme, fbHost, digits(5, 18)).map(([s, h, id]) => `${s}${h}/watch/?v=${id}`),
  fc.tuple(scheme, fbHost, digits(5, 18), slash).map(([s, h, id, end]) => `${s}${h}/reel/${id}${end}`),
  fc.tuple(scheme, fbHost, fc.oneof(name, digits(5, 15)), fc.constantFrom('posts', 'permalink'), postId, slash).map(([s, h, group, kind, id, end]) => `${s}${h}/groups/${group}/${kind}/${id}${end}`),
  fc.tuple(scheme, fbHost, fc.constantFrom('p/', 'v/', 'r/', ''), code(6, 16), slash).map(([s, h, kind, id, end]) => `${s}${h}/share/${kind}${id}${end}`),
  fc.tuple(scheme, host('fb.watch'), code(6, 12), slash).map(([s, h, id, end]) => `${s}${h}/${id}${end}`),
  fc.tuple(scheme, host('www.tiktok.com', 'tiktok.com', 'm.tiktok.com'), name, fc.constantFrom('video', 'photo'), digits(15, 19), slash).map(([s, h, user, kind, id, end]) => `${s}${h}/@${user}/${kind}/${id}${end}`),
  fc.tuple(scheme, host('vt.tiktok.com', 'vm.tiktok.com'), code(6, 12), slash).map(([s, h, id, end]) => `${s}${h}/${id}${end}`),
  fc.tuple(scheme, host('www.tiktok.com', 'tiktok.com'), code(6, 12), slash).map(([s, h, id, end]) => `${s}${h}/t/${id}${end}`),
  fc.tuple(scheme, host('www.youtube.com', 'youtube.com', 'm.youtube.com', 'music.youtube.com'), youtubeId).map(([s, h, id]) => `${s}${h}/watch?v=${id}`),
  fc.tuple(scheme, host('youtu.be'), youtubeId).map(([s, h, id]) => `${s}${h}/${id}`),
  fc.tuple(scheme, host('www.youtube.com', 'youtube.com', 'm.youtube.com'), fc.constantFrom('shorts', 'live', 'embed'), youtubeId, slash).map(([s, h, kind, id, end]) => `${s}${h}/${kind}/${id}${end}`),
  fc.tuple(scheme, host('www.youtube.com', 'youtube.com'), code(20, 36)).map(([s, h, id]) => `${s}${h}/post/${id}`),
  fc.tuple(scheme, host('www.instagram.com', 'instagram.com', 'm.instagram.com', 'instagr.am'), fc.constantFrom('p', 'reel', 'reels', 'tv'), code(8, 14), slash).map(([s, h, kind, id, end]) => `${s}${h}/${kind}/${id}${end}`),
  fc.tuple(scheme, host('www.instagram.com', 'instagram.com'), name, fc.constantFrom('p', 'reel'), code(8, 14), slash).map(([s, h, user, kind, id, end]) => `${s}${h}/${user}/${kind}/${id}${end}`),
  fc.tuple(scheme, host('www.threads.net', 'threads.net', 'www.threads.com', 'threads.com'), name, code(8, 14), slash).map(([s, h, user, id, end]) => `${s}${h}/@${user}/post/${id}${end}`),
  fc.tuple(scheme, host('www.threads.net', 'threads.com'), code(8, 14), slash).map(([s, h, id, end]) => `${s}${h}/t/${id}${end}`),
  fc.tuple(scheme, host('zalo.me', 'www.zalo.me'), digits(10, 19), fc.constantFrom('', '/', '/tai-khoan', '/bai-viet/12')).map(([s, h, id, rest]) => `${s}${h}/s/${id}${rest}`),
);

const trackingParameter = fc.tuple(
  fc.oneof(fc.constantFrom(...TRACKING_PARAMETERS), fc.stringMatching(/^[a-z_]{1,12}$/).filter((p) => !READ_PARAMETERS.has(p))),
  fc.string({ maxLength: 30 }),
);
const fragment = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });

/** The link with tracking parameters appended (the way share sheets add them) and maybe a fragment. */
function withTracking(link: string, parameters: readonly (readonly [string, string])[], hash: string | undefined): string {
  const query = parameters.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  const joined = query === '' ? link : `${link}${link.includes('?') ? '&' : '?'}${query}`;
  return hash === undefined ? joined : `${joined}#${encodeURIComponent(hash)}`;
}

/** Strings of any UTF-16 code units, lone surrogates included. */
const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 200 });
/** A valid link with characters inserted, deleted or swapped somewhere: the near misses members send. */
const mangledLink = fc
  .tuple(postLink, fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: fc.constantFrom(...'/?#&=%.:@\\[]() \u200b', ...'aZ9', 'đ', '%2e', '%2F', '%ZZ', '%E1'), maxLength: 4 }))
  .map(([link, at, drop, insert]) => {
    const position = at % (link.length + 1);
    return link.slice(0, position) + insert + link.slice(position + drop);
  });
const anything = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  anyCodeUnits,
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  mangledLink,
  postLink,
);

function expectStable(result: ProofLinkResult): void {
  if (!result.ok) {
    expect(result.message.length).toBeGreaterThan(0);
    return;
  }
  expect(result.canonical.startsWith('https://')).toBe(true);
  expect(result.canonical.length).toBeLessThanOrEqual(MAX_PROOF_LINK_LENGTH);
  expect(result.canonical).not.toMatch(/[\s#]/);
  // A real URL, written the way a URL parser writes it back, carrying no parameter but those a shape reads.
  const url = new URL(result.canonical);
  expect(url.href).toBe(result.canonical);
  expect(url.protocol).toBe('https:');
  expect(url.username + url.password + url.port + url.hash).toBe('');
  for (const key of url.searchParams.keys()) expect(READ_PARAMETERS.has(key) && !TRACKING_PARAMETERS.includes(key)).toBe(true);
  const again = canonicalizeProofLink(result.canonical);
  expect(again).toEqual({ ok: true, canonical: result.canonical, platform: result.platform, original: result.canonical });
}

describe('canonicalizeProofLink as a property', () => {
  it('When any string is sent, then it never throws, and an accepted link canonicalises to itself on the same platform', () => {
    fc.assert(
      fc.property(anything, (input) => {
        expectStable(canonicalizeProofLink(input));
      }),
      settings,
    );
  });

  it('When a link of a supported post shape is sent, then it is accepted and canonicalising twice changes nothing', () => {
    fc.assert(
      fc.property(postLink, (link) => {
        const result = canonicalizeProofLink(link);
        expect(result).toMatchObject({ ok: true, original: link });
        expectStable(result);
      }),
      settings,
    );
  });

  it('When tracking parameters or a fragment are added to a post link, then its canonical form does not change', () => {
    fc.assert(
      fc.property(postLink, fc.array(trackingParameter, { minLength: 1, maxLength: 5 }), fragment, (link, parameters, hash) => {
        const plain = canonicalizeProofLink(link);
        const tracked = canonicalizeProofLink(withTracking(link, parameters, hash));
        expect(tracked.ok && plain.ok && tracked.canonical === plain.canonical && tracked.platform === plain.platform).toBe(true);
        expectStable(tracked);
      }),
      settings,
    );
  });

  it('When only a fragment is added to a post link, then its canonical form does not change', () => {
    fc.assert(
      fc.property(postLink, fc.string({ maxLength: 30 }), (link, hash) => {
        const plain = canonicalizeProofLink(link);
        expect(canonicalizeProofLink(withTracking(link, [], hash))).toMatchObject({ ok: true, canonical: plain.ok ? plain.canonical : '' });
      }),
      settings,
    );
  });
});

describe('extractLinks as a property', () => {
  it('When any text is sent, then it never throws and every link found can be canonicalised without throwing', () => {
    fc.assert(
      fc.property(anything, anything, (before, after) => {
        for (const link of extractLinks(`${before} ${after}`)) expectStable(canonicalizeProofLink(link));
      }),
      settings,
    );
  });

  it('When a post link sits in a Vietnamese sentence, then it is found as written', () => {
    const opening = fc.constantFrom('Dạ em gửi link ạ: ', 'Link bài: ', '(', '“', 'Em đã đăng rồi nè\n', '');
    const closing = fc.constantFrom('.', '!', '?', ')', '”', ' ạ', '…', ', cảm ơn anh chị!', '');
    fc.assert(
      fc.property(opening, postLink, closing, (before, link, after) => {
        expect(extractLinks(`${before}${link}${after}`)).toEqual([link]);
      }),
      settings,
    );
  });
});

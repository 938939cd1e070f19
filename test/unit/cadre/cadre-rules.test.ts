import { checkDescription, readGoodNews, STORY_MAX } from '../../../src/domain/content/good-news.service';
import { maskPhone } from '../../../src/domain/members/phone-mask';
import { checkRejectReason } from '../../../src/domain/proofs/proof-review.service';
import { webLinkOf } from '../../../src/domain/proofs/web-link';
import { checkTaskLink } from '../../../src/domain/tasks/collaborator-tasks.service';
import { checkEndDay, checkStartDay, checkTrendTitle, normalizeHashtag, parseTypedDay } from '../../../src/domain/waves/branch-trend.service';

const TODAY = { year: 2026, month: 12, day: 1 };

describe('trend days', () => {
  test.each([
    ['5/12', { day: 5, month: 12 }],
    ['05-12', { day: 5, month: 12 }],
    ['5.12.2026', { day: 5, month: 12, year: 2026 }],
    ['ngày 5/12/27', { day: 5, month: 12, year: 2027 }],
    [' 5 / 12 ', { day: 5, month: 12 }],
  ])('%s reads as %j', (text, expected) => {
    expect(parseTypedDay(text)).toEqual(expected);
  });

  test.each(['hôm nay', '5', '5/12/202', '12/5/2026/1', ''])('%j is not a day', (text) => {
    expect(parseTypedDay(text)).toBeUndefined();
  });

  test('a start without a year is its next occurrence; with a year it must not be past', () => {
    expect(checkStartDay('1/12', TODAY)).toEqual({ ok: true, day: TODAY });
    expect(checkStartDay('5/1', TODAY)).toEqual({ ok: true, day: { year: 2027, month: 1, day: 5 } });
    expect(checkStartDay('30/11/2026', TODAY)).toEqual({ ok: false, problem: 'inThePast' });
    expect(checkStartDay('31/11', TODAY)).toEqual({ ok: false, problem: 'notACalendarDay' });
    expect(checkStartDay('29/2/2027', TODAY)).toEqual({ ok: false, problem: 'notACalendarDay' });
    expect(checkStartDay('abc', TODAY)).toEqual({ ok: false, problem: 'notADay' });
  });

  test('an end is on or after the start, crosses the new year when meant to, and is not implausibly long', () => {
    const start = { year: 2026, month: 12, day: 20 };
    expect(checkEndDay('20/12', start)).toEqual({ ok: true, day: start });
    expect(checkEndDay('10/1', start)).toEqual({ ok: true, day: { year: 2027, month: 1, day: 10 } });
    expect(checkEndDay('10/12', start)).toEqual({ ok: false, problem: 'beforeStart' });
    expect(checkEndDay('10/12/2026', start)).toEqual({ ok: false, problem: 'beforeStart' });
    expect(checkEndDay('30/6/2027', start)).toEqual({ ok: false, problem: 'tooLong' });
  });
});

describe('trend words', () => {
  test.each([
    ['mỗi ngày một việc tốt', '#MỗiNgàyMộtViệcTốt'],
    ['#XanhHoaKhongGianMang', '#XanhHoaKhongGianMang'],
    ['  #song xanh! ', '#SongXanh'],
    ['tuoitre2026', '#tuoitre2026'],
  ])('hashtag %j → %s', (text, expected) => {
    expect(normalizeHashtag(text)).toEqual({ ok: true, hashtag: expected });
  });

  test('a hashtag needs a letter and at most 50 characters', () => {
    expect(normalizeHashtag('#')).toEqual({ ok: false, problem: 'empty' });
    expect(normalizeHashtag('2026')).toEqual({ ok: false, problem: 'empty' });
    expect(normalizeHashtag('a'.repeat(51))).toEqual({ ok: false, problem: 'tooLong' });
  });

  test('titles are tidied and bounded', () => {
    expect(checkTrendTitle('  Sống   xanh\n mỗi ngày ')).toEqual({ ok: true, value: 'Sống xanh mỗi ngày' });
    expect(checkTrendTitle('abc')).toEqual({ ok: false, problem: 'tooShort' });
    expect(checkTrendTitle('a'.repeat(151))).toEqual({ ok: false, problem: 'tooLong' });
  });
});

describe('maskPhone', () => {
  test.each([
    ['+84912345123', '09xx xxx 123'],
    ['+84387654321', '03xx xxx 321'],
    [null, ''],
  ])('%s → %j', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('reject reasons', () => {
  test('tidied, at least 3 and at most 300 characters', () => {
    expect(checkRejectReason('  Ảnh   mờ ')).toEqual({ ok: true, reason: 'Ảnh mờ' });
    expect(checkRejectReason('ok')).toEqual({ ok: false, problem: 'tooShort' });
    expect(checkRejectReason('x'.repeat(301))).toEqual({ ok: false, problem: 'tooLong' });
  });
});

describe('links outside waves', () => {
  test.each([
    ['https://m.facebook.com/story.php?story_fbid=1&id=2&fbclid=x', 'https://www.facebook.com/permalink.php?story_fbid=1&id=2'],
    ['https://tuoitre.vn/bai-viet.htm', 'https://tuoitre.vn/bai-viet.htm'],
    ['www.tuoitre.vn/a', 'https://www.tuoitre.vn/a'],
    ['https://www.facebook.com/quandoanbinhtan', 'https://www.facebook.com/quandoanbinhtan'],
  ])('%s → %s', (text, expected) => {
    expect(webLinkOf(text)).toBe(expected);
  });

  test.each(['ftp://example.com/a', 'javascript:alert(1)', 'không phải link', 'https://' + 'a'.repeat(2100)])('%j is refused', (text) => {
    expect(webLinkOf(text)).toBeUndefined();
  });

  test('a task link is the first link in the message', () => {
    expect(checkTaskLink('xong rồi nè https://www.tiktok.com/@an/video/123?is_from_webapp=1 cảm ơn')).toEqual({ ok: true, link: 'https://www.tiktok.com/@an/video/123' });
    expect(checkTaskLink('xong rồi')).toEqual({ ok: false, problem: 'noLink' });
  });
});

describe('good news', () => {
  test('a link, alone or with a few words, is a link', () => {
    expect(readGoodNews('https://tuoitre.vn/a.htm')).toEqual({ ok: true, kind: 'link', link: 'https://tuoitre.vn/a.htm' });
    expect(readGoodNews('xem nè https://tuoitre.vn/a.htm')).toEqual({ ok: true, kind: 'link', link: 'https://tuoitre.vn/a.htm' });
    expect(readGoodNews('', ['https://youtu.be/abcDEF12345'])).toEqual({ ok: true, kind: 'link', link: 'https://www.youtube.com/watch?v=abcDEF12345' });
  });

  test('anything else is a story within its bounds; markup stays plain text', () => {
    const story = '<script>alert(1)</script> bạn An giúp cụ bà qua đường';
    expect(readGoodNews(story)).toEqual({ ok: true, kind: 'story', story });
    expect(readGoodNews('')).toEqual({ ok: false, problem: 'empty' });
    expect(readGoodNews('ngắn quá')).toEqual({ ok: false, problem: 'tooShort' });
    expect(readGoodNews('a'.repeat(STORY_MAX + 1))).toEqual({ ok: false, problem: 'tooLong' });
    expect(readGoodNews('a'.repeat(STORY_MAX))).toMatchObject({ ok: true, kind: 'story' });
  });

  test('a description is one tidy line', () => {
    expect(checkDescription(' Tin\n tốt  về hiến máu ')).toEqual({ ok: true, description: 'Tin tốt về hiến máu' });
    expect(checkDescription('abc')).toEqual({ ok: false, problem: 'tooShort' });
  });
});

import type { Choice } from 'botbuilder-dialogs';
import { capInput, hasWords, hashKeyword, inputKey, interruptionOf, MAX_INPUT_CHARS, pickedNumber, recognizeChoice } from '../../../src/bot/recognizer';

const choice = (value: string, title: string, synonyms: string[] = []): Choice => ({ value, action: { type: 'imBack', title, value }, synonyms });
const YES_NO = [choice('consent:yes', 'Đồng ý', ['dong y', 'co', 'duoc']), choice('consent:no', 'Không đồng ý', ['khong dong y', 'khong', 'de sau'])];
const MENU = [
  choice('menu:waves', 'Đợt đang diễn ra', ['dot', 'dot dang dien ra']),
  choice('menu:join', 'Tham gia đợt', ['tham gia']),
  choice('menu:proof', 'Gửi minh chứng', ['minh chung']),
  choice('menu:results', 'Kết quả của tôi', ['ket qua']),
];
const WARDS = [choice('branch:1', 'Bình Hưng Hòa', ['Đoàn phường Bình Hưng Hòa']), choice('branch:2', 'Bình Hưng Hòa A', ['Đoàn phường Bình Hưng Hòa A'])];

describe('inputKey', () => {
  test.each([
    ['Tham Gia', 'tham gia'],
    ['tg', 'tham gia'],
    ['thamgia', 'tham gia'],
    ['THAMGIA!!!', 'tham gia'],
    ['ok', 'dong y'],
    ['Oke', 'dong y'],
    ['đc', 'duoc'],
    ['dc', 'duoc'],
    ['được', 'duoc'],
    ['ko', 'khong'],
    ['k dong y', 'khong dong y'],
    ['Đồng   ý', 'dong y'],
    ['ĐỒNG Ý', 'dong y'],
    ['dong y', 'dong y'],
    ['Huỷ', 'huy'],
    ['Hủy', 'huy'],
    ['mc', 'minh chung'],
    ['kq', 'ket qua'],
    ['dk', 'dang ky'],
    ['dv', 'doan vien'],
    ['😀', ''],
    ['...', ''],
    ['２', '2'],
  ])('%j → %j', (typed, key) => expect(inputKey(typed)).toBe(key));

  test('decomposed (NFD) input reads as composed', () => {
    expect(inputKey('Đồng ý'.normalize('NFD'))).toBe('dong y');
  });
});

describe('pickedNumber', () => {
  test.each([
    ['2', 4, 2],
    [' 2 ', 4, 2],
    ['2.', 4, 2],
    ['số 2', 4, 2],
    ['chọn 3', 4, 3],
    ['Mục 1', 4, 1],
    ['２', 4, 2],
    ['2️⃣', 4, 2],
    ['0', 4, undefined],
    ['5', 4, undefined],
    ['12', 13, 12],
    ['123', 200, undefined],
    ['2 3', 4, undefined],
    ['hai', 4, undefined],
  ] as const)('%j of %i choices → %j', (typed, count, n) => expect(pickedNumber(typed, count)).toBe(n));
});

describe('recognizeChoice', () => {
  test.each([
    ['the payload of a quick reply', 'consent:no', YES_NO, 'consent:no'],
    ['a number', '1', YES_NO, 'consent:yes'],
    ['the title', 'Không đồng ý', YES_NO, 'consent:no'],
    ['the title without diacritics', 'khong dong y', YES_NO, 'consent:no'],
    ['"ok"', 'ok', YES_NO, 'consent:yes'],
    ['"OK"', 'OK', YES_NO, 'consent:yes'],
    ['"đc"', 'đc', YES_NO, 'consent:yes'],
    ['"dc"', 'dc', YES_NO, 'consent:yes'],
    ['"ko"', 'ko', YES_NO, 'consent:no'],
    ['a polite particle', 'đồng ý ạ', YES_NO, 'consent:yes'],
    ['two polite particles', 'ok nha', YES_NO, 'consent:yes'],
    ['"tg"', 'tg', MENU, 'menu:join'],
    ['"thamgia"', 'thamgia', MENU, 'menu:join'],
    ['a part of one title', 'minh chung', MENU, 'menu:proof'],
    ['a title in capitals', 'KẾT QUẢ CỦA TÔI', MENU, 'menu:results'],
    ['the longer ward exactly', 'binh hung hoa a', WARDS, 'branch:2'],
    ['the shorter ward exactly', 'Bình Hưng Hòa', WARDS, 'branch:1'],
    ['the full ward name', 'Đoàn phường Bình Hưng Hòa A', WARDS, 'branch:2'],
  ])('%s', (_, typed, choices, value) => expect(recognizeChoice(typed, choices)?.value).toBe(value));

  test.each([
    ['an empty message', ''],
    ['emoji only', '😀😀'],
    ['a number out of range', '3'],
    ['a part shared by two titles', 'dong y khong'],
    ['a word of two letters', 'to'],
    ['markup', '<script>alert(1)</script>'],
    ['SQL', "'; drop table members; --"],
    ['more than 200 characters', 'dong y '.repeat(40)],
  ])('nothing for %s', (_, typed) => expect(recognizeChoice(typed, YES_NO)).toBeUndefined());

  test('a short word inside both wards picks neither', () => {
    expect(recognizeChoice('hung', WARDS)).toBeUndefined();
  });
});

describe('interruptionOf', () => {
  test.each([
    ['menu', 'menu'],
    ['MENU', 'menu'],
    ['#menu', 'menu'],
    ['Menu chính', 'menu'],
    ['hủy', 'cancel'],
    ['Huỷ', 'cancel'],
    ['huy', 'cancel'],
    ['HỦY BỎ', 'cancel'],
    ['thôi', 'cancel'],
    ['trợ giúp', 'help'],
    ['tro giup', 'help'],
    ['trogiup', 'help'],
    ['help', 'help'],
    ['?', 'help'],
    ['hướng dẫn', 'help'],
    ['GET_STARTED', 'start'],
    ['Bắt đầu', 'start'],
    ['xin chào', 'greeting'],
    ['Chào ạ', 'greeting'],
    ['hi', 'greeting'],
  ])('%j → %s', (typed, kind) => expect(interruptionOf(typed)).toBe(kind));

  test.each([['tôi muốn hủy đăng ký nhận tin'], ['menu của trang'], ['Nguyễn Văn An'], ['2'], [''], ['😀'], ['menu '.repeat(30)]])('%j interrupts nothing', (typed) => {
    expect(interruptionOf(typed)).toBeUndefined();
  });
});

describe('hashKeyword', () => {
  test.each([
    ['#ThamGia', '#thamgia'],
    ['#tham gia', '#thamgia'],
    ['#Đợt', '#dot'],
    ['tham gia', undefined],
    ['#', undefined],
    ['#<b>', undefined],
  ])('%j → %j', (typed, keyword) => expect(hashKeyword(typed)).toBe(keyword));
});

describe('hasWords and capInput', () => {
  test.each([
    ['Nguyễn', true],
    ['2', true],
    ['😀🎉', false],
    ['   ', false],
    ['!!!', false],
  ])('hasWords(%j) is %j', (typed, has) => expect(hasWords(typed)).toBe(has));

  test('a message within the cap is kept whole', () => {
    expect(capInput('xin chào')).toEqual({ text: 'xin chào', cut: false });
    expect(capInput('a'.repeat(MAX_INPUT_CHARS))).toEqual({ text: 'a'.repeat(MAX_INPUT_CHARS), cut: false });
  });

  test('100 KB is cut to the cap', () => {
    const capped = capInput('x'.repeat(100_000));
    expect(capped).toEqual({ text: 'x'.repeat(MAX_INPUT_CHARS), cut: true });
  });

  test('an emoji across the cap is not split in half', () => {
    const capped = capInput(`${'a'.repeat(MAX_INPUT_CHARS - 1)}😀tail`);
    expect(capped.cut).toBe(true);
    expect(capped.text).toBe('a'.repeat(MAX_INPUT_CHARS - 1));
    expect(/[\uD800-\uDBFF]$/.test(capped.text)).toBe(false);
  });
});

import type { UnitLevel } from '../../../src/db/types';
import { BranchMatcher, type MatchableUnit } from '../../../src/domain/units/branch-matcher';

const unit = (code: string, name: string, level: UnitLevel = 'branch'): MatchableUnit => ({ id: code, code, name, level });

const UNITS: MatchableUnit[] = [
  unit('binh-tan', 'Quận Đoàn Bình Tân', 'district'),
  unit('kv1', 'Khu vực 1', 'cluster'),
  unit('an-lac', 'Đoàn phường An Lạc'),
  unit('an-lac-a', 'Đoàn phường An Lạc A'),
  unit('bhh', 'Đoàn phường Bình Hưng Hòa'),
  unit('bhh-a', 'Đoàn phường Bình Hưng Hòa A'),
  unit('cd-bhh', 'Chi đoàn Bình Hưng Hòa'),
  unit('thpt-binh-tan', 'Đoàn trường THPT Bình Tân'),
  unit('may-bt', 'Đoàn cơ sở Công ty CP May Bình Tân'),
  unit('doan-ket', 'Đoàn phường Đoàn Kết'),
];

describe('BranchMatcher', () => {
  const matcher = new BranchMatcher(UNITS);
  const matched = (text: string) => {
    const result = matcher.match(text);
    return result.kind === 'matched' ? result.unit.code : result.kind;
  };

  it.each([
    ['Đoàn phường An Lạc', 'an-lac'],
    ['doan phuong an lac', 'an-lac'],
    ['ĐOÀN PHƯỜNG AN LẠC', 'an-lac'],
    ['  Đoàn  phường   An Lạc ', 'an-lac'],
    ['Đoàn phường An Lạc'.normalize('NFD'), 'an-lac'],
    ['an-lac-a', 'an-lac-a'],
    ['AN-LAC-A', 'an-lac-a'],
    ['Phường An Lạc', 'an-lac'],
    ['P. An Lạc A', 'an-lac-a'],
    ['An Lạc A', 'an-lac-a'],
    ['Bình Hưng Hòa A', 'bhh-a'],
    ['Binh Hung Hoa A', 'bhh-a'],
    ['Bình Hưng Hoà A', 'bhh-a'],
    ['THPT Bình Tân', 'thpt-binh-tan'],
    ['Trường THPT Bình Tân', 'thpt-binh-tan'],
    ['Công ty CP May Bình Tân', 'may-bt'],
    ['Cty CP May Bình Tân', 'may-bt'],
    ['Phường Đoàn Kết', 'doan-ket'],
    ['Đoàn Kết', 'doan-ket'],
  ])('When staff write "%s", then the branch is %s', (text, code) => {
    expect(matched(text)).toBe(code);
  });

  it('When the prefix is left out and two branches then read the same, then it is ambiguous, not a guess', () => {
    const result = matcher.match('Bình Hưng Hòa');
    expect(result.kind).toBe('ambiguous');
    if (result.kind === 'ambiguous') expect(result.candidates.map((u) => u.code).sort()).toEqual(['bhh', 'cd-bhh']);
  });

  it('When the text keeps enough of the prefix to tell them apart, then the closer branch wins', () => {
    expect(matched('Phường Bình Hưng Hòa')).toBe('bhh');
    expect(matched('Đoàn phường Bình Hưng Hòa')).toBe('bhh');
    expect(matched('Chi đoàn Bình Hưng Hòa')).toBe('cd-bhh');
  });

  it('When "An Lạc" is written, then it is An Lạc and never An Lạc A', () => {
    expect(matched('An Lạc')).toBe('an-lac');
  });

  it('When the text names a district or a cluster, then it is not a branch', () => {
    expect(matcher.match('Khu vực 1')).toMatchObject({ kind: 'notBranch', unit: { code: 'kv1' } });
    expect(matcher.match('binh-tan')).toMatchObject({ kind: 'notBranch', unit: { code: 'binh-tan' } });
  });

  it.each(['Đoàn phường Tân Tạo', 'Đoàn', 'phường', '', 'An'])('When nothing is called "%s", then it is not found', (text) => {
    expect(matched(text)).toBe('notFound');
  });
});

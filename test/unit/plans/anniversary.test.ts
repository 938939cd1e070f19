import { anniversaryDay, anniversaryNumber, HISTORIC_DAYS } from '../../../src/domain/plans/anniversary';

describe('anniversaryNumber', () => {
  it.each([
    ['the Union (26/3/1931)', HISTORIC_DAYS.unionFounding, [93, 94, 95]],
    ['the liberation of the South (30/4/1975)', HISTORIC_DAYS.southLiberation, [49, 50, 51]],
    ['War Invalids and Martyrs Day (27/7/1947)', HISTORIC_DAYS.warInvalidsAndMartyrsDay, [77, 78, 79]],
    ['the August Revolution (19/8/1945)', HISTORIC_DAYS.augustRevolution, [79, 80, 81]],
    ['National Day (2/9/1945)', HISTORIC_DAYS.nationalDay, [79, 80, 81]],
  ])('When the years are 2024, 2025 and 2026, then %s has the right anniversaries', (_what, day, expected) => {
    expect([2024, 2025, 2026].map((year) => anniversaryNumber(year, day))).toEqual(expected);
  });

  it('When the year is not after the founding year or not a whole number, then it throws', () => {
    expect(() => anniversaryNumber(1931, HISTORIC_DAYS.unionFounding)).toThrow(RangeError);
    expect(() => anniversaryNumber(1900, HISTORIC_DAYS.unionFounding)).toThrow(RangeError);
    expect(() => anniversaryNumber(2024.5, HISTORIC_DAYS.unionFounding)).toThrow(RangeError);
  });

  it('When the anniversary day of a year is asked, then it is the founding day in that year', () => {
    expect(anniversaryDay(2025, HISTORIC_DAYS.nationalDay)).toEqual({ year: 2025, month: 9, day: 2 });
  });
});

import { scanJsonArray } from './json-array-scan';
import { excessNestingOffset, nestsDeeperThan } from './json-depth';

describe(scanJsonArray.name, () => {
  it('finds the line each element starts on, ignoring brackets inside strings', () => {
    const text = '[\n  {"a": "[,{"},\n\n  2,\n  [3]\n]';
    expect(scanJsonArray(text, 64)).toEqual({ lines: [2, 4, 5], tooDeep: new Set() });
  });

  it('marks the elements that nest deeper than the limit', () => {
    expect(scanJsonArray('[1, [[[]]], 2]', 2).tooDeep).toEqual(new Set([1]));
  });
});

describe(excessNestingOffset.name, () => {
  it('returns the offset of the first bracket past the limit', () => {
    expect(excessNestingOffset('{"a":[[1]]}', 2)).toBe(6);
  });

  it('does not count brackets inside strings or escaped quotes', () => {
    expect(excessNestingOffset('{"a":"\\"[[[[[[[["}', 2)).toBe(-1);
  });
});

describe(nestsDeeperThan.name, () => {
  it('measures arrays and objects alike, scalars as depth 0', () => {
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestsDeeperThan('[[[[', 1)).toBe(false);
  });

  it('stops early on a value nested 100,000 deep', () => {
    expect(nestsDeeperThan(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)), 64)).toBe(true);
  });
});

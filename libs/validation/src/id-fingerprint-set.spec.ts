import { IdFingerprintSet } from './id-fingerprint-set';

describe(IdFingerprintSet.name, () => {
  it('returns the first value of an id seen again', () => {
    const set = new IdFingerprintSet();
    expect(set.addOrGet('r1', false, 10)).toBe(-1);
    expect(set.addOrGet('r2', false, 11)).toBe(-1);
    expect(set.addOrGet('r1', false, 12)).toBe(10);
  });

  it('keeps a number id apart from the same digits as a string', () => {
    const set = new IdFingerprintSet();
    set.addOrGet('1', false, 1);
    expect(set.addOrGet('1', true, 2)).toBe(-1);
  });

  it('finds every id again after growing past its first capacity', () => {
    const set = new IdFingerprintSet();
    for (let index = 0; index < 200_000; index++) expect(set.addOrGet(`id-${index}`, false, index)).toBe(-1);
    expect(set.size).toBe(200_000);
    for (let index = 0; index < 200_000; index += 997) expect(set.addOrGet(`id-${index}`, false, 0)).toBe(index);
  });
});

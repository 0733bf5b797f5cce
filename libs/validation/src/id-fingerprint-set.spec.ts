import { fingerprint } from './fingerprint';
import { IdFingerprintSet } from './id-fingerprint-set';

function addOrGet(set: IdFingerprintSet, id: string, isNumber: boolean, value: number): number {
  const print = fingerprint(id, isNumber);
  return set.addOrGet(print[0], print[1], value);
}

describe(IdFingerprintSet.name, () => {
  it('returns the first value of an id seen again', () => {
    const set = new IdFingerprintSet();
    expect(addOrGet(set, 'r1', false, 10)).toBe(-1);
    expect(addOrGet(set, 'r2', false, 11)).toBe(-1);
    expect(addOrGet(set, 'r1', false, 12)).toBe(10);
  });

  it('keeps a number id apart from the same digits as a string', () => {
    const set = new IdFingerprintSet();
    addOrGet(set, '1', false, 1);
    expect(addOrGet(set, '1', true, 2)).toBe(-1);
  });

  it('finds every id again after growing past its first capacity, by addOrGet and by get', () => {
    const set = new IdFingerprintSet();
    for (let index = 0; index < 200_000; index++) expect(addOrGet(set, `id-${index}`, false, index)).toBe(-1);
    expect(set.size).toBe(200_000);
    for (let index = 0; index < 200_000; index += 997) {
      const print = fingerprint(`id-${index}`);
      expect(set.get(print[0], print[1])).toBe(index);
      expect(addOrGet(set, `id-${index}`, false, 0)).toBe(index);
    }
    const absent = fingerprint('id-200000');
    expect(set.get(absent[0], absent[1])).toBe(-1);
  });
});

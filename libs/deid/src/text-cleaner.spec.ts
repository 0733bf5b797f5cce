import { TextCleaner } from './text-cleaner';

// TextCleaner.scrub cuts whole-token occurrences by hand, with the semantics of the regular expression it
// replaced (longest value first at each position, case-insensitive, not inside a longer word or number). The
// RegExp below is that reference; random Latin-1 texts built from the values and their neighbours compare them.

function referenceScrub(values: string[], text: string): string {
  const sorted = [...new Set(values.map((value) => value.toLowerCase()))].sort((a, b) => b.length - a.length);
  const escaped = sorted.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(`(?<![a-z0-9])(?:${escaped.join('|')})(?![a-z0-9])`, 'gi'), '');
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe(TextCleaner.name, () => {
  it('cuts an identifying value only as a whole token, in any case', () => {
    const cleaner = new TextCleaner(['Doe^John', '12345']);
    expect(cleaner.scrub('Seen by DOE^JOHN today, ref 12345.')).toBe('Seen by  today, ref .');
    expect(cleaner.scrub('CT123456 and x12345')).toBe('CT123456 and x12345');
  });

  it('prefers the longest value at a position', () => {
    expect(new TextCleaner(['john', 'john smith']).scrub('dr john smith md')).toBe('dr  md');
  });

  it('agrees with the whole-token regular expression on 10,000 random texts (upper-casing µ and ÿ leaves Latin-1)', () => {
    const next = random(7);
    const alphabet = ['a', 'B', '0', '9', ' ', '^', '.', '-', 'é', 'É', 'ß', 'µ', 'ÿ', '\\', 'z', 'Z'];
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
    const word = (length: number): string => Array.from({ length }, () => pick(alphabet)).join('');
    for (let round = 0; round < 10_000; round++) {
      const values = Array.from({ length: 1 + Math.floor(next() * 4) }, () => word(1 + Math.floor(next() * 4)));
      const pieces = Array.from({ length: 1 + Math.floor(next() * 6) }, () => (next() < 0.5 ? pick(values).toUpperCase() : word(Math.floor(next() * 3))));
      const text = pieces.join(next() < 0.5 ? '' : pick([' ', 'a', '^']));
      expect({ values, text, result: new TextCleaner(values).scrub(text) }).toEqual({ values, text, result: referenceScrub(values, text) });
    }
  });

  it('falls back to the regular expression outside Latin-1 and agrees with it there', () => {
    const values = ['straße', 'Ωmega'];
    const text = 'STRASSE straße ΩMEGA ωmega Ωmegas';
    expect(new TextCleaner(values).scrub(text)).toBe(referenceScrub(values, text));
  });
});

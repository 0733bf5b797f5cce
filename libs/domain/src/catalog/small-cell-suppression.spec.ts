import { shownTotal, suppressSmallCells } from './small-cell-suppression';
import { diversityCard } from './diversity-card';

describe(suppressSmallCells.name, () => {
  it('shows counts at or above the floor as they are', () => {
    expect(suppressSmallCells([{ value: 'CT', count: 12 }, { value: 'MR', count: 5 }], 5, { partition: true, totalShown: true })).toEqual([
      { value: 'CT', count: 12 },
      { value: 'MR', count: 5 },
    ]);
  });

  it('hides a small cell and, in a partition, the next smallest so the first cannot be recovered from the total', () => {
    const shown = suppressSmallCells([{ value: 'F', count: 40 }, { value: 'M', count: 30 }, { value: 'O', count: 2 }], 5, { partition: true, totalShown: true });
    expect(shown).toEqual([
      { value: 'F', count: 40 },
      { value: 'M', count: '<5' },
      { value: 'O', count: '<5' },
    ]);
  });

  it('never leaves a single hidden cell in a partition whose total is shown', () => {
    for (let trial = 0; trial < 500; trial++) {
      const cells = Array.from({ length: 1 + (trial % 6) }, (_, i) => ({ value: `v${i}`, count: Math.floor(Math.random() * 12) }));
      const total = cells.reduce((sum, c) => sum + c.count, 0);
      const shown = suppressSmallCells(cells, 5, { partition: true, totalShown: shownTotal(total, 5) === total });
      const hidden = shown.filter((c) => typeof c.count === 'string');
      // Either nothing is hidden, or at least two cells are, or the total itself is hidden.
      expect(hidden.length === 0 || hidden.length >= 2 || shownTotal(total, 5) !== total).toBe(true);
      // No hidden value equals total minus the visible ones.
      if (hidden.length === 1 && shownTotal(total, 5) === total) throw new Error(`single hidden cell in ${JSON.stringify(cells)}`);
    }
  });

  it('hides every non-zero cell when the total itself is hidden', () => {
    expect(suppressSmallCells([{ value: 'a', count: 3 }, { value: 'b', count: 0 }], 5, { partition: true, totalShown: false })).toEqual([
      { value: 'a', count: '<5' },
      { value: 'b', count: 0 },
    ]);
  });

  it('shows a total below the floor as "<floor" but zero as zero', () => {
    expect(shownTotal(4, 5)).toBe('<5');
    expect(shownTotal(0, 5)).toBe(0);
    expect(shownTotal(5, 5)).toBe(5);
  });
});

describe(diversityCard.name, () => {
  it('warns when one manufacturer dominates the cohort', () => {
    const card = diversityCard(10, {
      organization: [{ value: 'north', count: 5 }, { value: 'south', count: 5 }],
      manufacturer: [{ value: 'GE', count: 9 }, { value: 'Siemens', count: 1 }],
      model: [],
      modality: [{ value: 'CT', count: 10 }],
      sex: [],
      ageBand: [],
    });
    expect(card.warnings.some((w) => w.includes('scanner manufacturer') && w.includes('GE'))).toBe(true);
    expect(card.warnings.some((w) => w.includes('contributing organization'))).toBe(false);
    expect(card.dimensions.manufacturer[0]).toEqual({ value: 'GE', count: 9, share: 0.9 });
  });
});

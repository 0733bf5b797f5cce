import { FacetValue, ShownCount } from './catalog.types';

/**
 * Small-cell suppression for anonymous counts (a Beacon's count granularity): a count between 1 and floor-1 could
 * single out a patient, so it is shown as "<floor". In a dimension whose cells add up to the total (a partition),
 * one suppressed cell could be recovered as total minus the others, so a second cell is suppressed with it
 * (complementary suppression, as statistical agencies do): the smallest remaining non-zero cell.
 */
export function suppressSmallCells(cells: Array<{ value: string; count: number }>, floor: number, options: { partition: boolean; totalShown: boolean }): FacetValue[] {
  const hidden = new Set<number>();
  cells.forEach((cell, index) => {
    if (cell.count > 0 && (cell.count < floor || !options.totalShown)) hidden.add(index);
  });
  if (options.partition && options.totalShown && hidden.size === 1) {
    const candidates = cells
      .map((cell, index) => ({ cell, index }))
      .filter(({ cell, index }) => cell.count > 0 && !hidden.has(index))
      .sort((a, b) => a.cell.count - b.cell.count);
    if (candidates.length > 0) hidden.add(candidates[0].index);
  }
  return cells.map((cell, index) => ({ value: cell.value, count: hidden.has(index) ? `<${floor}` : cell.count }));
}

export function shownTotal(total: number, floor: number): ShownCount {
  return total > 0 && total < floor ? `<${floor}` : total;
}

/** PatientAge bands of the catalog (PS3.5 AS values reduced to whole years). */
export const AGE_BANDS = ['0-17', '18-29', '30-39', '40-49', '50-59', '60-69', '70-79', '80+'] as const;

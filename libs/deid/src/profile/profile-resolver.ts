import { DEID_OPTIONS, DeidOptionName } from '../deid-options';
import { ProfileRow } from './profile-types';
import { TABLE_E1_1 } from './table-e1-1.generated';

/**
 * What the engine does with one attribute, after PS3.15 Table E.1-1 and the selected options are resolved:
 * - remove / empty / dummy / keep / uid: actions X, Z, D, K, U (Table E.1-1a)
 * - clean: C, replace with values of similar meaning known not to identify (free text scrubbed)
 * - shift: C under Retain Longitudinal Temporal Information with Modified Dates (PS3.15 E.3.6)
 * - keep-sequence: X/Z/U*, keep the sequence and remap the UIDs inside
 */
export type EffectiveAction = 'remove' | 'empty' | 'dummy' | 'keep' | 'uid' | 'clean' | 'shift' | 'keep-sequence';

export interface ResolvedAction {
  readonly action: EffectiveAction;
  readonly row: ProfileRow;
  /** The option whose column decided the action, if any. */
  readonly option?: DeidOptionName;
}

const exact = new Map<number, ProfileRow>();
const masked: { value: number; mask: number; row: ProfileRow }[] = [];
for (const row of TABLE_E1_1) {
  const value = parseInt(row.value, 16) >>> 0;
  const mask = parseInt(row.mask, 16) >>> 0;
  if (row.id === 'ggggeeee-where-gggg-is-odd') continue;
  if (mask === 0xffffffff) exact.set(value, row);
  else masked.push({ value, mask, row });
}

export const PRIVATE_ATTRIBUTES_ROW: ProfileRow = TABLE_E1_1.find((row) => row.id === 'ggggeeee-where-gggg-is-odd') as ProfileRow;

/** The Table E.1-1 row for a standard tag: exact match first, then repeating-group masks (50XX, 60XX). */
export function profileRowFor(tag: number): ProfileRow | undefined {
  const row = exact.get(tag);
  if (row) return row;
  for (const candidate of masked) if (((tag & candidate.mask) >>> 0) === candidate.value) return candidate.row;
  return undefined;
}

/**
 * Resolves a table action for the IOD-agnostic case (shared/deid/README.md, "Action codes"): compound actions take
 * their conformance-safe branch, X/Z → Z, X/D, X/Z/D and Z/D → D, X/Z/U* → keep the sequence, remap its UIDs.
 */
export function resolveTableAction(action: string): EffectiveAction {
  switch (action) {
    case 'X':
      return 'remove';
    case 'Z':
    case 'X/Z':
      return 'empty';
    case 'D':
    case 'X/D':
    case 'X/Z/D':
    case 'Z/D':
      return 'dummy';
    case 'K':
      return 'keep';
    case 'U':
      return 'uid';
    case 'C':
      return 'clean';
    case 'X/Z/U*':
      return 'keep-sequence';
    default:
      // A new code in a future edition must not be guessed at: removing is the safe reading.
      return 'remove';
  }
}

/**
 * Applies the selected options to a row. An option's column replaces the basic action where it is filled
 * (PS3.15 E.3). When two selected options both fill a row, C (clean) wins over K (keep): cleaning still
 * retains the information the keeping option wants, without what identifies.
 */
export function resolveRow(row: ProfileRow, options: readonly DeidOptionName[]): ResolvedAction {
  let chosen: { action: string; option: DeidOptionName } | undefined;
  for (const option of options) {
    const action = row.options[DEID_OPTIONS[option].column];
    if (!action) continue;
    if (!chosen || (action === 'C' && chosen.action !== 'C')) chosen = { action, option };
  }
  if (!chosen) return { action: resolveTableAction(row.basic), row };
  if (chosen.action === 'C' && chosen.option === 'retain-longitudinal-modified-dates') {
    return { action: 'shift', row, option: chosen.option };
  }
  return { action: resolveTableAction(chosen.action), row, option: chosen.option };
}

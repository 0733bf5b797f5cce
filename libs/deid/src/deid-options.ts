import { DEID_OPTION_NAMES, DeidErrorCode, DeidOptionName, DomainError } from '@imagora/core';
import type { OptionColumn } from './profile/profile-types';

// PS3.15 E.3 options, by the names protocols and the CLI use (shared/deid/README.md), with their Table E.1-1
// column and PS3.16 CID 7050 code.

export { DEID_OPTION_NAMES, type DeidOptionName };

export interface DeidOptionInfo {
  readonly name: DeidOptionName;
  readonly column: OptionColumn;
  /** CID 7050 code value. */
  readonly code: string;
}

export const DEID_OPTIONS: Readonly<Record<DeidOptionName, DeidOptionInfo>> = {
  'retain-longitudinal-full-dates': { name: 'retain-longitudinal-full-dates', column: 'rtnLongFullDatesOpt', code: '113106' },
  'retain-longitudinal-modified-dates': { name: 'retain-longitudinal-modified-dates', column: 'rtnLongModifDatesOpt', code: '113107' },
  'retain-patient-characteristics': { name: 'retain-patient-characteristics', column: 'rtnPatCharsOpt', code: '113108' },
  'retain-device-identity': { name: 'retain-device-identity', column: 'rtnDevIdOpt', code: '113109' },
  'retain-institution-identity': { name: 'retain-institution-identity', column: 'rtnInstIdOpt', code: '113112' },
  'retain-uids': { name: 'retain-uids', column: 'rtnUIDsOpt', code: '113110' },
  'retain-safe-private': { name: 'retain-safe-private', column: 'rtnSafePrivOpt', code: '113111' },
  'clean-descriptors': { name: 'clean-descriptors', column: 'cleanDescOpt', code: '113105' },
  'clean-structured-content': { name: 'clean-structured-content', column: 'cleanStructContOpt', code: '113104' },
  'clean-graphics': { name: 'clean-graphics', column: 'cleanGraphOpt', code: '113103' },
};

/** CID 7050 code of the Basic Application Confidentiality Profile. */
export const BASIC_PROFILE_CODE = '113100';

export function isDeidOptionName(name: string): name is DeidOptionName {
  return (DEID_OPTION_NAMES as readonly string[]).includes(name);
}

/** Validates option names (unknown names and contradictory pairs are refused), in canonical order. */
export function parseDeidOptions(names: readonly string[]): DeidOptionName[] {
  const unknown = names.filter((name) => !isDeidOptionName(name));
  if (unknown.length > 0) {
    throw new DomainError(DeidErrorCode.INVALID_OPTIONS, `unknown de-identification option(s): ${unknown.join(', ')}`, {
      unknown,
      known: [...DEID_OPTION_NAMES],
    });
  }
  const selected = new Set(names);
  // PS3.15 E.3.6: full dates and modified dates are alternatives of one option.
  if (selected.has('retain-longitudinal-full-dates') && selected.has('retain-longitudinal-modified-dates')) {
    throw new DomainError(
      DeidErrorCode.INVALID_OPTIONS,
      'retain-longitudinal-full-dates and retain-longitudinal-modified-dates exclude each other',
    );
  }
  return DEID_OPTION_NAMES.filter((name) => selected.has(name));
}

// Shapes of the generated PS3.15 Table E.1-1 data (table-e1-1.generated.ts).

/** Action codes of PS3.15 Table E.1-1a, as they appear in the table (compound ones included). */
export type TableAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';

export type OptionColumn =
  | 'rtnSafePrivOpt'
  | 'rtnUIDsOpt'
  | 'rtnDevIdOpt'
  | 'rtnInstIdOpt'
  | 'rtnPatCharsOpt'
  | 'rtnLongFullDatesOpt'
  | 'rtnLongModifDatesOpt'
  | 'cleanDescOpt'
  | 'cleanStructContOpt'
  | 'cleanGraphOpt';

export interface ProfileRow {
  /** 8 hex digits, `X` for repeating-group digits, or the private-attributes row id. */
  readonly id: string;
  readonly tag: string;
  readonly keyword: string;
  readonly name: string;
  readonly vr: string;
  readonly retired: boolean;
  readonly basic: string;
  readonly options: Partial<Record<OptionColumn, string>>;
  /** Tag matching: (tag & mask) === value, both as 8 hex digits. */
  readonly value: string;
  readonly mask: string;
}

export interface MethodCode {
  readonly codeValue: string;
  readonly codingSchemeDesignator: string;
  readonly codeMeaning: string;
  readonly keyword: string;
}

// libs/deid: DICOM PS3.15 Annex E de-identification (Table E.1-1 2024b and its options), the verifier and the
// annotation UID remapper. Pure: callers hand in bytes (or a ByteSource) and write the output chunks themselves.
export * from './deid-options';
export * from './pseudonymizer';
export * from './safe-private';
export * from './text-cleaner';
export {
  Deidentifier,
  actionFor,
  DEID_TOOL_NAME,
  DEID_TOOL_VERSION,
  IMPLEMENTATION_CLASS_UID,
  DUMMY_TEXT,
  type DeidConfig,
  type DeidFlag,
  type DeidFileReport,
  type DeidResult,
} from './deidentifier';
export * from './verifier';
export * from './annotation-uid-remapper';
export { profileRowFor, resolveRow, resolveTableAction, type EffectiveAction, type ResolvedAction } from './profile/profile-resolver';
export { TABLE_E1_1, CID_7050, PROFILE_EDITION } from './profile/table-e1-1.generated';
export type { ProfileRow, MethodCode, OptionColumn, TableAction } from './profile/profile-types';

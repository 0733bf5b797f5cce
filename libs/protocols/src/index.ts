export * from './protocol-problem';
export * from './protocol-document';
export { canonicalJson, contentHash } from './canonical-json';
export { DEFAULT_LIMITS, type DocumentLimits } from './json-limits';
export { isJsonPointer, parseJsonPointer, joinJsonPointer, getAtPointer } from './json-pointer';
export { parseRegistryRef, registryId, type AnnotationSchemaResolver, type RegistryRef } from './registry-ref';
export { annotationAjvOptions, createAnnotationAjv, dialectOf, type SchemaDialect } from './annotation-ajv';
export { lintProtocolDocument, type LintOptions, type LintResult } from './protocol-linter';
export {
  compareSemver,
  isValidSemver,
  maxSatisfying,
  parseSemver,
  satisfies,
  sortVersions,
  versionBump,
  allowsBreakingChange,
  type RangeOptions,
  type SemVer,
  type VersionBump,
} from './semver';
export {
  ProtocolValidator,
  ProtocolValidatorCache,
  RecordIssueCode,
  type RecordIssue,
  type RecordValidation,
  type ValidatorCacheOptions,
} from './protocol-validator-cache';
export {
  BOTH_DIRECTIONS,
  breaksUnder,
  isTransitive,
  requiredDirections,
  type CompatibilityChange,
  type CompatibilityResult,
  type Direction,
} from './compatibility-change';
export {
  changelog,
  checkAgainstHistory,
  checkCompatibility,
  checkPublication,
  diffProtocols,
  type CompatibilityOptions,
  type HistoryCheck,
  type PublicationProblem,
} from './compatibility-checker';
export { compareAnnotationSchemas, type SchemaComparatorOptions } from './schema-comparator';

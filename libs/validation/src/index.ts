// libs/validation: validates a contributed dataset (a folder or a stream of entries) against a protocol
// version and produces a validation report (schemas/validation-report.schema.json). Pure: it reads the
// input it is given and nothing else.
export { IssueCode, ISSUE_CATALOGUE, isIssueCode, type IssueCodeInfo, type Severity } from './issue-codes';
export type { ValidationIssue, ValidationReport, ValidationSummary } from './validation-report';
export type { DatasetEntry } from './dataset-entry';
export {
  validateDatasetDirectory,
  validateDatasetEntries,
  DEFAULT_MAX_ISSUES,
  type ValidateOptions,
  type ValidationProgress,
} from './dataset-validator';
export { parseSeverityConfig, globToRegExp, type ConfigParse, type SeverityConfig, type SeverityRule, type SeverityOrIgnore } from './severity-config';
export { SPDX_LICENSE_IDS, isAcceptedLicense } from './spdx-licenses';
export { formatReportText } from './report-text';

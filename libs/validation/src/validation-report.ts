import type { IssueCode, Severity } from './issue-codes';

// The report of one validation run, as schemas/validation-report.schema.json describes it.

export interface ValidationIssue {
  readonly code: IssueCode;
  readonly severity: Severity;
  // Relative to the dataset root, "/"-separated; "" for the dataset as a whole.
  readonly file: string;
  // 1-based line of an NDJSON record (or where a JSON-array element starts).
  readonly line?: number;
  // RFC 6901 pointer into the annotation record (or into dataset.json).
  readonly pointer?: string;
  // DICOM attribute path, e.g. `00280010` or `00400275[0].00401001`.
  readonly tag?: string;
  readonly message: string;
  readonly suggestion?: string;
}

export interface ValidationSummary {
  readonly files: number;
  readonly bytes: number;
  readonly images: number;
  readonly annotationObjects: number;
  readonly annotationFiles: number;
  readonly records: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  // Issues counted in errors/warnings/infos but left out of issues[] by maxIssues.
  readonly issuesOmitted: number;
  readonly issuesByCode: Record<string, number>;
  readonly modalities: Record<string, number>;
  readonly sopClasses: Record<string, number>;
  readonly labels: Record<string, number>;
  readonly readers: Record<string, number>;
  readonly durationMs: number;
}

export interface ValidationReport {
  readonly protocol: string;
  readonly valid: boolean;
  readonly summary: ValidationSummary;
  readonly issues: ValidationIssue[];
}

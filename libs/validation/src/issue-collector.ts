import { ISSUE_CATALOGUE, type IssueCode, type Severity } from './issue-codes';
import type { ValidationIssue } from './validation-report';
import { SeverityClassifier } from './severity-config';

export interface IssueInput {
  readonly code: IssueCode;
  readonly file: string;
  readonly line?: number;
  readonly pointer?: string;
  readonly tag?: string;
  readonly message: string;
  // Overrides the catalogue's default (e.g. burned-in text is an error under rejectBurnedIn).
  readonly severity?: Severity;
  readonly suggestion?: string;
}

// Messages quote user data (labels, UIDs); a hostile record must not blow up the report.
const MAX_MESSAGE = 1000;

/**
 * Collects issues with bounded memory: every issue is counted, only the first maxIssues are kept.
 * Severity comes from the catalogue, then from the config's re-classification.
 */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];
  errors = 0;
  warnings = 0;
  infos = 0;
  omitted = 0;
  readonly byCode: Record<string, number> = {};

  constructor(
    private readonly maxIssues: number,
    private readonly classifier: SeverityClassifier = new SeverityClassifier(),
  ) {}

  add(input: IssueInput): void {
    const catalogue = ISSUE_CATALOGUE[input.code];
    const severity = this.classifier.classify(input.code, input.file, input.severity ?? catalogue.severity);
    if (severity === 'ignore') return;
    if (severity === 'error') this.errors++;
    else if (severity === 'warning') this.warnings++;
    else this.infos++;
    this.byCode[input.code] = (this.byCode[input.code] ?? 0) + 1;
    if (this.issues.length >= this.maxIssues) {
      this.omitted++;
      return;
    }
    const issue: { -readonly [K in keyof ValidationIssue]: ValidationIssue[K] } = { code: input.code, severity, file: input.file, message: clip(input.message) };
    if (input.line !== undefined) issue.line = input.line;
    if (input.pointer !== undefined) issue.pointer = clip(input.pointer);
    if (input.tag !== undefined) issue.tag = input.tag;
    issue.suggestion = input.suggestion ?? catalogue.fix;
    this.issues.push(issue);
  }
}

function clip(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE)}… (${text.length - MAX_MESSAGE} more characters)`;
}

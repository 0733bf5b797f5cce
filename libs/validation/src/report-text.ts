import type { ValidationIssue, ValidationReport } from './validation-report';

function location(issue: ValidationIssue): string {
  const parts: string[] = [];
  if (issue.line !== undefined) parts.push(`line ${issue.line}`);
  if (issue.pointer !== undefined && issue.pointer !== '') parts.push(issue.pointer);
  if (issue.tag !== undefined) parts.push(`tag ${issue.tag}`);
  return parts.length > 0 ? `${parts.join(' ')}: ` : '';
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? '-' : entries.map(([key, count]) => `${key} ${count}`).join(', ');
}

/** The report for a person: issues grouped by file (dataset-wide ones first), then the summary. */
export function formatReportText(report: ValidationReport): string {
  const lines: string[] = [];
  const byFile = new Map<string, ValidationIssue[]>();
  for (const issue of report.issues) {
    const list = byFile.get(issue.file);
    if (list) list.push(issue);
    else byFile.set(issue.file, [issue]);
  }
  const files = [...byFile.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const file of files) {
    lines.push(file === '' ? '(dataset)' : file);
    const issues = byFile.get(file)!.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    for (const issue of issues) {
      lines.push(`  ${issue.severity.padEnd(7)} ${issue.code}  ${location(issue)}${issue.message}`);
      if (issue.suggestion) lines.push(`          fix: ${issue.suggestion}`);
    }
    lines.push('');
  }
  const s = report.summary;
  lines.push(`protocol ${report.protocol}: ${report.valid ? 'VALID' : 'INVALID'}`);
  lines.push(`  ${s.files} files, ${s.images} images, ${s.annotationObjects} annotation objects, ${s.records} records in ${s.annotationFiles} annotation files (${s.durationMs} ms)`);
  lines.push(`  ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos${s.issuesOmitted > 0 ? ` (${s.issuesOmitted} not shown: raise --max-issues)` : ''}`);
  lines.push(`  modalities: ${counts(s.modalities)}`);
  lines.push(`  SOP classes: ${counts(s.sopClasses)}`);
  lines.push(`  labels: ${counts(s.labels)}`);
  if (Object.keys(s.readers).length > 0) lines.push(`  readers: ${counts(s.readers)}`);
  return lines.join('\n') + '\n';
}

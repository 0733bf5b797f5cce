import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ISSUE_CATALOGUE, IssueCode, isIssueCode } from './issue-codes';
import { REPO_ROOT } from './testing/validation-fixtures';

const readme = readFileSync(path.join(REPO_ROOT, 'libs', 'validation', 'README.md'), 'utf8');
const reportSchema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'validation-report.schema.json'), 'utf8'));

describe('IssueCode', () => {
  it.each(Object.values(IssueCode))('documents %s in the README table with its default severity', (code) => {
    expect(readme).toContain(`| \`${code}\` | ${ISSUE_CATALOGUE[code].severity} |`);
  });

  it('lists exactly the codes of the enum in the report schema', () => {
    expect([...reportSchema.$defs.issue.properties.code.enum].sort()).toEqual(Object.values(IssueCode).sort());
  });

  it('uses each enum value as its own key', () => {
    for (const [key, value] of Object.entries(IssueCode)) expect(key).toBe(value);
  });

  it('recognises codes and rejects other strings', () => {
    expect(isIssueCode('DICOM_MODALITY')).toBe(true);
    expect(isIssueCode('toString')).toBe(false);
  });
});

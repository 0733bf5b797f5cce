import Ajv2020 from 'ajv/dist/2020';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateDatasetDirectory } from './dataset-validator';
import { formatReportText } from './report-text';
import { RECORDS_FILE, REPO_ROOT, buildDataset, removeDataset, testProtocol, validRecords } from './testing/validation-fixtures';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'validation-report.schema.json'), 'utf8'));
const validateReport = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

describe(formatReportText.name, () => {
  let root: string;
  beforeAll(() => {
    root = buildDataset();
    const records: unknown[] = validRecords(5);
    records[2] = { ...validRecords(5)[2], label: 'tumour', box: [1, 2, 99, 4] };
    writeFileSync(path.join(root, RECORDS_FILE), records.map((record) => JSON.stringify(record)).join('\n'));
    writeFileSync(path.join(root, 'notes.txt'), 'x');
  });
  afterAll(() => removeDataset(root));

  it('produces a report that conforms to schemas/validation-report.schema.json', async () => {
    const report = await validateDatasetDirectory(root, { protocol: testProtocol() });
    expect(report.issues.length).toBeGreaterThan(0);
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toBe(true);
  });

  it('groups issues under their file with line and pointer', async () => {
    const text = formatReportText(await validateDatasetDirectory(root, { protocol: testProtocol() }));
    expect(text).toContain(`${RECORDS_FILE}\n  error   ANNOTATION_UNKNOWN_LABEL  line 3 /label: label "tumour"`);
    expect(text).toContain('notes.txt\n  warning FILE_UNEXPECTED');
    expect(text).toContain('protocol ct-cr-findings@1.0.0: INVALID');
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { validateDatasetDirectory, validateDatasetEntries } from './dataset-validator';
import type { DatasetEntry } from './dataset-entry';
import { IssueCode } from './issue-codes';
import type { ValidationReport } from './validation-report';
import { CORPUS_DIR, IMAGES, RECORDS_FILE, buildDataset, corpusFile, removeDataset, testProtocol, validRecords } from './testing/validation-fixtures';

const GiB = 1024 * 1024 * 1024;
const roots: string[] = [];
afterAll(() => roots.forEach(removeDataset));

function dataset(): string {
  const root = buildDataset();
  roots.push(root);
  return root;
}

function validate(root: string): Promise<ValidationReport> {
  return validateDatasetDirectory(root, { protocol: testProtocol() });
}

function issuesFor(report: ValidationReport, file: string) {
  return report.issues.filter((issue) => issue.file === file);
}

// A lazily generated 2 GiB line: one 1 MiB buffer yielded 2048 times, nothing written to disk.
function twoGigabyteLine(): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  return Readable.from(
    (function* () {
      for (let index = 0; index < 2048; index++) yield chunk;
    })(),
  );
}

describe('validation of hostile input', () => {
  it('reports a single 2 GB NDJSON line as too long without holding it in memory', async () => {
    const before = process.memoryUsage().rss;
    const entries: DatasetEntry[] = [{ path: 'annotations/huge.ndjson', size: 2 * GiB, open: twoGigabyteLine }];
    const report = await validateDatasetEntries(entries, { protocol: testProtocol() });
    expect(report.issues).toContainEqual(expect.objectContaining({ code: IssueCode.ANNOTATION_LINE_TOO_LONG, file: 'annotations/huge.ndjson', line: 1 }));
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('reports a 2 GB sparse NDJSON file without a newline as one line too long', async () => {
    const root = dataset();
    const file = path.join(root, 'annotations', 'sparse.ndjson');
    writeFileSync(file, '');
    truncateSync(file, 2 * GiB);
    const report = await validate(root);
    expect(issuesFor(report, 'annotations/sparse.ndjson')).toEqual([expect.objectContaining({ code: IssueCode.ANNOTATION_LINE_TOO_LONG, line: 1 })]);
  });

  it('reports an invalid UTF-8 line and still validates the lines after it', async () => {
    const root = dataset();
    const [first, second] = validRecords(2);
    const bad = Buffer.concat([Buffer.from('{"id": "x'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    writeFileSync(path.join(root, RECORDS_FILE), Buffer.concat([Buffer.from(JSON.stringify(first) + '\n'), bad, Buffer.from('\n' + JSON.stringify({ ...second, label: 'tumour' }) + '\n')]));
    const report = await validate(root);
    expect(issuesFor(report, RECORDS_FILE).map((issue) => [issue.code, issue.line])).toEqual([
      [IssueCode.ANNOTATION_INVALID_UTF8, 2],
      [IssueCode.ANNOTATION_UNKNOWN_LABEL, 3],
    ]);
  });

  it('reports an invalid UTF-8 *.json array file', async () => {
    const root = dataset();
    writeFileSync(path.join(root, 'annotations', 'bad.json'), Buffer.from([0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]));
    const report = await validate(root);
    expect(issuesFor(report, 'annotations/bad.json')).toEqual([expect.objectContaining({ code: IssueCode.ANNOTATION_INVALID_UTF8 })]);
  });

  it('refuses a record nested 100,000 deep before validating it', async () => {
    const root = dataset();
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    writeFileSync(path.join(root, RECORDS_FILE), `${JSON.stringify(validRecords(1)[0])}\n${deep}\n`);
    const report = await validate(root);
    expect(issuesFor(report, RECORDS_FILE)).toEqual([expect.objectContaining({ code: IssueCode.ANNOTATION_TOO_DEEP, line: 2 })]);
  });

  it('refuses an object nested 100,000 deep inside a *.json array', async () => {
    const root = dataset();
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    writeFileSync(path.join(root, 'annotations', 'deep.json'), `[\n${JSON.stringify(validRecords(1)[0])},\n${deep}\n]`);
    const report = await validate(root);
    expect(issuesFor(report, 'annotations/deep.json')).toContainEqual(expect.objectContaining({ code: IssueCode.ANNOTATION_TOO_DEEP, line: 3 }));
  });

  it('refuses a dataset.json nested 100,000 deep', async () => {
    const root = dataset();
    writeFileSync(path.join(root, 'dataset.json'), '['.repeat(100_000) + ']'.repeat(100_000));
    const report = await validate(root);
    expect(issuesFor(report, 'dataset.json')).toEqual([expect.objectContaining({ code: IssueCode.DATASET_JSON_INVALID })]);
  });

  it('reports a symbolic link pointing outside the dataset and does not follow it', async () => {
    const root = dataset();
    const outside = mkdtempSync(path.join(tmpdir(), 'imagora-outside-'));
    roots.push(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'not DICOM');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'images', 'leak.dcm'));
    symlinkSync(outside, path.join(root, 'images', 'elsewhere'));
    const report = await validate(root);
    expect(report.issues.filter((issue) => issue.file.startsWith('images/leak') || issue.file.startsWith('images/elsewhere'))).toEqual([
      expect.objectContaining({ code: IssueCode.FILE_SYMLINK_OUTSIDE, file: 'images/elsewhere' }),
      expect.objectContaining({ code: IssueCode.FILE_SYMLINK_OUTSIDE, file: 'images/leak.dcm' }),
    ]);
    expect(JSON.stringify(report)).not.toContain(outside);
  });

  it('reports a dangling symbolic link that points outside', async () => {
    const root = dataset();
    symlinkSync('/nonexistent/imagora/target', path.join(root, 'images', 'dangling.dcm'));
    const report = await validate(root);
    expect(issuesFor(report, 'images/dangling.dcm')).toEqual([expect.objectContaining({ code: IssueCode.FILE_SYMLINK_OUTSIDE })]);
  });

  it('reports a text file named .dcm as not DICOM', async () => {
    const root = dataset();
    writeFileSync(path.join(root, 'images', 'notes.dcm'), 'These are not the pixels you are looking for.\n'.repeat(20));
    const report = await validate(root);
    expect(issuesFor(report, 'images/notes.dcm')).toEqual([expect.objectContaining({ code: IssueCode.DICOM_NOT_DICOM })]);
  });

  it('reports a corpus file truncated mid-element', async () => {
    const root = dataset();
    copyFileSync(corpusFile('malformed/pydicom/test_files/rtplan_truncated.dcm'), path.join(root, 'images', 'plan.dcm'));
    const report = await validate(root);
    expect(issuesFor(report, 'images/plan.dcm')).toEqual([expect.objectContaining({ code: IssueCode.DICOM_TRUNCATED })]);
  });

  it('reports a truncated DICOM entry of a stream', async () => {
    const bytes = readFileSync(corpusFile(IMAGES.ct1.source)).subarray(0, 700);
    const entries: DatasetEntry[] = [{ path: 'images/cut.dcm', size: bytes.length, open: () => Readable.from([bytes]) }];
    const report = await validateDatasetEntries(entries, { protocol: testProtocol() });
    expect(issuesFor(report, 'images/cut.dcm')).toEqual([expect.objectContaining({ code: IssueCode.DICOM_TRUNCATED })]);
  });

  it('gives every malformed corpus file an issue of its own and never fails the run', async () => {
    const root = dataset();
    const malformed = (JSON.parse(readFileSync(path.join(CORPUS_DIR, 'index.json'), 'utf8')).files as { path: string; category: string }[]).filter((file) => file.category === 'malformed');
    mkdirSync(path.join(root, 'images', 'malformed'));
    malformed.forEach((file, index) => copyFileSync(path.join(CORPUS_DIR, file.path), path.join(root, 'images', 'malformed', `${index}.dcm`)));
    const report = await validate(root);
    expect(readdirSync(path.join(root, 'images', 'malformed'))).toHaveLength(25);
    for (let index = 0; index < malformed.length; index++) {
      const issues = issuesFor(report, `images/malformed/${index}.dcm`);
      expect({ file: malformed[index].path, errors: issues.filter((issue) => issue.severity === 'error').length > 0 }).toEqual({ file: malformed[index].path, errors: true });
      expect(issues.some((issue) => issue.code === IssueCode.FILE_UNREADABLE)).toBe(false);
    }
  });

  it('reports a stream that fails mid-file as unreadable and goes on', async () => {
    const failing: DatasetEntry = {
      path: 'annotations/broken.ndjson',
      size: 100,
      open: () =>
        new Readable({
          read() {
            this.destroy(new Error('connection reset'));
          },
        }),
    };
    const report = await validateDatasetEntries([failing], { protocol: testProtocol() });
    expect(report.issues).toContainEqual(expect.objectContaining({ code: IssueCode.FILE_UNREADABLE, file: 'annotations/broken.ndjson' }));
  });

  it('reports a folder that does not exist as unreadable', async () => {
    const missing = path.join(tmpdir(), 'imagora-no-such-dataset');
    rmSync(missing, { recursive: true, force: true });
    const report = await validate(missing);
    expect(report.issues[0]).toMatchObject({ code: IssueCode.FILE_UNREADABLE, file: '' });
    expect(report.valid).toBe(false);
  });
});

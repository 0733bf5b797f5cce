import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { validateDatasetDirectory as validateInThisThread, type ValidateOptions } from './dataset-validator';
import { IssueCode } from './issue-codes';
import type { ValidationReport } from './validation-report';
import { IMAGES, RECORDS_FILE, REPO_ROOT, buildDataset, removeDataset, testProtocol, validRecords } from './testing/validation-fixtures';

// The record worker runs compiled code (dist/, built by `npm test` before jest): the validator loaded
// from dist starts it; the one from these sources never can. Both must write the same report.
const DIST_VALIDATION = path.join(REPO_ROOT, 'dist', 'libs', 'validation', 'src', 'index.js');

type Validate = (root: string, options: ValidateOptions) => Promise<ValidationReport>;

function compiledValidator(): Validate {
  if (!existsSync(path.join(path.dirname(DIST_VALIDATION), 'record-worker.js'))) {
    throw new Error(`no compiled record worker at ${path.dirname(DIST_VALIDATION)}: run \`npm run build\` first (npm test does)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled library, on purpose
  return (require(DIST_VALIDATION) as { validateDatasetDirectory: Validate }).validateDatasetDirectory;
}

// node:worker_threads itself, as the compiled validator requires it (not a test double: the real module object).
const workerThreads = createRequire(__filename)('node:worker_threads') as typeof import('node:worker_threads');

/** Runs `work` and counts the worker threads that came online meanwhile (the identical report alone cannot tell). */
async function countingWorkers<T>(work: () => Promise<T>): Promise<{ result: T; online: number }> {
  const Original = workerThreads.Worker;
  let online = 0;
  workerThreads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      this.once('online', () => online++);
    }
  };
  try {
    return { result: await work(), online };
  } finally {
    workerThreads.Worker = Original;
  }
}

function withoutDuration(report: ValidationReport): unknown {
  const { durationMs: _ignored, ...summary } = report.summary;
  return { ...report, summary };
}

const roots: string[] = [];
afterAll(() => roots.forEach(removeDataset));

/** 30,000 record lines (more than seven groups of 4,096, more than the worker takes at once) with every kind of record and line issue, spread over every group. */
function datasetWithEveryRecordIssue(): string {
  const root = buildDataset(validRecords(0));
  roots.push(root);
  const file = path.join(root, RECORDS_FILE);
  const lines: string[] = ['\uFEFF' + JSON.stringify(validRecords(1)[0])];
  const records = validRecords(30_000);
  for (let index = 1; index < records.length; index++) {
    const record: Record<string, unknown> = { ...records[index], reader: `reader-${index % 1500}` };
    switch (index % 97) {
      case 1: record.id = `r${index - 1}`; break; // a duplicate id (the previous line's)
      case 2: record.id = `r${(index * 7919) % 30_000}`; break; // a duplicate id far away, maybe in another group
      case 3: record.label = 'tumour'; break;
      case 4: record.image = { sopInstanceUid: '1.2.3.4.5.6.7.8.9' }; break;
      case 5: record.image = { sopInstanceUid: IMAGES.ct1.uid, frame: 9 }; break;
      case 6: record.box = [1, 2, 999, 3]; break;
      case 7: record.box = [1, 2, 3]; break;
      case 8: record.id = index; break;
      case 9: lines.push('{"id": "broken"'); continue;
      case 10: lines.push(''); continue;
      case 11: lines.push(`{"id":"long","pad":"${'x'.repeat(800)}"}`); continue;
      case 12: delete record.image; break;
      case 13: record.label = `${'z'.repeat(260)}`; break;
    }
    lines.push(JSON.stringify(record));
  }
  writeFileSync(file, lines.join('\n') + '\n');
  // A line that is not UTF-8 and a last line without a newline.
  appendFileSync(file, Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]));
  appendFileSync(file, JSON.stringify({ ...records[0], id: 'last' }));
  return root;
}

describe('record worker', () => {
  it('gives the same report as the validator in one thread, issue for issue, in the same order', async () => {
    const root = datasetWithEveryRecordIssue();
    const options = { protocol: testProtocol(), maxLineBytes: 600, maxIssues: 100_000 };
    const inThread = await validateInThisThread(root, { ...options, recordWorkerMinBytes: Number.POSITIVE_INFINITY });
    const { result: withWorker, online } = await countingWorkers(() => compiledValidator()(root, { ...options, recordWorkerMinBytes: 0 }));
    expect(online).toBe(1);
    expect(withoutDuration(withWorker)).toEqual(withoutDuration(inThread));
    // The dataset exercises what it means to: every kind of record issue is in the report.
    const codes = new Set(inThread.issues.map((issue) => issue.code));
    for (const code of [
      IssueCode.ANNOTATION_DUPLICATE_ID,
      IssueCode.ANNOTATION_UNKNOWN_LABEL,
      IssueCode.ANNOTATION_IMAGE_NOT_FOUND,
      IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE,
      IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
      IssueCode.ANNOTATION_ODD_COORDINATES,
      IssueCode.ANNOTATION_JSON_SYNTAX,
      IssueCode.ANNOTATION_LINE_TOO_LONG,
      IssueCode.ANNOTATION_INVALID_UTF8,
      IssueCode.ANNOTATION_SCHEMA,
    ]) {
      expect(codes).toContain(code);
    }
    expect(inThread.summary.records).toBeGreaterThan(5700);
    expect(Object.keys(inThread.summary.readers).length).toBeGreaterThan(1000);
  });

  it('gives the same report on a clean dataset, and it is valid', async () => {
    const root = buildDataset(validRecords(3000));
    roots.push(root);
    const inThread = await validateInThisThread(root, { protocol: testProtocol(), recordWorkerMinBytes: Number.POSITIVE_INFINITY });
    const { result: withWorker, online } = await countingWorkers(() => compiledValidator()(root, { protocol: testProtocol(), recordWorkerMinBytes: 0 }));
    expect(online).toBe(1);
    expect(withWorker.valid).toBe(true);
    expect(withoutDuration(withWorker)).toEqual(withoutDuration(inThread));
  });

  it('starts in a process run with V8 flags (which a worker must not be given again)', () => {
    compiledValidator();
    const root = buildDataset(validRecords(3000));
    roots.push(root);
    // The child counts the worker threads that come online: a worker refused at start would leave the file to the
    // validator's thread, with the same report.
    const script = `
      const threads = require('node:worker_threads');
      const Original = threads.Worker;
      let online = 0;
      threads.Worker = class extends Original { constructor(...args) { super(...args); this.once('online', () => online++); } };
      const { validateDatasetDirectory } = require(${JSON.stringify(DIST_VALIDATION)});
      const { testProtocol } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'libs', 'validation', 'src', 'testing', 'validation-fixtures.js'))});
      validateDatasetDirectory(${JSON.stringify(root)}, { protocol: testProtocol(), recordWorkerMinBytes: 0 })
        .then((report) => process.stdout.write(JSON.stringify({ online, valid: report.valid, records: report.summary.records, issues: report.issues })));
    `;
    const child = spawnSync(process.execPath, ['--max-semi-space-size=8', '--require', path.join(REPO_ROOT, 'scripts', 'register-aliases.js'), '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, IMAGORA_SHARED_DIR: process.env.IMAGORA_SHARED_DIR },
      timeout: 60_000,
    });
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ online: 1, valid: true, records: 3000, issues: [] });
  });
});

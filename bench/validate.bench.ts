// npm run bench:validate — throughput and peak memory of libs/validation on a generated dataset, against
// two baselines measured in the same run on the same files: bare ajv (read, split, JSON.parse, validate)
// over the records, and a bare header-only scan loop over the images. Each phase runs in its own child
// process so its peak RSS (VmHWM) is its own. Sizes: BENCH_IMAGES (20,000), BENCH_RECORDS (1,000,000);
// BENCH_ROUNDS (3) alternating rounds, best of each kept; BENCH_KEEP=1 leaves the generated folder.
import { fork } from 'node:child_process';
import { closeSync, createReadStream, createWriteStream, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { scanDicomHeader, type ByteSource } from '@imagora/dicom';
import { createAnnotationAjv, dialectOf } from '@imagora/protocols';
import { validateDatasetDirectory } from '@imagora/validation';
import { boundHeapGrowth } from '@imagora/runtime/heap-growth';
import { IMAGES, corpusFile, datasetManifest, testProtocol } from '../libs/validation/src/testing/validation-fixtures';

interface PhaseResult {
  readonly ms: number;
  readonly count: number;
  readonly peakRssMb: number;
  readonly extra?: Record<string, number | boolean>;
}

const RECORD_FILES = 10;

function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

// A fresh UID of exactly the source UID's length, so every element length in the file stays right.
function freshUid(index: number, length: number): string {
  // "2.25.9" then zero-padded digits: unique per index, and no component with a leading zero (PS3.5 9.1).
  return `2.25.9${String(index + 1).padStart(length - 6, '0')}`;
}

function replaceAll(bytes: Buffer, from: Buffer, to: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  for (let at = copy.indexOf(from); at >= 0; at = copy.indexOf(from, at + to.length)) to.copy(copy, at);
  return copy;
}

async function generate(root: string, images: number, records: number): Promise<string[]> {
  const sources = Object.values(IMAGES).map((image) => ({ bytes: readFileSync(corpusFile(image.source)), uid: Buffer.from(image.uid) }));
  const uids: string[] = [];
  for (let index = 0; index < images; index++) {
    const source = sources[index % sources.length];
    const uid = freshUid(index, source.uid.length);
    const folder = path.join(root, 'images', String(Math.floor(index / 1000)).padStart(3, '0'));
    if (index % 1000 === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${index}.dcm`), replaceAll(source.bytes, source.uid, Buffer.from(uid)));
    uids.push(uid);
  }
  writeFileSync(path.join(root, 'dataset.json'), JSON.stringify(datasetManifest()));
  mkdirSync(path.join(root, 'annotations'));
  const perFile = Math.ceil(records / RECORD_FILES);
  for (let file = 0; file < RECORD_FILES; file++) {
    const out = createWriteStream(path.join(root, 'annotations', `part-${file}.ndjson`));
    let batch = '';
    for (let index = file * perFile; index < Math.min(records, (file + 1) * perFile); index++) {
      const record = {
        id: `r${index}`,
        image: { sopInstanceUid: uids[index % uids.length], frame: 1 },
        label: index % 3 === 0 ? 'pneumothorax' : 'nodule',
        box: [index % 8, (index >> 3) % 8, 8 + (index % 8), 8 + ((index >> 3) % 8)],
        reader: `reader-${index % 4}`,
      };
      batch += JSON.stringify(record) + '\n';
      if (batch.length > 1 << 20) {
        if (!out.write(batch)) await once(out, 'drain');
        batch = '';
      }
    }
    out.end(batch);
    await once(out, 'finish');
  }
  return uids;
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile())
    .map((dirent) => path.join(dirent.parentPath, dirent.name))
    .sort();
}

function fdSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(position, length) {
      const wanted = Math.max(0, Math.min(length, size - position));
      const buffer = Buffer.allocUnsafe(wanted);
      readSync(fd, buffer, 0, wanted, position);
      return buffer;
    },
  };
}

// Baseline 1: list the folder, then open, stat, header-only scan, close — nothing else. The listing is
// inside the clock: the validator's image phase has to walk images/ (and stat each file) as well, so a
// baseline that listed its files for free would hold the validator to more than the same work.
function headersPhase(root: string): PhaseResult {
  const started = performance.now();
  const files = listFiles(path.join(root, 'images'));
  let rows = 0;
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      rows += scanDicomHeader(fdSource(fd, fstatSync(fd).size)).rows ?? 0;
    } finally {
      closeSync(fd);
    }
  }
  return { ms: performance.now() - started, count: files.length, peakRssMb: peakRssMb(), extra: { rows } };
}

// Baseline 2: read, split on newlines, JSON.parse, ajv with the protocols library's own options.
async function ajvPhase(root: string): Promise<PhaseResult> {
  const schema = testProtocol().annotation;
  const validate = createAnnotationAjv(dialectOf(schema)!).compile(schema);
  const started = performance.now();
  let count = 0;
  let invalid = 0;
  for (const file of listFiles(path.join(root, 'annotations'))) {
    let carry = '';
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const lines = (carry + (chunk as Buffer).toString('utf8')).split('\n');
      carry = lines.pop()!;
      for (const line of lines) {
        if (line.length === 0) continue;
        count++;
        if (!validate(JSON.parse(line))) invalid++;
      }
    }
    if (carry.length > 0) {
      count++;
      if (!validate(JSON.parse(carry))) invalid++;
    }
  }
  return { ms: performance.now() - started, count, peakRssMb: peakRssMb(), extra: { invalid } };
}

// The validator on the whole dataset; the walk reads images before annotations, so the progress
// callback marks where the image phase ends.
async function validatePhase(root: string): Promise<PhaseResult> {
  // As `imagora validate` runs it.
  boundHeapGrowth();
  let imagesDoneAt = 0;
  // The clock of the image phase starts once dataset.json (the first file) is read: protocol
  // compilation happens once per run and is not per-image work.
  let imagesStartAt = 0;
  const started = performance.now();
  const report = await validateDatasetDirectory(root, {
    protocol: testProtocol(),
    onProgress: (progress) => {
      if (progress.files === 1) imagesStartAt = performance.now();
      if (progress.records === 0) imagesDoneAt = performance.now();
    },
  });
  const ended = performance.now();
  return {
    ms: ended - started,
    count: report.summary.records,
    peakRssMb: peakRssMb(),
    extra: { valid: report.valid, errors: report.summary.errors, images: report.summary.images, imagesMs: imagesDoneAt - imagesStartAt, recordsMs: ended - imagesDoneAt },
  };
}

async function child(phase: string, root: string): Promise<void> {
  const result = phase === 'headers' ? headersPhase(root) : phase === 'ajv' ? await ajvPhase(root) : await validatePhase(root);
  process.send!(result);
}

function runChild(phase: string, root: string): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const worker = fork(__filename, ['--phase', phase, root], { execArgv: ['-r', path.join(__dirname, '..', '..', 'scripts', 'register-aliases.js')] });
    let result: PhaseResult | undefined;
    worker.on('message', (message) => (result = message as PhaseResult));
    worker.on('error', reject);
    worker.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`${phase} phase exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const phaseAt = process.argv.indexOf('--phase');
  if (phaseAt >= 0) return child(process.argv[phaseAt + 1], process.argv[phaseAt + 2]);

  const images = Number(process.env.BENCH_IMAGES ?? 20_000);
  const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
  const root = mkdtempSync(path.join(tmpdir(), 'imagora-bench-validate-'));
  try {
    const generateStart = performance.now();
    await generate(root, images, records);
    console.log(`generated ${images} images and ${records} records in ${((performance.now() - generateStart) / 1000).toFixed(1)} s under ${root}`);
    // A warm-up pass over the files so the first measured phase does not pay for a cold page cache.
    headersPhase(root);

    // Phases alternate for BENCH_ROUNDS rounds and each keeps its fastest round: on a shared machine
    // the slow rounds measure the neighbours, not the code.
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
    let headers: PhaseResult | undefined;
    let ajv: PhaseResult | undefined;
    let validation: PhaseResult | undefined;
    let validationPeakRssMb = 0;
    let imagesMs = Number.POSITIVE_INFINITY;
    let recordsMs = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
      const h = await runChild('headers', root);
      const a = await runChild('ajv', root);
      const v = await runChild('validate', root);
      if (!headers || h.ms < headers.ms) headers = h;
      if (!ajv || a.ms < ajv.ms) ajv = a;
      if (!validation || v.ms < validation.ms) validation = v;
      validationPeakRssMb = Math.max(validationPeakRssMb, v.peakRssMb);
      imagesMs = Math.min(imagesMs, v.extra!.imagesMs as number);
      recordsMs = Math.min(recordsMs, v.extra!.recordsMs as number);
      console.log(`round ${round + 1}: header loop ${h.ms.toFixed(0)} ms, bare ajv ${a.ms.toFixed(0)} ms, validator ${v.ms.toFixed(0)} ms (images ${(v.extra!.imagesMs as number).toFixed(0)} ms, records ${(v.extra!.recordsMs as number).toFixed(0)} ms)`);
    }
    const v = { ...(validation!.extra as { valid: boolean; errors: number; images: number }), imagesMs, recordsMs };
    validation = { ...validation!, peakRssMb: validationPeakRssMb };
    headers = headers!;
    ajv = ajv!;
    if (!v.valid || v.images !== images || validation.count !== records || ajv.extra?.invalid !== 0) {
      throw new Error(`the generated dataset did not validate clean: ${JSON.stringify({ validation, ajv })}`);
    }
    const rate = (count: number, ms: number) => count / (ms / 1000);
    const imagesBaseline = rate(headers.count, headers.ms);
    const recordsBaseline = rate(ajv.count, ajv.ms);
    const imagesRate = rate(v.images, v.imagesMs);
    const recordsRate = rate(validation.count, v.recordsMs);
    const row = (name: string, value: number, baseline: number) =>
      console.log(`${name.padEnd(10)} ${Math.round(value).toLocaleString('en').padStart(11)}/s   baseline ${Math.round(baseline).toLocaleString('en').padStart(11)}/s   ratio ${(value / baseline).toFixed(2)}  (goal ≥ 0.80)`);
    console.log('');
    row('images', imagesRate, imagesBaseline);
    row('records', recordsRate, recordsBaseline);
    console.log('');
    console.log(`validator: ${(validation.ms / 1000).toFixed(2)} s total, best rounds (images ${(v.imagesMs / 1000).toFixed(2)} s, records ${(v.recordsMs / 1000).toFixed(2)} s), peak RSS ${validation.peakRssMb.toFixed(0)} MB (highest round)`);
    console.log(`baselines: header loop ${(headers.ms / 1000).toFixed(2)} s (peak RSS ${headers.peakRssMb.toFixed(0)} MB), bare ajv ${(ajv.ms / 1000).toFixed(2)} s (peak RSS ${ajv.peakRssMb.toFixed(0)} MB)`);
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

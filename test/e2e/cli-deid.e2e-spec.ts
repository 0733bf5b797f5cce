import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanDicomHeader } from '@imagora/dicom';
import { REPO_ROOT, runImagora } from '../support/cli';

// `imagora deid` as a user runs it: the compiled CLI in a child process, on a folder built from real files of
// ../shared/corpus (two images and an RTSTRUCT in nested folders, a truncated file from corpus/malformed and a
// text file). Needs `npm run build` first (npm test does it).

const corpusDir = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(REPO_ROOT, '..', 'shared'), 'corpus');
const GOOD = {
  'CT_small.dcm': 'dicom/pydicom/test_files/CT_small.dcm',
  'sub/MR_small.dcm': 'dicom/pydicom/test_files/MR_small.dcm',
  'sub/deeper/rtstruct.dcm': 'annotations/pydicom/test_files/rtstruct.dcm',
};
const MALFORMED = { 'sub/MR_truncated.dcm': 'malformed/pydicom/test_files/MR_truncated.dcm' };
const TIMEOUT = { timeoutMs: 120_000 };

interface Summary {
  files: number;
  bytes: number;
  written: number;
  skipped: { path: string; reason: string }[];
  failed: { path: string; code: string; reason: string }[];
  flags: { path: string; flags: string[] }[];
  elapsedMs: number;
  options: string[];
  reproducible: boolean;
}

let work: string;
let keyFile: string;

function folder(name: string, files: Record<string, string>, extra: Record<string, string> = {}): string {
  const root = path.join(work, name);
  for (const [relative, corpusPath] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.copyFileSync(path.join(corpusDir, corpusPath), path.join(root, relative));
  }
  for (const [relative, text] of Object.entries(extra)) fs.writeFileSync(path.join(root, relative), text);
  return root;
}

function filesUnder(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else found.push(path.relative(root, full));
    }
  };
  visit(root);
  return found.sort();
}

async function deid(args: string[], nodeArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string; summary?: Summary }> {
  const result = await runImagora(['deid', ...args], { ...TIMEOUT, nodeArgs });
  let summary: Summary | undefined;
  if (args.includes('--json') && result.stdout.trim().startsWith('{')) summary = JSON.parse(result.stdout) as Summary;
  return { ...result, summary };
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagora-cli-deid-'));
  keyFile = path.join(work, 'key.bin');
  fs.writeFileSync(keyFile, Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('imagora deid', () => {
  it('exits 1 when a file fails, and reports it, the skipped non-DICOM file and the counts in --json', async () => {
    const input = folder('mixed', { ...GOOD, ...MALFORMED }, { 'notes.txt': 'not an image: a note about the study\n' });
    const { code, summary } = await deid([input, path.join(work, 'mixed-out'), '--key-file', keyFile, '--json']);
    expect(code).toBe(1);
    const inputBytes = Object.keys(GOOD).reduce((total, relative) => total + fs.statSync(path.join(input, relative)).size, 0);
    expect(summary).toEqual({
      files: 5,
      bytes: inputBytes,
      written: 3,
      skipped: [{ path: 'notes.txt', reason: expect.any(String) }],
      failed: [{ path: path.join('sub', 'MR_truncated.dcm'), code: 'DICOM_TRUNCATED', reason: expect.stringContaining('(7FE0,0010)') }],
      flags: [],
      elapsedMs: expect.any(Number),
      options: [],
      reproducible: true,
    });
  });

  it('exits 0 when every DICOM file de-identifies (a skipped non-DICOM file is no failure), mirroring relative paths', async () => {
    const input = folder('good', GOOD, { 'notes.txt': 'plain text\n' });
    const output = path.join(work, 'good-out');
    const { code, summary, stderr } = await deid([input, output, '--key-file', keyFile, '--json']);
    expect({ code, written: summary?.written, failed: summary?.failed, skipped: summary?.skipped.map((entry) => entry.path) }).toEqual({
      code: 0,
      written: 3,
      failed: [],
      skipped: ['notes.txt'],
    });
    expect(filesUnder(output)).toEqual(Object.keys(GOOD).map((relative) => path.join(...relative.split('/'))).sort());
    expect(stderr).not.toMatch(/not be reproducible/);
  });

  it('records the options applied in the summary and in every output (DeidentificationMethod)', async () => {
    const input = folder('options', GOOD);
    const output = path.join(work, 'options-out');
    const { code, summary } = await deid([input, output, '--key-file', keyFile, '--option', 'retain-patient-characteristics', '--option', 'clean-descriptors', '--json']);
    expect([code, summary?.options]).toEqual([0, ['retain-patient-characteristics', 'clean-descriptors']]);
    for (const relative of filesUnder(output)) {
      expect(scanDicomHeader(fs.readFileSync(path.join(output, relative))).getString('00120063')).toContain('option clean-descriptors');
    }
  });

  it.each([
    ['a missing input', (input: string) => [path.join(input, 'does-not-exist'), path.join(work, 'usage-out')]],
    ['an unknown option', (input: string) => [input, path.join(work, 'usage-out'), '--option', 'retain-everything']],
    ['contradictory options', (input: string) => [input, path.join(work, 'usage-out'), '--option', 'retain-longitudinal-full-dates', '--option', 'retain-longitudinal-modified-dates']],
    ['a key shorter than 16 bytes', (input: string) => [input, path.join(work, 'usage-out'), '--key-file', path.join(work, 'short.key')]],
    ['a missing key file', (input: string) => [input, path.join(work, 'usage-out'), '--key-file', path.join(work, 'no-such.key')]],
    ['OUTPUT equal to INPUT', (input: string) => [input, input]],
    ['a missing OUTPUT argument', (input: string) => [input]],
    ['an invalid --jobs', (input: string) => [input, path.join(work, 'usage-out'), '--jobs', 'zero']],
  ])('exits 2 on a usage error: %s, and writes nothing', async (_name, args) => {
    const input = folder('usage', GOOD);
    fs.writeFileSync(path.join(work, 'short.key'), 'too short');
    const { code } = await deid(args(input));
    expect(code).toBe(2);
    expect(fs.existsSync(path.join(work, 'usage-out'))).toBe(false);
    expect(filesUnder(input)).toEqual(Object.keys(GOOD).map((relative) => path.join(...relative.split('/'))).sort());
  });

  it('writes byte-identical outputs for the same --key-file, in one thread and in the worker pool', async () => {
    const input = folder('repeat', GOOD);
    const first = await deid([input, path.join(work, 'repeat-1'), '--key-file', keyFile, '--json']);
    const second = await deid([input, path.join(work, 'repeat-2'), '--key-file', keyFile, '--json', '--jobs', '1']);
    // A V8 flag on the command line, which worker threads must not be given again.
    const pooled = await deid([input, path.join(work, 'repeat-3'), '--key-file', keyFile, '--json', '--jobs', '2'], ['--max-semi-space-size=8']);
    expect([first.code, second.code, pooled.code]).toEqual([0, 0, 0]);
    const relatives = filesUnder(path.join(work, 'repeat-1'));
    expect(relatives).toHaveLength(3);
    for (const relative of relatives) {
      const bytes = fs.readFileSync(path.join(work, 'repeat-1', relative));
      expect(fs.readFileSync(path.join(work, 'repeat-2', relative)).equals(bytes)).toBe(true);
      expect(fs.readFileSync(path.join(work, 'repeat-3', relative)).equals(bytes)).toBe(true);
      // ...and really de-identified: a new SOP Instance UID.
      expect(scanDicomHeader(bytes).sopInstanceUid).not.toBe(scanDicomHeader(fs.readFileSync(path.join(input, relative))).sopInstanceUid);
    }
    const { elapsedMs: _first, ...firstSummary } = first.summary!;
    const { elapsedMs: _pooled, ...pooledSummary } = pooled.summary!;
    expect(pooledSummary).toEqual(firstSummary);
  });

  it('warns on stderr that results are not reproducible without --key-file, and pseudonyms then differ per run', async () => {
    const input = folder('random-key', { 'CT_small.dcm': GOOD['CT_small.dcm'] });
    const first = await deid([input, path.join(work, 'random-1'), '--json']);
    const second = await deid([input, path.join(work, 'random-2'), '--json']);
    expect([first.code, first.summary?.reproducible, second.code]).toEqual([0, false, 0]);
    expect(first.stderr).toMatch(/random key.*not be reproducible/);
    const uid = (dir: string): string | undefined => scanDicomHeader(fs.readFileSync(path.join(work, dir, 'CT_small.dcm'))).sopInstanceUid;
    expect(uid('random-1')).not.toBe(uid('random-2'));
  });

  it('leaves no PatientName value of an input in any output file', async () => {
    const input = folder('names', GOOD);
    const output = path.join(work, 'names-out');
    expect((await deid([input, output, '--key-file', keyFile, '--json'])).code).toBe(0);
    // Every name and each of its components (family, given, ...) of at least 4 characters, in any case.
    const names = Object.keys(GOOD).flatMap((relative) => {
      const name = scanDicomHeader(fs.readFileSync(path.join(input, relative))).getString('00100010') ?? '';
      return [name, ...name.split(/[\^=]/)].map((part) => part.trim()).filter((part) => part.length >= 4);
    });
    expect(names).toEqual(expect.arrayContaining(['CompressedSamples^CT1', 'CompressedSamples^MR1', 'Test^Phantom30sep']));
    for (const relative of filesUnder(output)) {
      const text = fs.readFileSync(path.join(output, relative)).toString('latin1').toLowerCase();
      for (const name of names) expect({ relative, name, found: text.includes(name.toLowerCase()) }).toEqual({ relative, name, found: false });
    }
  });
});

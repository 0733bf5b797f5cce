import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DicomItem, Tags, bufferSource, chunksToBuffer, encodingOf, findElement, parseDicom, setElement, textElement, writeDicom } from '@imagora/dicom';
import { Deidentifier } from '@imagora/deid';
import { writeDicomFile } from '../libs/validation/src/testing/validation-fixtures';
import { freshUid } from './support/corpus-dataset';
import { median } from './support/stats';

// `npm run bench:deid`: files/s and MB/s of `imagora deid` versus gdcmanon (Debian libgdcm-tools) versus a
// plain copy, on the corpus replicated to ≥ 2,000 files with fresh UIDs, plus the peak RSS of the `imagora deid`
// process on a generated 1 GiB multi-frame file. Same files, same run; each tool runs ROUNDS times, interleaved,
// and its best round is reported with the per-round ratios to gdcmanon and their median (each round starts with the
// next tool in turn). Files live in a RAM-backed folder when there is one (see workBase), BENCH_DEID_DIR otherwise;
// BENCH_ROUNDS (5). The machine may be shared: the CPU pressure before and after is printed.

const repoRoot = path.join(__dirname, '..', '..');
const corpusDir = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(repoRoot, '..', 'shared'), 'corpus');
const TARGET_FILES = 2000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BIG_BYTES = 1 << 30;

function has(command: string): boolean {
  return spawnSync('which', [command]).status === 0;
}

function ensureGdcmanon(): boolean {
  if (has('gdcmanon')) return true;
  console.log('gdcmanon missing: running apt-get install -y libgdcm-tools');
  spawnSync('apt-get', ['install', '-y', 'libgdcm-tools'], { stdio: 'inherit' });
  if (has('gdcmanon')) return true;
  console.log('gdcmanon unavailable: install it with `sudo apt-get install libgdcm-tools` to compare');
  return false;
}

function seconds(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Where the files go. On this kind of machine (ext4 without a journal), creating a file scans the inodes deleted
 * recently nearby: each create costs 20 µs to 1 ms depending on what any process deleted in the last minutes, and
 * every tool's time (the plain copy's too) swings several-fold between rounds. A RAM-backed folder takes the disk
 * out of the comparison of the tools; BENCH_DEID_DIR picks any folder (e.g. /tmp, to measure on disk).
 */
function workBase(): { dir: string; why: string } {
  if (process.env.BENCH_DEID_DIR) return { dir: process.env.BENCH_DEID_DIR, why: 'BENCH_DEID_DIR' };
  const ram = '/dev/shm';
  try {
    const stats = fs.statfsSync(ram);
    fs.accessSync(ram, fs.constants.W_OK);
    if (stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize > 4 * 2 ** 30) return { dir: ram, why: 'tmpfs: file creation costs the same in every round; BENCH_DEID_DIR=/tmp measures on disk' };
  } catch {
    // No writable /dev/shm: the system's temp folder.
  }
  return { dir: os.tmpdir(), why: 'no tmpfs with 4 GiB free at /dev/shm' };
}

const TMPFS_MAGIC = 0x01021994;

function row(name: string, files: number, bytes: number, elapsed: number): string {
  return `| ${name} | ${files} | ${elapsed.toFixed(2)} s | ${(files / elapsed).toFixed(0)} files/s | ${(bytes / 1e6 / elapsed).toFixed(1)} MB/s |`;
}

function gdcmanonArgs(cert: string, input: string, output: string, recursive: boolean): string[] {
  return ['-e', '-c', cert, ...(recursive ? ['-r', '--continue'] : []), '-i', input, '-o', output];
}

/** Writes a synthetic 1 GiB single-file multi-frame MR (explicit VR LE, 1024 frames of 1024×1024×8 bit). */
function writeBigFile(file: string): void {
  const dataset: DicomItem = [
    textElement(Tags.SOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.4.1'),
    textElement(Tags.SOPInstanceUID, 'UI', freshUid()),
    textElement(Tags.Modality, 'CS', 'MR'),
    textElement(Tags.PatientName, 'PN', 'BENCH^BIGFILE'),
    textElement(Tags.PatientID, 'LO', 'BIG-0001'),
    textElement(Tags.StudyInstanceUID, 'UI', freshUid()),
    textElement(Tags.SeriesInstanceUID, 'UI', freshUid()),
    textElement(0x00280002, 'US', ''),
    textElement(Tags.NumberOfFrames, 'IS', '1024'),
  ];
  const us = (tag: number, value: number): void => {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16LE(value);
    setElement(dataset, { tag, vr: 'US', value: buffer });
  };
  us(0x00280002, 1);
  us(Tags.Rows, 1024);
  us(Tags.Columns, 1024);
  us(0x00280100, 8);
  us(0x00280101, 8);
  us(0x00280102, 7);
  us(0x00280103, 0);
  setElement(dataset, textElement(0x00280004, 'CS', 'MONOCHROME2'));
  const pixels = { size: BIG_BYTES, read: (position: number, length: number) => Buffer.alloc(Math.min(length, BIG_BYTES - position), position & 0xff) };
  setElement(dataset, { tag: Tags.PixelData, vr: 'OB', bulk: { source: pixels, start: 0, end: BIG_BYTES } });
  const meta = [
    textElement(Tags.MediaStorageSOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.4.1'),
    textElement(Tags.MediaStorageSOPInstanceUID, 'UI', freshUid()),
    textElement(Tags.TransferSyntaxUID, 'UI', '1.2.840.10008.1.2.1'),
  ];
  // On disk before anything is timed: otherwise whichever tool runs first competes with its writeback.
  writeDicomFile(file, { meta, dataset, encoding: encodingOf('1.2.840.10008.1.2.1') }, { fsync: true });
}

/** Runs the real CLI (bin/imagora.js) in this process and writes its peak RSS (all threads) to `rssFile` at exit. */
function rssCli(rssFile: string, args: string[]): void {
  process.on('exit', () => fs.writeFileSync(rssFile, String(process.resourceUsage().maxRSS)));
  const cli = path.join(repoRoot, 'bin', 'imagora.js');
  process.argv = [process.argv[0], cli, ...args];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs the CLI's bin script in this process, as node would
  require(cli);
}

/** Compares the Pixel Data bytes of two files in 8 MiB pieces (never holding either whole). */
function samePixelData(a: string, b: string): boolean {
  const range = (file: string): { fd: number; start: number; end: number } => {
    const fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const source = { size, read: (position: number, length: number) => { const buffer = Buffer.alloc(Math.min(length, size - position)); fs.readSync(fd, buffer, 0, buffer.length, position); return buffer; } };
    const header = parseDicom(source, { stopAtPixelData: true });
    const start = header.pixelDataOffset ?? size;
    return { fd, start, end: size };
  };
  const left = range(a);
  const right = range(b);
  try {
    if (left.end - left.start !== right.end - right.start) return false;
    const piece = 8 << 20;
    const x = Buffer.alloc(piece);
    const y = Buffer.alloc(piece);
    for (let offset = 0; offset < left.end - left.start; offset += piece) {
      const length = Math.min(piece, left.end - left.start - offset);
      fs.readSync(left.fd, x, 0, length, left.start + offset);
      fs.readSync(right.fd, y, 0, length, right.start + offset);
      if (!x.subarray(0, length).equals(y.subarray(0, length))) return false;
    }
    return true;
  } finally {
    fs.closeSync(left.fd);
    fs.closeSync(right.fd);
  }
}

function cpuPressure(): string {
  try {
    return /avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

function main(): void {
  if (process.argv[2] === '--rss-cli') return rssCli(process.argv[3], process.argv.slice(4));
  const base = workBase();
  console.log(`work folder: ${base.dir} (${base.why})`);
  const work = fs.mkdtempSync(path.join(base.dir, 'imagora-bench-'));
  try {
    const index = JSON.parse(fs.readFileSync(path.join(corpusDir, 'index.json'), 'utf8')).files as { path: string; category: string }[];
    const gdcm = ensureGdcmanon() && has('openssl');
    const cert = path.join(work, 'cert.pem');
    if (gdcm) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(work, 'key.pem'), '-out', cert, '-subj', '/CN=imagora-bench', '-days', '1'], { stdio: 'ignore' });
    }
    // Seeds: files both tools handle (gdcmanon's directory mode stops at the first file it cannot do).
    const deidentifier = new Deidentifier({ key: Buffer.alloc(32, 1) });
    const seeds: Buffer[] = [];
    for (const entry of index.filter((candidate) => candidate.category !== 'malformed')) {
      const bytes = fs.readFileSync(path.join(corpusDir, entry.path));
      try {
        deidentifier.deidentify(bytes);
      } catch {
        continue;
      }
      if (gdcm) {
        const probe = path.join(work, 'probe.dcm');
        fs.writeFileSync(probe, bytes);
        if (spawnSync('gdcmanon', gdcmanonArgs(cert, probe, path.join(work, 'probe-out.dcm'), false)).status !== 0) continue;
      }
      seeds.push(bytes);
    }
    const input = path.join(work, 'in');
    fs.mkdirSync(input);
    let totalBytes = 0;
    for (let i = 0; i < Math.max(TARGET_FILES, seeds.length); i++) {
      const file = parseDicom(bufferSource(seeds[i % seeds.length]));
      const sop = freshUid();
      setElement(file.dataset, textElement(Tags.SOPInstanceUID, 'UI', sop));
      const meta = file.meta.length ? file.meta : [textElement(Tags.TransferSyntaxUID, 'UI', file.transferSyntaxUid)];
      setElement(meta, textElement(Tags.MediaStorageSOPInstanceUID, 'UI', sop));
      if (!findElement(meta, Tags.MediaStorageSOPClassUID)) {
        const sopClass = findElement(file.dataset, Tags.SOPClassUID);
        if (sopClass) setElement(meta, { ...sopClass, tag: Tags.MediaStorageSOPClassUID });
      }
      const bytes = chunksToBuffer(writeDicom({ meta, dataset: file.dataset, encoding: file.encoding }));
      fs.writeFileSync(path.join(input, `${String(i).padStart(5, '0')}.dcm`), bytes);
      totalBytes += bytes.length;
    }
    const files = fs.readdirSync(input).length;
    const keyFile = path.join(work, 'key.bin');
    fs.writeFileSync(keyFile, randomBytes(32));
    console.log(`corpus: ${seeds.length} seed files replicated to ${files} files, ${(totalBytes / 1e6).toFixed(1)} MB, ${os.cpus().length} cores\n`);
    console.log(`CPU pressure (avg60, % of time some task waited for a CPU): ${cpuPressure()} before`);
    console.log(`each tool runs ${ROUNDS} times, interleaved; best round shown, then the per-round ratios\n`);
    console.log('| tool | files | time | files/s | MB/s |\n|---|---|---|---|---|');
    const cli = path.join(repoRoot, 'bin', 'imagora.js');
    const times: Record<'copy' | 'deid' | 'deid1' | 'gdcm', number[]> = { copy: [], deid: [], deid1: [], gdcm: [] };
    let cliStatus = 0;
    let cli1Status = 0;
    let gdcmStatus = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const out = (name: string): string => path.join(work, `${name}-${round}`);
      const runs: Array<[keyof typeof times, () => void]> = [
        ['copy', () => fs.cpSync(input, out('copy'), { recursive: true })],
        ['deid', () => (cliStatus = spawnSync(process.execPath, [cli, 'deid', input, out('deid'), '--key-file', keyFile, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] }).status ?? -1)],
        ['deid1', () => (cli1Status = spawnSync(process.execPath, [cli, 'deid', input, out('deid1'), '--key-file', keyFile, '--json', '--jobs', '1'], { stdio: ['ignore', 'ignore', 'inherit'] }).status ?? -1)],
        ...(gdcm ? [['gdcm', () => (gdcmStatus = spawnSync('gdcmanon', gdcmanonArgs(cert, input, out('gdcm'), true), { stdio: 'ignore' }).status ?? -1)] as [keyof typeof times, () => void]] : []),
      ];
      // Each round starts with the next tool: the one that runs after another pays for its writeback and deletes.
      for (let i = 0; i < runs.length; i++) {
        const [name, run] = runs[(round + i) % runs.length];
        times[name].push(seconds(run));
      }
    }
    const best = { copy: Math.min(...times.copy), deid: Math.min(...times.deid), deid1: Math.min(...times.deid1), gdcm: Math.min(...times.gdcm) };
    console.log(row('plain copy (fs.cpSync)', files, totalBytes, best.copy));
    console.log(row(`imagora deid, default threads (${os.availableParallelism()} workers if files average ≥ 4 MiB, else 1; verifier on, exit ${cliStatus})`, files, totalBytes, best.deid));
    console.log(row(`imagora deid --jobs 1 (verifier on, exit ${cli1Status})`, files, totalBytes, best.deid1));
    if (gdcm) console.log(row(`gdcmanon 3 (encrypting, exit ${gdcmStatus})`, files, totalBytes, best.gdcm));
    if (gdcm) {
      // File creation on this kind of disk swings several-fold between rounds for every tool (even the copy), so
      // the ratio within a round, where both ran back to back, is steadier than any single round's figure.
      const ratios = (name: 'deid' | 'deid1') => times.gdcm.map((gdcmSeconds, round) => gdcmSeconds / times[name][round]);
      for (const [name, label] of [['deid', 'default threads'], ['deid1', '--jobs 1']] as const) {
        const perRound = ratios(name);
        console.log(`imagora deid ${label} / gdcmanon files/s, per round: ${perRound.map((r) => r.toFixed(2)).join(', ')}; median ${median(perRound).toFixed(2)}`);
      }
    }
    console.log(`\nCPU pressure (avg60): ${cpuPressure()} after`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['copy', 'deid', 'deid1', 'gdcm']) fs.rmSync(path.join(work, `${name}-${round}`), { recursive: true, force: true });
    }

    const big = path.join(work, 'big.dcm');
    writeBigFile(big);
    const bigSize = fs.statSync(big).size;
    const rssFile = path.join(work, 'rss.txt');
    let bigStatus = 0;
    let bigCopy = Infinity;
    let bigTime = Infinity;
    // Each side twice, interleaved, best kept; every output is flushed and removed before the next run, so
    // no run pays for the previous one's writeback.
    const flush = (file: string): void => {
      const fd = fs.openSync(file, 'r+');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    };
    const settle = (file: string): void => {
      flush(file);
      fs.rmSync(file);
    };
    for (let round = 0; round < 2; round++) {
      bigCopy = Math.min(bigCopy, seconds(() => fs.copyFileSync(big, path.join(work, 'big-copy.dcm'))));
      settle(path.join(work, 'big-copy.dcm'));
      const out = path.join(work, 'big-out.dcm');
      fs.rmSync(out, { force: true });
      bigTime = Math.min(bigTime, seconds(() => {
        bigStatus = spawnSync(process.execPath, ['-r', path.join(repoRoot, 'scripts', 'register-aliases.js'), __filename, '--rss-cli', rssFile, 'deid', big, out, '--key-file', keyFile, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] }).status ?? -1;
      }));
      if (round === 0) flush(out);
    }
    const maxRssKiB = Number(fs.readFileSync(rssFile, 'utf8'));
    const samePixels = bigStatus === 0 && samePixelData(big, path.join(work, 'big-out.dcm'));
    console.log(`\n1 GiB multi-frame file (${(bigSize / 1e6).toFixed(0)} MB): copy ${(bigSize / 1e6 / bigCopy).toFixed(0)} MB/s; ` +
      `imagora deid ${(bigSize / 1e6 / bigTime).toFixed(0)} MB/s (${bigTime.toFixed(2)} s, whole CLI process, verifier on, exit ${bigStatus}); best of 2 each, ` +
      `peak RSS ${(maxRssKiB / 1024).toFixed(0)} MB, pixel data ${samePixels ? 'byte-identical' : 'DIFFERENT'}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();

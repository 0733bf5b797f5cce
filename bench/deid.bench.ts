import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DicomItem, Tags, bufferSource, chunksToBuffer, encodingOf, findElement, parseDicom, setElement, textElement, writeDicom } from '@imagora/dicom';
import { Deidentifier } from '@imagora/deid';
import { deidentifyPath } from '../apps/cli/src/commands/deid.command';

// `npm run bench:deid`: files/s and MB/s of `imagora deid` versus gdcmanon (Debian libgdcm-tools) versus a
// plain copy, on the corpus replicated to ≥ 2,000 files with fresh UIDs, plus the peak RSS of `imagora deid`
// on a generated 1 GiB multi-frame file. Same files, same run.

const repoRoot = path.join(__dirname, '..', '..');
const corpusDir = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(repoRoot, '..', 'shared'), 'corpus');
const TARGET_FILES = 2000;
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

function freshUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n}`;
}

function seconds(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

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
  const fd = fs.openSync(file, 'w');
  for (const chunk of writeDicom({ meta, dataset, encoding: encodingOf('1.2.840.10008.1.2.1') })) {
    if (Buffer.isBuffer(chunk)) fs.writeSync(fd, chunk);
    else for (let position = chunk.start; position < chunk.end; position += 8 << 20) fs.writeSync(fd, chunk.source.read(position, 8 << 20));
  }
  fs.closeSync(fd);
}

function rssChild(input: string, output: string): void {
  const deidentifier = new Deidentifier({ key: Buffer.alloc(32, 1) });
  const elapsed = seconds(() => deidentifyPath(deidentifier, input, output));
  process.stdout.write(JSON.stringify({ elapsed, maxRssKiB: process.resourceUsage().maxRSS }));
}

function main(): void {
  if (process.argv[2] === '--rss-child') return rssChild(process.argv[3], process.argv[4]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imagora-bench-'));
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
    console.log('| tool | files | time | files/s | MB/s |\n|---|---|---|---|---|');
    const copyTime = seconds(() => fs.cpSync(input, path.join(work, 'copy'), { recursive: true }));
    console.log(row('plain copy (fs.cpSync)', files, totalBytes, copyTime));
    const cli = path.join(repoRoot, 'bin', 'imagora.js');
    let cliStatus = 0;
    const deidTime = seconds(() => {
      cliStatus = spawnSync(process.execPath, [cli, 'deid', input, path.join(work, 'deid'), '--key-file', keyFile, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] }).status ?? -1;
    });
    console.log(row(`imagora deid (verifier on, exit ${cliStatus})`, files, totalBytes, deidTime));
    if (gdcm) {
      let gdcmStatus = 0;
      const gdcmTime = seconds(() => {
        gdcmStatus = spawnSync('gdcmanon', gdcmanonArgs(cert, input, path.join(work, 'gdcm'), true), { stdio: 'ignore' }).status ?? -1;
      });
      console.log(row(`gdcmanon 3 (encrypting, exit ${gdcmStatus})`, files, totalBytes, gdcmTime));
    }
    fs.rmSync(path.join(work, 'copy'), { recursive: true, force: true });
    fs.rmSync(path.join(work, 'deid'), { recursive: true, force: true });
    fs.rmSync(path.join(work, 'gdcm'), { recursive: true, force: true });

    const big = path.join(work, 'big.dcm');
    writeBigFile(big);
    const bigSize = fs.statSync(big).size;
    const bigCopy = seconds(() => fs.copyFileSync(big, path.join(work, 'big-copy.dcm')));
    fs.rmSync(path.join(work, 'big-copy.dcm'));
    const child = spawnSync(process.execPath, ['-r', path.join(repoRoot, 'scripts', 'register-aliases.js'), __filename, '--rss-child', big, path.join(work, 'big-out.dcm')], { encoding: 'utf8' });
    const measured = JSON.parse(child.stdout || '{}') as { elapsed?: number; maxRssKiB?: number };
    console.log(`\n1 GiB multi-frame file (${(bigSize / 1e6).toFixed(0)} MB): copy ${(bigSize / 1e6 / bigCopy).toFixed(0)} MB/s; ` +
      `imagora deid ${measured.elapsed ? (bigSize / 1e6 / measured.elapsed).toFixed(0) : '?'} MB/s (${measured.elapsed?.toFixed(2)} s, verifier on), ` +
      `peak RSS ${measured.maxRssKiB ? (measured.maxRssKiB / 1024).toFixed(0) : '?'} MB`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();

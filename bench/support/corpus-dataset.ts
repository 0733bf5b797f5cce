// Benchmark datasets: the corpus files a protocol accepts (CT, MR, CR, US that validate clean and de-identify here),
// replicated with fresh Study/Series/SOP Instance UIDs up to a byte target, part of the bytes as large generated CT
// slices, and one annotation record per image. Shared by bench:ingest and bench:download.
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Deidentifier } from '@imagora/deid';
import { DicomFile, DicomItem, Tags, bufferSource, chunksToBuffer, encodingOf, findElement, parseDicom, setElement, textElement, writeDicom } from '@imagora/dicom';
import { validateDatasetEntries } from '@imagora/validation';
import { deidentifyPath } from '@imagora/runtime/dicom-files/deidentify-path';
import { CORPUS_DIR, corpusCtWithPixels, testProtocol, writeDicomFile } from '../../libs/validation/src/testing/validation-fixtures';

const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'];
const MODALITIES = ['CT', 'MR', 'CR', 'US'];

export const freshUid = () => `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n}`;

/** Boxes on CT, MR, CR and US images, under the name given. */
export function benchProtocol(name: string): Record<string, any> {
  const base = testProtocol();
  return {
    ...base,
    name,
    title: 'Benchmark: boxes on CT, MR, CR and US images',
    imaging: { modalities: MODALITIES, requiredAttributes: ['00280010', '00280011'], transferSyntaxes: TRANSFER_SYNTAXES },
  };
}

interface Seed {
  bytes: Buffer;
  modality: string;
}

/** Corpus files of the protocol's modalities and transfer syntaxes that validate clean and de-identify (and verify) here. */
async function pickSeeds(work: string, protocol: Record<string, any>): Promise<Seed[]> {
  const index = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'index.json'), 'utf8')).files as Array<Record<string, any>>;
  const candidates = index.filter(
    (f) => f.category !== 'malformed' && f.is_part10 && f.has_pixel_data && MODALITIES.includes(f.Modality) && TRANSFER_SYNTAXES.includes(f.TransferSyntaxUID) && f.Rows >= 4 && f.Columns >= 4,
  );
  const deidentifier = new Deidentifier({ key: randomBytes(32) });
  const probe = path.join(work, 'probe');
  mkdirSync(probe, { recursive: true });
  const seeds: Seed[] = [];
  for (const candidate of candidates) {
    const source = path.join(CORPUS_DIR, candidate.path);
    try {
      deidentifyPath(deidentifier, source, path.join(probe, 'out.dcm'));
    } catch {
      continue;
    }
    const bytes = readFileSync(source);
    const report = await validateDatasetEntries([{ path: 'images/probe.dcm', size: bytes.length, open: () => createReadStream(source) }], { protocol });
    if (report.issues.some((issue) => issue.severity === 'error' && issue.file === 'images/probe.dcm')) continue;
    seeds.push({ bytes, modality: candidate.Modality });
  }
  rmSync(probe, { recursive: true, force: true });
  return seeds;
}

/** A copy of `file` as a new instance: fresh SOP Instance UID, and the study/series UIDs given. */
function reissue(file: DicomFile, study: string, series: string): { meta: DicomItem; sop: string } {
  const sop = freshUid();
  setElement(file.dataset, textElement(Tags.SOPInstanceUID, 'UI', sop));
  setElement(file.dataset, textElement(Tags.StudyInstanceUID, 'UI', study));
  setElement(file.dataset, textElement(Tags.SeriesInstanceUID, 'UI', series));
  const meta = file.meta.length ? file.meta : [textElement(Tags.TransferSyntaxUID, 'UI', file.transferSyntaxUid)];
  setElement(meta, textElement(Tags.MediaStorageSOPInstanceUID, 'UI', sop));
  if (!findElement(meta, Tags.MediaStorageSOPClassUID)) {
    const sopClass = findElement(file.dataset, Tags.SOPClassUID);
    if (sopClass) setElement(meta, { ...sopClass, tag: Tags.MediaStorageSOPClassUID });
  }
  return { meta, sop };
}

/** A CT slice of about `bytes` (a 4096-column pixel matrix), streamed to disk. */
function writeBigCt(target: string, study: string, series: string, bytes: number): string {
  const file = corpusCtWithPixels(Math.floor((bytes - 4096) / (4096 * 2)), 4096);
  const { meta, sop } = reissue(file, study, series);
  writeDicomFile(target, { meta, dataset: file.dataset, encoding: encodingOf(file.transferSyntaxUid) });
  return sop;
}

export interface BuiltDataset {
  dir: string;
  files: Array<{ path: string; absolute: string; size: number }>;
  bytes: number;
  images: number;
  big: number;
  seeds: number;
}

export interface DatasetShape {
  /** Bytes of images to generate (the folder ends slightly above). */
  targetBytes: number;
  /** Size of each large CT slice. */
  bigBytes: number;
  /** Share of targetBytes made of large CT slices (0 for none). */
  bigShare: number;
  title: string;
}

/** The dataset folder `work`/dataset: dataset.json (the protocol's NAME@VERSION), images/, annotations/boxes.ndjson. */
export async function buildDataset(work: string, protocol: Record<string, any>, shape: DatasetShape): Promise<BuiltDataset> {
  const dir = path.join(work, 'dataset');
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  mkdirSync(path.join(dir, 'annotations'), { recursive: true });
  const seeds = await pickSeeds(work, protocol);
  if (seeds.length === 0) throw new Error('no corpus file fits the benchmark protocol');
  const records: string[] = [];
  const record = (sop: string, n: number) =>
    records.push(JSON.stringify({ id: `r${n}`, image: { sopInstanceUid: sop, frame: 1 }, label: n % 3 === 0 ? 'pneumothorax' : 'nodule', box: [1, 1, 2, 3], reader: n % 2 ? 'reader-a' : 'reader-b' }));
  const files: BuiltDataset['files'] = [];
  const written = (relative: string, size: number) => files.push({ path: relative, absolute: path.join(dir, relative), size });
  let bytes = 0;
  let images = 0;
  let big = 0;
  // Large CT slices first: an upload sends those as presigned multipart parts.
  const bigCount = Math.floor((shape.targetBytes * shape.bigShare) / shape.bigBytes);
  const bigStudy = freshUid();
  const bigSeries = freshUid();
  for (; big < bigCount; big++) {
    const relative = `images/big/${String(big).padStart(3, '0')}.dcm`;
    const target = path.join(dir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    record(writeBigCt(target, bigStudy, bigSeries, shape.bigBytes), images++);
    const { size } = statSync(target);
    written(relative, size);
    bytes += size;
  }
  // The rest: the seeds round-robin, 50 instances per series, 4 series per study.
  let study = freshUid();
  let series = freshUid();
  for (let i = 0; bytes < shape.targetBytes; i++) {
    if (i % 50 === 0 && i > 0) {
      series = freshUid();
      if (i % 200 === 0) study = freshUid();
    }
    const seed = seeds[i % seeds.length];
    const file = parseDicom(bufferSource(seed.bytes));
    const { meta, sop } = reissue(file, study, series);
    const out = chunksToBuffer(writeDicom({ meta, dataset: file.dataset, encoding: file.encoding }));
    const folder = `images/${seed.modality.toLowerCase()}/${String(Math.floor(i / 1000)).padStart(3, '0')}`;
    mkdirSync(path.join(dir, folder), { recursive: true });
    const relative = `${folder}/${String(i).padStart(6, '0')}.dcm`;
    writeFileSync(path.join(dir, relative), out);
    written(relative, out.length);
    bytes += out.length;
    record(sop, images++);
  }
  for (const [relative, text] of [
    ['annotations/boxes.ndjson', records.join('\n') + '\n'],
    [
      'dataset.json',
      JSON.stringify({ title: shape.title, description: 'Corpus replicated with fresh UIDs', license: 'CC0-1.0', protocol: `${protocol.name}@${protocol.version}`, contributors: [{ name: 'Bench', role: 'curator' }] }, null, 2),
    ],
  ]) {
    const content = Buffer.from(text);
    writeFileSync(path.join(dir, relative), content);
    written(relative, content.length);
    bytes += content.length;
  }
  return { dir, files, bytes, images, big, seeds: seeds.length };
}

import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DicomFile, Tags, bufferSource, chunkBuffers, parseDicom, setElement, writeDicom } from '@imagora/dicom';

// Test datasets built from the real files of ../shared/corpus (copied byte for byte) plus generated
// annotation records, and the protocol they follow.

// Found by walking up to package.json: this file also runs compiled, one level deeper under dist/ (the benchmark).
function findRepoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) if (existsSync(path.join(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const CORPUS_DIR = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(REPO_ROOT, '..', 'shared'), 'corpus');

export function corpusFile(relative: string): string {
  return path.join(CORPUS_DIR, relative);
}

/** Streams writeDicom's output to `target`, pixel data read from its source in 8 MiB pieces (never held whole). */
export function writeDicomFile(target: string, parts: Parameters<typeof writeDicom>[0], options: { fsync?: boolean } = {}): void {
  const fd = openSync(target, 'w');
  try {
    for (const buffer of chunkBuffers(writeDicom(parts), 8 << 20)) {
      for (let done = 0; done < buffer.length; ) done += writeSync(fd, buffer, done, buffer.length - done);
    }
    if (options.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The corpus CT slice (ct1) with a `rows` × `columns` 16-bit pixel matrix that is generated as it is read, never held:
 * each byte is bits 16-23 of its position, whatever pieces it is read in.
 */
export function corpusCtWithPixels(rows: number, columns: number): DicomFile {
  const file = parseDicom(bufferSource(readFileSync(corpusFile(IMAGES.ct1.source))));
  const us = (tag: number, value: number) => {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16LE(value);
    setElement(file.dataset, { tag, vr: 'US', value: buffer });
  };
  us(Tags.Rows, rows);
  us(Tags.Columns, columns);
  const size = rows * columns * 2;
  const read = (position: number, length: number) => {
    const piece = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
    for (let at = 0; at < piece.length; ) {
      const blockEnd = Math.min(piece.length, (((position + at) >> 16) + 1) * 65536 - position);
      piece.fill(((position + at) >> 16) & 0xff, at, blockEnd);
      at = blockEnd;
    }
    return piece;
  };
  setElement(file.dataset, { tag: Tags.PixelData, vr: 'OW', bulk: { source: { size, read }, start: 0, end: size } });
  return file;
}

// Four 16×16 CT slices and a 16×16 CR (pydicom's dicomdirtests), and the two highdicom SEGs that
// reference exactly those images (index.json: references.resolved_in_corpus).
export const IMAGES = {
  ct1: { source: 'dicom/pydicom/test_files/dicomdirtests/77654033/CT2/17106', path: 'images/ct/17106.dcm', uid: '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.93' },
  ct2: { source: 'dicom/pydicom/test_files/dicomdirtests/77654033/CT2/17136', path: 'images/ct/17136.dcm', uid: '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.94' },
  ct3: { source: 'dicom/pydicom/test_files/dicomdirtests/77654033/CT2/17166', path: 'images/ct/17166.dcm', uid: '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.95' },
  ct4: { source: 'dicom/pydicom/test_files/dicomdirtests/77654033/CT2/17196', path: 'images/ct/17196', uid: '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.96' },
  cr1: { source: 'dicom/pydicom/test_files/dicomdirtests/77654033/CR1/6154', path: 'images/cr/6154.dcm', uid: '1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.11' },
} as const;

export const ANNOTATION_OBJECTS = {
  ctSeg: { source: 'annotations/highdicom/seg_image_ct_binary.dcm', path: 'images/seg/ct-seg.dcm' },
  crSeg: { source: 'annotations/highdicom/seg_image_cr_binary.dcm', path: 'images/seg/cr-seg.dcm' },
} as const;

export const IMAGE_SIZE = 16;

export const TEST_PROTOCOL_NAME = 'ct-cr-findings';
export const TEST_PROTOCOL_VERSION = '1.0.0';
export const TEST_PROTOCOL_ID = `${TEST_PROTOCOL_NAME}@${TEST_PROTOCOL_VERSION}`;

/** Box annotations on CT and CR images (a protocol document valid under schemas/protocol.schema.json). */
export function testProtocol(): Record<string, any> {
  return {
    name: TEST_PROTOCOL_NAME,
    version: TEST_PROTOCOL_VERSION,
    title: 'Findings as boxes on CT slices and chest radiographs',
    labels: [
      { id: 'nodule', code: { system: 'SCT', value: '27925004', meaning: 'Nodule' } },
      { id: 'pneumothorax', code: { system: 'SCT', value: '36118008', meaning: 'Pneumothorax' } },
    ],
    imaging: {
      modalities: ['CT', 'CR'],
      sopClasses: ['1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.5.1.4.1.1.1'],
      requiredAttributes: ['00280010', '00280011'],
      transferSyntaxes: ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'],
    },
    annotation: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['id', 'image', 'label', 'box', 'reader'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', minLength: 1 },
        image: {
          type: 'object',
          required: ['sopInstanceUid'],
          additionalProperties: false,
          properties: { sopInstanceUid: { type: 'string', pattern: '^[0-9.]+$' }, frame: { type: 'integer', minimum: 1 } },
        },
        label: { type: 'string' },
        box: { type: 'array', minItems: 2, items: { type: 'number' } },
        reader: { type: 'string' },
      },
    },
    references: { sopInstanceUid: '/image/sopInstanceUid', frame: '/image/frame', label: '/label', coordinates: '/box' },
  };
}

export interface TestRecord {
  id: string;
  image: { sopInstanceUid: string; frame?: number };
  label: string;
  box: number[];
  reader: string;
}

/** n valid records spread over the five images, two labels and two readers. */
export function validRecords(n: number): TestRecord[] {
  const images = Object.values(IMAGES);
  return Array.from({ length: n }, (_, index) => ({
    id: `r${index + 1}`,
    image: { sopInstanceUid: images[index % images.length].uid, frame: 1 },
    label: index % 3 === 0 ? 'pneumothorax' : 'nodule',
    box: [1 + (index % 4), 2, 10, 12 + (index % 4)],
    reader: index % 2 === 0 ? 'reader-a' : 'reader-b',
  }));
}

export function datasetManifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Test findings',
    description: 'Corpus images with generated box annotations',
    license: 'CC-BY-4.0',
    protocol: TEST_PROTOCOL_ID,
    contributors: [{ name: 'A. Reader', role: 'annotator' }],
    ...overrides,
  };
}

export const RECORDS_FILE = 'annotations/boxes.ndjson';

export function writeNdjson(file: string, records: readonly unknown[]): void {
  writeFileSync(file, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
}

/** A clean dataset in a fresh temp folder: dataset.json, five images, two SEGs, 20 records. */
export function buildDataset(records = validRecords(20)): string {
  const root = mkdtempSync(path.join(tmpdir(), 'imagora-validation-'));
  for (const file of [...Object.values(IMAGES), ...Object.values(ANNOTATION_OBJECTS)]) {
    mkdirSync(path.dirname(path.join(root, file.path)), { recursive: true });
    copyFileSync(corpusFile(file.source), path.join(root, file.path));
  }
  writeFileSync(path.join(root, 'dataset.json'), JSON.stringify(datasetManifest(), null, 2));
  mkdirSync(path.join(root, 'annotations'), { recursive: true });
  writeNdjson(path.join(root, RECORDS_FILE), records);
  return root;
}

export function removeDataset(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

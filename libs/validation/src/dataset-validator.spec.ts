import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { validateDatasetDirectory, validateDatasetEntries, type ValidateOptions } from './dataset-validator';
import type { DatasetEntry } from './dataset-entry';
import { IssueCode } from './issue-codes';
import type { ValidationIssue, ValidationReport } from './validation-report';
import {
  ANNOTATION_OBJECTS,
  IMAGES,
  RECORDS_FILE,
  REPO_ROOT,
  buildDataset,
  corpusFile,
  datasetManifest,
  removeDataset,
  testProtocol,
  validRecords,
  writeNdjson,
  type TestRecord,
} from './testing/validation-fixtures';

const roots: string[] = [];
afterAll(() => roots.forEach(removeDataset));

function dataset(records?: TestRecord[]): string {
  const root = buildDataset(records);
  roots.push(root);
  return root;
}

function validate(root: string, options: Partial<ValidateOptions> = {}): Promise<ValidationReport> {
  return validateDatasetDirectory(root, { protocol: testProtocol(), ...options });
}

function errorsOf(report: ValidationReport): ValidationIssue[] {
  return report.issues.filter((issue) => issue.severity === 'error');
}

function writeManifest(root: string, manifest: unknown): void {
  writeFileSync(path.join(root, 'dataset.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
}

function recordsWith(index: number, change: (record: TestRecord) => unknown): unknown[] {
  const records: unknown[] = validRecords(20);
  records[index] = change(validRecords(20)[index]);
  return records;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

// Local entries of a folder, as an upload would stream them: annotations first (sorted paths).
function entriesOf(root: string, paths: string[]): DatasetEntry[] {
  return paths.map((relative) => {
    const bytes = readFileSync(path.join(root, relative));
    return { path: relative, size: bytes.length, open: () => Readable.from([bytes]) };
  });
}

const ALL_PATHS = ['annotations/boxes.ndjson', 'dataset.json', ...Object.values(ANNOTATION_OBJECTS).map((f) => f.path), ...Object.values(IMAGES).map((f) => f.path)].sort();

describe(validateDatasetDirectory.name, () => {
  it('validates a corpus dataset against the shipped LIDC protocol clean', async () => {
    const root = dataset();
    // Only the four CT slices and the CT SEG: LIDC is a CT protocol.
    rmSync(path.join(root, IMAGES.cr1.path));
    rmSync(path.join(root, ANNOTATION_OBJECTS.crSeg.path));
    const ctImages = [IMAGES.ct1, IMAGES.ct2, IMAGES.ct3, IMAGES.ct4];
    const records = Array.from({ length: 40 }, (_, index) => ({
      image: { sopInstanceUid: ctImages[index % 4].uid },
      label: 'nodule',
      reader: { id: `reader-${index % 4}` },
      noduleId: `n${index % 7}`,
      coordinates: [2, 2, 14, 2, 14, 14, 2, 16],
      inclusion: true,
    }));
    writeNdjson(path.join(root, RECORDS_FILE), records);
    writeManifest(root, datasetManifest({ protocol: 'lidc-lung-nodule-ct@1.1.0' }));
    const protocol = JSON.parse(readFileSync(path.join(REPO_ROOT, 'protocols', 'lidc-lung-nodule-ct', '1.1.0.json'), 'utf8'));

    const report = await validateDatasetDirectory(root, { protocol });

    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({ protocol: 'lidc-lung-nodule-ct@1.1.0', valid: true });
    expect(report.summary).toMatchObject({ images: 4, annotationObjects: 1, records: 40, labels: { nodule: 40 }, readers: { 'reader-0': 10, 'reader-1': 10, 'reader-2': 10, 'reader-3': 10 } });
  });

  it('validates the fixture dataset clean and counts images per modality and SOP class', async () => {
    const report = await validate(dataset());
    expect(report.issues).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.summary).toMatchObject({
      files: 9,
      images: 5,
      annotationObjects: 2,
      annotationFiles: 1,
      records: 20,
      errors: 0,
      modalities: { CT: 4, CR: 1, SEG: 2 },
      sopClasses: { '1.2.840.10008.5.1.4.1.1.2': 4, '1.2.840.10008.5.1.4.1.1.1': 1, '1.2.840.10008.5.1.4.1.1.66.4': 2 },
      labels: { nodule: 13, pneumothorax: 7 },
      readers: { 'reader-a': 10, 'reader-b': 10 },
    });
  });

  it('accepts checksums that match the files dataset.json lists', async () => {
    const root = dataset();
    const listed = [IMAGES.ct1.path, RECORDS_FILE].map((file) => ({ path: file, sha256: sha256(path.join(root, file)) }));
    writeManifest(root, datasetManifest({ files: listed }));
    expect((await validate(root)).issues).toEqual([]);
  });

  it('validates records in *.json arrays', async () => {
    const root = dataset();
    rmSync(path.join(root, RECORDS_FILE));
    writeFileSync(path.join(root, 'annotations', 'boxes.json'), JSON.stringify(validRecords(5), null, 2));
    const report = await validate(root);
    expect(report.issues).toEqual([]);
    expect(report.summary.records).toBe(5);
  });

  it('keeps maxIssues issues and counts the rest in the summary', async () => {
    const records = validRecords(20).map((record) => ({ ...record, label: 'tumour' }));
    const report = await validate(dataset(records), { maxIssues: 3 });
    expect(report.issues).toHaveLength(3);
    expect(report.summary).toMatchObject({ errors: 20, issuesOmitted: 17, issuesByCode: { ANNOTATION_UNKNOWN_LABEL: 20 } });
    expect(report.valid).toBe(false);
  });

  it('re-classifies severities by code and path glob from the config', async () => {
    const root = dataset();
    writeFileSync(path.join(root, 'notes.txt'), 'scratch');
    mkdirSync(path.join(root, 'images', 'legacy'));
    copyFileSync(corpusFile('dicom/pydicom/test_files/ExplVR_LitEndNoMeta.dcm'), path.join(root, 'images', 'legacy', 'plan.dcm'));
    const report = await validate(root, {
      config: { ignore: [{ code: IssueCode.FILE_UNEXPECTED }], warning: [{ location: 'images/legacy/**' }] },
    });
    expect(report.issues.map((issue) => [issue.code, issue.severity])).toEqual(
      expect.arrayContaining([
        [IssueCode.DICOM_NOT_PART10, 'warning'],
        [IssueCode.DICOM_MODALITY, 'warning'],
      ]),
    );
    expect(report.issues.some((issue) => issue.code === IssueCode.FILE_UNEXPECTED)).toBe(false);
    expect(report.valid).toBe(true);
  });

  it('turns a warning into an error when the config says so', async () => {
    const root = dataset();
    writeFileSync(path.join(root, 'notes.txt'), 'scratch');
    const report = await validate(root, { config: { error: [{ code: IssueCode.FILE_UNEXPECTED, location: '*.txt' }] } });
    expect(errorsOf(report)).toEqual([expect.objectContaining({ code: IssueCode.FILE_UNEXPECTED, file: 'notes.txt' })]);
  });

  it('makes burned-in text an error under a protocol that rejects it', async () => {
    const root = dataset();
    copyFileSync(corpusFile('dicom/fo-dicom/TestData/GH1728.dcm'), path.join(root, 'images', 'ct', 'burned.dcm'));
    const protocol = testProtocol();
    protocol.deidentification = { profile: 'basic', rejectBurnedIn: true };
    const report = await validate(root, { protocol });
    expect(report.issues).toContainEqual(expect.objectContaining({ code: IssueCode.DICOM_BURNED_IN_ANNOTATION, severity: 'error', file: 'images/ct/burned.dcm', tag: '00280301' }));
  });
});

interface Variant {
  readonly name: string;
  readonly records?: unknown[];
  readonly mutate?: (root: string) => void;
  readonly protocol?: (protocol: Record<string, any>) => void;
  readonly options?: Partial<ValidateOptions>;
  readonly expected: { code: IssueCode; file: string; line?: number; pointer?: string; tag?: string };
}

const CT1 = IMAGES.ct1.path;

// Each broken variant of the clean dataset, and the issue it must produce (exact file, line, pointer, tag).
const VARIANTS: Variant[] = [
  { name: 'no dataset.json', mutate: (root) => rmSync(path.join(root, 'dataset.json')), expected: { code: IssueCode.DATASET_JSON_MISSING, file: 'dataset.json' } },
  { name: 'dataset.json is not JSON', mutate: (root) => writeManifest(root, '{ "title": '), expected: { code: IssueCode.DATASET_JSON_INVALID, file: 'dataset.json' } },
  {
    name: 'dataset.json lacks its title',
    mutate: (root) => writeManifest(root, { ...datasetManifest(), title: undefined }),
    expected: { code: IssueCode.DATASET_SCHEMA, file: 'dataset.json', pointer: '/title' },
  },
  {
    name: 'a contributor without a role',
    mutate: (root) => writeManifest(root, datasetManifest({ contributors: [{ name: 'A' }] })),
    expected: { code: IssueCode.DATASET_SCHEMA, file: 'dataset.json', pointer: '/contributors/0/role' },
  },
  {
    name: 'an unknown dataset.json field',
    mutate: (root) => writeManifest(root, datasetManifest({ funding: 'NIH' })),
    expected: { code: IssueCode.DATASET_UNKNOWN_FIELD, file: 'dataset.json', pointer: '/funding' },
  },
  {
    name: 'a licence that is not SPDX',
    mutate: (root) => writeManifest(root, datasetManifest({ license: 'TCIA-restricted' })),
    expected: { code: IssueCode.DATASET_LICENSE, file: 'dataset.json', pointer: '/license' },
  },
  {
    name: 'dataset.json names another protocol',
    mutate: (root) => writeManifest(root, datasetManifest({ protocol: 'ct-cr-findings@2.0.0' })),
    expected: { code: IssueCode.DATASET_PROTOCOL_MISMATCH, file: 'dataset.json', pointer: '/protocol' },
  },
  {
    name: 'a listed checksum that does not match',
    mutate: (root) => writeManifest(root, datasetManifest({ files: [{ path: CT1, sha256: '0'.repeat(64) }] })),
    expected: { code: IssueCode.CHECKSUM_MISMATCH, file: CT1 },
  },
  {
    name: 'a listed file that is absent',
    mutate: (root) => writeManifest(root, datasetManifest({ files: [{ path: 'images/ct/gone.dcm', sha256: '0'.repeat(64) }] })),
    expected: { code: IssueCode.CHECKSUM_FILE_MISSING, file: 'images/ct/gone.dcm' },
  },
  { name: 'a file outside the layout', mutate: (root) => writeFileSync(path.join(root, 'notes.txt'), 'x'), expected: { code: IssueCode.FILE_UNEXPECTED, file: 'notes.txt' } },
  {
    name: 'a symbolic link inside the dataset',
    mutate: (root) => symlinkSync(path.join(root, CT1), path.join(root, 'images', 'ct', 'alias.dcm')),
    expected: { code: IssueCode.FILE_SYMLINK, file: 'images/ct/alias.dcm' },
  },
  {
    name: 'a record whose box holds a string',
    records: recordsWith(3, (record) => ({ ...record, box: [1, 'two', 3, 4] })),
    expected: { code: IssueCode.ANNOTATION_SCHEMA, file: RECORDS_FILE, line: 4, pointer: '/box/1' },
  },
  {
    name: 'a record with a field the schema forbids',
    records: recordsWith(6, (record) => ({ ...record, comment: 'x' })),
    expected: { code: IssueCode.ANNOTATION_SCHEMA, file: RECORDS_FILE, line: 7, pointer: '' },
  },
  {
    name: 'a label outside the label set',
    records: recordsWith(2, (record) => ({ ...record, label: 'tumour' })),
    expected: { code: IssueCode.ANNOTATION_UNKNOWN_LABEL, file: RECORDS_FILE, line: 3, pointer: '/label' },
  },
  {
    name: 'an odd number of coordinates',
    records: recordsWith(8, (record) => ({ ...record, box: [1, 2, 3] })),
    expected: { code: IssueCode.ANNOTATION_ODD_COORDINATES, file: RECORDS_FILE, line: 9, pointer: '/box' },
  },
  {
    name: 'a column beyond Columns',
    records: recordsWith(0, (record) => ({ ...record, box: [1, 2, 17, 4] })),
    expected: { code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS, file: RECORDS_FILE, line: 1, pointer: '/box/2' },
  },
  {
    name: 'a row beyond Rows',
    records: recordsWith(1, (record) => ({ ...record, box: [1, 2, 3, 40] })),
    expected: { code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS, file: RECORDS_FILE, line: 2, pointer: '/box/3' },
  },
  {
    name: 'a negative coordinate',
    records: recordsWith(5, (record) => ({ ...record, box: [-1, 2, 3, 4] })),
    expected: { code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS, file: RECORDS_FILE, line: 6, pointer: '/box/0' },
  },
  {
    name: 'an image reference to no instance of the dataset',
    records: recordsWith(10, (record) => ({ ...record, image: { sopInstanceUid: '1.2.3.4' } })),
    expected: { code: IssueCode.ANNOTATION_IMAGE_NOT_FOUND, file: RECORDS_FILE, line: 11, pointer: '/image/sopInstanceUid' },
  },
  {
    name: 'a frame beyond NumberOfFrames',
    records: recordsWith(11, (record) => ({ ...record, image: { ...record.image, frame: 2 } })),
    expected: { code: IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE, file: RECORDS_FILE, line: 12, pointer: '/image/frame' },
  },
  {
    name: 'a record without an image reference under a schema that does not require one',
    records: recordsWith(12, (record) => ({ ...record, image: {} })),
    protocol: (protocol) => delete protocol.annotation.properties.image.required,
    expected: { code: IssueCode.ANNOTATION_REFERENCE_MISSING, file: RECORDS_FILE, line: 13, pointer: '/image/sopInstanceUid' },
  },
  {
    name: 'a repeated record id',
    records: recordsWith(14, (record) => ({ ...record, id: 'r2' })),
    expected: { code: IssueCode.ANNOTATION_DUPLICATE_ID, file: RECORDS_FILE, line: 15, pointer: '/id' },
  },
  {
    name: 'a line that is not JSON',
    mutate: (root) => writeFileSync(path.join(root, RECORDS_FILE), `${JSON.stringify(validRecords(1)[0])}\n{"id": "r2",\n`),
    expected: { code: IssueCode.ANNOTATION_JSON_SYNTAX, file: RECORDS_FILE, line: 2 },
  },
  {
    name: 'a line longer than the line limit',
    mutate: (root) => writeFileSync(path.join(root, RECORDS_FILE), `${JSON.stringify(validRecords(1)[0])}\n${JSON.stringify({ ...validRecords(2)[1], pad: 'x'.repeat(5000) })}\n`),
    options: { maxLineBytes: 4096 },
    expected: { code: IssueCode.ANNOTATION_LINE_TOO_LONG, file: RECORDS_FILE, line: 2 },
  },
  {
    name: 'an empty NDJSON file',
    mutate: (root) => writeFileSync(path.join(root, 'annotations', 'empty.ndjson'), '\n\n'),
    expected: { code: IssueCode.ANNOTATION_EMPTY_FILE, file: 'annotations/empty.ndjson' },
  },
  {
    name: 'a *.json annotation file that is not an array',
    mutate: (root) => writeFileSync(path.join(root, 'annotations', 'one.json'), JSON.stringify(validRecords(1)[0])),
    expected: { code: IssueCode.ANNOTATION_NOT_ARRAY, file: 'annotations/one.json', line: 1 },
  },
  {
    name: 'a bad label in a *.json array, located by the line its element starts on',
    mutate: (root) => writeFileSync(path.join(root, 'annotations', 'more.json'), JSON.stringify([validRecords(1)[0], { ...validRecords(2)[1], id: 'x2', label: 'tumour' }], null, 2)),
    expected: { code: IssueCode.ANNOTATION_UNKNOWN_LABEL, file: 'annotations/more.json', line: 17, pointer: '/label' },
  },
  {
    name: 'a modality the protocol does not allow',
    mutate: (root) => copyFileSync(corpusFile('dicom/highdicom/dx_image.dcm'), path.join(root, 'images', 'dx.dcm')),
    expected: { code: IssueCode.DICOM_MODALITY, file: 'images/dx.dcm', tag: '00080060' },
  },
  {
    name: 'a SOP class the protocol does not allow',
    mutate: (root) => copyFileSync(corpusFile('dicom/highdicom/dx_image.dcm'), path.join(root, 'images', 'dx.dcm')),
    expected: { code: IssueCode.DICOM_SOP_CLASS, file: 'images/dx.dcm', tag: '00080016' },
  },
  {
    name: 'a transfer syntax the protocol does not allow',
    protocol: (protocol) => (protocol.imaging.transferSyntaxes = ['1.2.840.10008.1.2']),
    expected: { code: IssueCode.DICOM_TRANSFER_SYNTAX, file: CT1, tag: '00020010' },
  },
  {
    name: 'a required attribute that is missing',
    mutate: (root) => copyFileSync(corpusFile('malformed/dwv/data/dwv-test_no-number-rows.dcm'), path.join(root, 'images', 'no-rows.dcm')),
    expected: { code: IssueCode.DICOM_ATTRIBUTE_MISSING, file: 'images/no-rows.dcm', tag: '00280010' },
  },
  {
    name: 'a required attribute that is empty',
    protocol: (protocol) => protocol.imaging.requiredAttributes.push('00100040'),
    expected: { code: IssueCode.DICOM_ATTRIBUTE_EMPTY, file: CT1, tag: '00100040' },
  },
  {
    name: 'a SOP Instance UID used twice',
    mutate: (root) => copyFileSync(path.join(root, CT1), path.join(root, 'images', 'ct', 'zz-copy.dcm')),
    expected: { code: IssueCode.DICOM_DUPLICATE_UID, file: 'images/ct/zz-copy.dcm', tag: '00080018' },
  },
  {
    name: 'an image without a SOP Instance UID',
    mutate: (root) => copyFileSync(corpusFile('dicom/pydicom/test_files/UN_sequence.dcm'), path.join(root, 'images', 'ct', 'no-uid.dcm')),
    expected: { code: IssueCode.DICOM_MISSING_SOP_INSTANCE_UID, file: 'images/ct/no-uid.dcm', tag: '00080018' },
  },
  {
    name: 'a file without Part 10 file meta',
    mutate: (root) => copyFileSync(corpusFile('dicom/pydicom/test_files/ExplVR_LitEndNoMeta.dcm'), path.join(root, 'images', 'no-meta.dcm')),
    expected: { code: IssueCode.DICOM_NOT_PART10, file: 'images/no-meta.dcm' },
  },
  {
    name: 'a gzip file under images/',
    mutate: (root) => copyFileSync(corpusFile('malformed/pydicom/test_files/zipMR.gz'), path.join(root, 'images', 'mr.dcm')),
    expected: { code: IssueCode.DICOM_NOT_DICOM, file: 'images/mr.dcm' },
  },
  {
    name: 'a DICOM file cut short inside its header',
    mutate: (root) => writeFileSync(path.join(root, 'images', 'ct', 'cut.dcm'), readFileSync(corpusFile(IMAGES.ct2.source)).subarray(0, 1000)),
    expected: { code: IssueCode.DICOM_TRUNCATED, file: 'images/ct/cut.dcm', tag: '00120063' },
  },
  {
    name: 'a DICOM file the parser cannot read with certainty',
    mutate: (root) => copyFileSync(corpusFile('malformed/fo-dicom/TestData/FreezePattern.dcm'), path.join(root, 'images', 'freeze.dcm')),
    expected: { code: IssueCode.DICOM_MALFORMED, file: 'images/freeze.dcm', tag: 'FFFEE000' },
  },
  {
    name: 'a SEG that references an image the dataset lacks',
    mutate: (root) => rmSync(path.join(root, IMAGES.ct3.path)),
    expected: { code: IssueCode.DICOM_REFERENCE_UNRESOLVED, file: ANNOTATION_OBJECTS.ctSeg.path, tag: '00081155' },
  },
  {
    name: 'no image at all',
    mutate: (root) => rmSync(path.join(root, 'images'), { recursive: true }),
    records: [],
    expected: { code: IssueCode.DATASET_NO_IMAGES, file: '' },
  },
];

describe(`${validateDatasetDirectory.name} on broken datasets`, () => {
  it('has at least 25 broken variants', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(VARIANTS.map((variant) => [variant.name, variant] as const))('reports %s', async (_name, variant) => {
    const root = dataset();
    if (variant.records) writeNdjson(path.join(root, RECORDS_FILE), variant.records);
    variant.mutate?.(root);
    const protocol = testProtocol();
    variant.protocol?.(protocol);
    const report = await validate(root, { protocol, ...variant.options });
    const matching = report.issues.filter((issue) => issue.code === variant.expected.code);
    expect(matching).toContainEqual(expect.objectContaining(variant.expected));
    // The issue carries exactly the location fields the variant expects, and no others.
    const issue = matching.find((candidate) => candidate.file === variant.expected.file)!;
    for (const field of ['line', 'pointer', 'tag'] as const) expect(issue[field]).toBe(variant.expected[field]);
  });
});

describe(validateDatasetEntries.name, () => {
  it('resolves references of annotations streamed before their images', async () => {
    const root = dataset();
    const report = await validateDatasetEntries(entriesOf(root, ALL_PATHS), { protocol: testProtocol() });
    expect(ALL_PATHS[0]).toBe(RECORDS_FILE);
    expect(report.issues).toEqual([]);
    expect(report.summary).toMatchObject({ images: 5, records: 20 });
  });

  it('reports a reference that stays unresolved after every entry was read', async () => {
    const root = dataset(recordsWith(4, (record) => ({ ...record, image: { sopInstanceUid: '9.9.9' } })) as TestRecord[]);
    const report = await validateDatasetEntries(entriesOf(root, ALL_PATHS), { protocol: testProtocol() });
    expect(errorsOf(report)).toEqual([expect.objectContaining({ code: IssueCode.ANNOTATION_IMAGE_NOT_FOUND, file: RECORDS_FILE, line: 5, pointer: '/image/sopInstanceUid' })]);
  });

  it('checks coordinates of a record read before its image against that image once it arrives', async () => {
    const root = dataset(recordsWith(0, (record) => ({ ...record, box: [1, 2, 3, 99] })) as TestRecord[]);
    const report = await validateDatasetEntries(entriesOf(root, ALL_PATHS), { protocol: testProtocol() });
    expect(errorsOf(report)).toEqual([expect.objectContaining({ code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS, line: 1, pointer: '/box/3' })]);
  });

  it('verifies the checksum of an entry that streamed past before dataset.json', async () => {
    const root = dataset();
    writeManifest(root, datasetManifest({ files: [{ path: RECORDS_FILE, sha256: 'f'.repeat(64) }] }));
    const report = await validateDatasetEntries(entriesOf(root, ALL_PATHS), { protocol: testProtocol() });
    expect(errorsOf(report)).toEqual([expect.objectContaining({ code: IssueCode.CHECKSUM_MISMATCH, file: RECORDS_FILE })]);
  });

  it('refuses entry paths that climb out of the dataset', async () => {
    const entries: DatasetEntry[] = [{ path: '../etc/passwd', size: 1, open: () => Readable.from([Buffer.from('x')]) }];
    const report = await validateDatasetEntries(entries, { protocol: testProtocol() });
    expect(report.issues).toContainEqual(expect.objectContaining({ code: IssueCode.FILE_PATH_UNSAFE, file: '../etc/passwd' }));
  });

  it('skips a second entry with the same path', async () => {
    const root = dataset();
    const entries = entriesOf(root, [...ALL_PATHS, IMAGES.ct1.path]);
    const report = await validateDatasetEntries(entries, { protocol: testProtocol() });
    expect(report.issues).toEqual([expect.objectContaining({ code: IssueCode.FILE_DUPLICATE_PATH, file: IMAGES.ct1.path })]);
  });

  it('reads only the header of a large streamed DICOM entry', async () => {
    const header = readFileSync(corpusFile(IMAGES.ct1.source));
    let served = 0;
    // 64 MiB of trailing bytes after Pixel Data's header: the scan must stop long before them.
    const entry: DatasetEntry = {
      path: 'images/big.dcm',
      size: header.length + 64 * 1024 * 1024,
      open: () =>
        Readable.from(
          (function* () {
            served += header.length;
            yield header;
            for (let index = 0; index < 64; index++) {
              served += 1024 * 1024;
              yield Buffer.alloc(1024 * 1024);
            }
          })(),
        ),
    };
    const report = await validateDatasetEntries([entry], { protocol: testProtocol() });
    expect(report.summary.images).toBe(1);
    expect(served).toBeLessThan(16 * 1024 * 1024);
  });
});

import { ByteSource, DicomElement, DicomItem, bufferSource, findElement, rawText, readUnsigned, textValues, walkElements } from './dicom-dataset';
import { DicomFile, parseDicom } from './dicom-parser';
import { Tags, parseTag } from './dicom-tag';

// The header-only scan other libraries build on (libs/validation): parse up to Pixel Data, never read it, and
// expose the attributes a validator asks about as plain typed fields.

export interface DicomHeader {
  readonly transferSyntaxUid: string;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly modality?: string;
  readonly rows?: number;
  readonly columns?: number;
  /** (0028,0008) as an integer; undefined when absent or not a valid IS. */
  readonly numberOfFrames?: number;
  readonly bodyPartExamined?: string;
  readonly manufacturer?: string;
  readonly manufacturerModelName?: string;
  readonly patientSex?: string;
  readonly patientAge?: string;
  /** (0018,0050) in mm; undefined when absent or not a valid DS. */
  readonly sliceThickness?: number;
  readonly specificCharacterSet: string[];
  readonly hasPixelData: boolean;
  /** Every (0008,1155) Referenced SOP Instance UID at any depth (SEG, RTSTRUCT, SR, ... references), unique. */
  readonly referencedSopInstanceUids: string[];
  /** True when a top-level attribute with this tag (8 hex digits, e.g. `00100010`) is present. */
  has(tag: string | number): boolean;
  /** True when the attribute is present with a non-empty value (a sequence: at least one item). */
  hasValue(tag: string | number): boolean;
  /** The trimmed text of a top-level text attribute (raw, backslash-joined when multi-valued). */
  getString(tag: string | number): string | undefined;
  /** The parsed file, for callers that need more than the summary. */
  readonly file: DicomFile;
}

function toTag(tag: string | number): number {
  return typeof tag === 'number' ? tag : parseTag(tag);
}

function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return undefined;
  return Number.parseInt(text.trim(), 10);
}

function parseDecimal(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return undefined;
  return Number.parseFloat(text);
}

function nonEmpty(element: DicomElement | undefined): boolean {
  if (!element) return false;
  if (element.items) return element.items.length > 0;
  if (element.bulk) return element.bulk.end > element.bulk.start;
  if (element.encapsulated) return true;
  if (!element.value || element.value.length === 0) return false;
  return rawText(element) !== '' || !/^[\0 ]*$/.test(element.value.toString('latin1'));
}

/** Collects every (0008,1155) value at any depth, in document order, without duplicates. */
export function collectReferencedSopInstanceUids(dataset: DicomItem): string[] {
  const seen = new Set<string>();
  walkElements(dataset, (element) => {
    if (element.tag === Tags.ReferencedSOPInstanceUID) for (const uid of textValues(element)) if (uid) seen.add(uid);
  });
  return [...seen];
}

/** Summarises a parsed file (full or header-only). */
export function summarizeHeader(file: DicomFile): DicomHeader {
  const dataset = file.dataset;
  const text = (tag: number): string | undefined => {
    const value = rawText(findElement(dataset, tag));
    return value === undefined || value === '' ? undefined : value.trim();
  };
  const littleEndian = file.encoding.littleEndian;
  return {
    transferSyntaxUid: file.transferSyntaxUid,
    sopClassUid: text(Tags.SOPClassUID) ?? rawText(findElement(file.meta, Tags.MediaStorageSOPClassUID)),
    sopInstanceUid: text(Tags.SOPInstanceUID),
    studyInstanceUid: text(Tags.StudyInstanceUID),
    seriesInstanceUid: text(Tags.SeriesInstanceUID),
    modality: text(Tags.Modality),
    rows: readUnsigned(findElement(dataset, Tags.Rows), littleEndian),
    columns: readUnsigned(findElement(dataset, Tags.Columns), littleEndian),
    numberOfFrames: parseInteger(text(Tags.NumberOfFrames)),
    bodyPartExamined: text(Tags.BodyPartExamined),
    manufacturer: text(Tags.Manufacturer),
    manufacturerModelName: text(Tags.ManufacturerModelName),
    patientSex: text(Tags.PatientSex),
    patientAge: text(Tags.PatientAge),
    sliceThickness: parseDecimal(text(Tags.SliceThickness)),
    specificCharacterSet: textValues(findElement(dataset, Tags.SpecificCharacterSet)),
    hasPixelData: file.pixelDataOffset !== undefined,
    referencedSopInstanceUids: collectReferencedSopInstanceUids(dataset),
    has: (tag) => findElement(dataset, toTag(tag)) !== undefined || findElement(file.meta, toTag(tag)) !== undefined,
    hasValue: (tag) => nonEmpty(findElement(dataset, toTag(tag)) ?? findElement(file.meta, toTag(tag))),
    getString: (tag) => {
      const element = findElement(dataset, toTag(tag)) ?? findElement(file.meta, toTag(tag));
      const value = rawText(element);
      return value === undefined ? undefined : value.trim();
    },
    file,
  };
}

/**
 * Header-only scan: parses everything before top-level Pixel Data and stops. Throws DomainError with a
 * DicomErrorCode for non-DICOM, truncated or malformed input.
 */
export function scanDicomHeader(input: Buffer | Uint8Array | ByteSource): DicomHeader {
  const source = Buffer.isBuffer(input) || input instanceof Uint8Array ? bufferSource(input) : input;
  return summarizeHeader(parseDicom(source, { stopAtPixelData: true }));
}

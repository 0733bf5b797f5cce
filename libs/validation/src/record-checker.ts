import { joinJsonPointer, parseJsonPointer, RecordIssueCode, type ProtocolValidator } from '@imagora/protocols';
import { BoundedCounter } from './bounded-counter';
import { IdFingerprintSet } from './id-fingerprint-set';
import { IssueCode } from './issue-codes';
import type { IssueCollector } from './issue-collector';
import type { PendingRecordReference, ReferenceIndex } from './reference-index';

const RECORD_CODES: Record<RecordIssueCode, IssueCode> = {
  [RecordIssueCode.SCHEMA]: IssueCode.ANNOTATION_SCHEMA,
  [RecordIssueCode.UNKNOWN_LABEL]: IssueCode.ANNOTATION_UNKNOWN_LABEL,
  [RecordIssueCode.ODD_COORDINATES]: IssueCode.ANNOTATION_ODD_COORDINATES,
};

interface Pointer {
  readonly text: string;
  // RFC 6901 evaluation, with the array-index form of each token worked out once, not per record.
  read(value: unknown): unknown;
}

function pointer(text: string | undefined): Pointer | undefined {
  if (text === undefined) return undefined;
  const tokens = parseJsonPointer(text);
  if (tokens === undefined) return undefined;
  // RFC 6901 §4: an array index is decimal without leading zeros; -1 marks a token that is none.
  const indexes = tokens.map((token) => (/^(?:0|[1-9][0-9]*)$/.test(token) ? Number(token) : -1));
  // A record is parsed JSON, so its objects inherit from Object.prototype only: a token no prototype
  // property is named after is own whenever it reads as anything but undefined (JSON has no undefined),
  // and needs no hasOwnProperty call. Others ("constructor", "__proto__" …) keep the full check.
  const inherited = tokens.map((token) => token in Object.prototype);
  return {
    text,
    read(value: unknown): unknown {
      let current = value;
      for (let index = 0; index < tokens.length; index++) {
        if (current === null || typeof current !== 'object') return undefined;
        if (Array.isArray(current)) {
          if (indexes[index] < 0) return undefined;
          current = current[indexes[index]];
        } else if (!inherited[index]) {
          current = (current as Record<string, unknown>)[tokens[index]];
        } else {
          if (!Object.prototype.hasOwnProperty.call(current, tokens[index])) return undefined;
          current = (current as Record<string, unknown>)[tokens[index]];
        }
      }
      return current;
    },
  };
}

function topLevelProperties(schema: unknown): Record<string, unknown> {
  if (schema === null || typeof schema !== 'object') return {};
  const properties = (schema as Record<string, unknown>).properties;
  return properties !== null && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
}

/**
 * Checks one annotation record: the protocol's schema (through libs/protocols), its label, its id,
 * and its image reference (resolved now when the image is indexed, else kept compactly for later).
 */
export class RecordChecker {
  private readonly uid: Pointer;
  private readonly frame?: Pointer;
  private readonly label: Pointer;
  private readonly coordinates?: Pointer;
  // The annotation schema declares these at the top level: records carry an id / a reader.
  private readonly id?: Pointer;
  private readonly reader?: Pointer;
  private readonly ids = new IdFingerprintSet();
  readonly labels = new BoundedCounter();
  readonly readers = new BoundedCounter();
  records = 0;
  // Annotation files get their own small indexes for id packing, so packed values stay small integers.
  private readonly idFiles: string[] = [];
  private lastIdFile = -1;

  constructor(
    private readonly validator: ProtocolValidator,
    private readonly index: ReferenceIndex,
    private readonly issues: IssueCollector,
  ) {
    const references = validator.document.references;
    // The linter has checked these pointers; a malformed one would have refused the protocol.
    this.uid = pointer(references.sopInstanceUid)!;
    this.label = pointer(references.label)!;
    this.frame = pointer(references.frame);
    this.coordinates = pointer(references.coordinates);
    const properties = topLevelProperties(validator.document.annotation);
    if ('id' in properties) this.id = pointer('/id');
    if ('readerId' in properties) this.reader = pointer('/readerId');
    else if ('reader' in properties) this.reader = pointer('/reader');
  }

  check(record: unknown, file: string, fileId: number, line: number): void {
    this.records++;
    const result = this.validator.validateRecord(record);
    if (!result.valid) {
      for (const issue of result.issues) {
        const where = issue.keyword ? ` [${issue.keyword}]` : '';
        this.issues.add({ code: RECORD_CODES[issue.code], file, line, pointer: issue.instancePath, message: issue.code === RecordIssueCode.SCHEMA ? `${issue.instancePath || 'record'} ${issue.message}${where}` : issue.message });
      }
    }
    const label = this.label.read(record);
    if (typeof label === 'string') this.labels.add(label);
    if (this.reader) this.countReader(this.reader.read(record));
    if (this.id) this.checkId(this.id.read(record), file, line);
    this.checkReference(record, file, fileId, line, result.valid);
  }

  private countReader(reader: unknown): void {
    if (typeof reader === 'string' || typeof reader === 'number') this.readers.add(String(reader));
    else if (reader !== null && typeof reader === 'object') {
      const id = (reader as Record<string, unknown>).id ?? (reader as Record<string, unknown>).name;
      if (typeof id === 'string' || typeof id === 'number') this.readers.add(String(id));
    }
  }

  private checkId(id: unknown, file: string, line: number): void {
    if (typeof id !== 'string' && typeof id !== 'number') return;
    // One number per id: annotation-file index and line packed (exact up to 2^29 files of 16M lines).
    const first = this.ids.addOrGet(typeof id === 'string' ? id : String(id), typeof id === 'number', this.idFileIndex(file) * 0x1000000 + line);
    if (first < 0) return;
    const firstFile = this.idFiles[Math.floor(first / 0x1000000)];
    this.issues.add({
      code: IssueCode.ANNOTATION_DUPLICATE_ID,
      file,
      line,
      pointer: this.id!.text,
      message: `id ${JSON.stringify(id)} is already used at ${firstFile}:${first % 0x1000000}`,
    });
  }

  private idFileIndex(file: string): number {
    if (this.lastIdFile >= 0 && this.idFiles[this.lastIdFile] === file) return this.lastIdFile;
    let index = this.idFiles.lastIndexOf(file);
    if (index < 0) index = this.idFiles.push(file) - 1;
    this.lastIdFile = index;
    return index;
  }

  private checkReference(record: unknown, file: string, fileId: number, line: number, schemaValid: boolean): void {
    const uid = this.uid.read(record);
    if (typeof uid !== 'string' || uid.length === 0) {
      // A schema that requires the reference has already said so; do not say it twice.
      if (schemaValid) this.issues.add({ code: IssueCode.ANNOTATION_REFERENCE_MISSING, file, line, pointer: this.uid.text, message: `no SOP Instance UID at ${this.uid.text}` });
      return;
    }
    let frame = Number.NaN;
    if (this.frame) {
      const value = this.frame.read(record);
      if (value !== undefined) {
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1) frame = value;
        else if (schemaValid || typeof value === 'number') {
          this.issues.add({ code: IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE, file, line, pointer: this.frame.text, message: `frame ${JSON.stringify(value)} is not a 1-based frame number` });
        }
      }
    }
    let maxColumn = -1;
    let maxColumnIndex = -1;
    let maxRow = -1;
    let maxRowIndex = -1;
    if (this.coordinates) {
      const coordinates = this.coordinates.read(record);
      if (Array.isArray(coordinates)) {
        // An odd trailing number is ANNOTATION_ODD_COORDINATES already; the pairs before it are checked.
        const paired = coordinates.length - (coordinates.length % 2);
        for (let position = 0; position < paired; position++) {
          const value = coordinates[position];
          if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
            if (typeof value === 'number' || schemaValid) {
              this.issues.add({
                code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
                file,
                line,
                pointer: joinJsonPointer(this.coordinates.text, position),
                message: `${position % 2 === 0 ? 'column' : 'row'} ${JSON.stringify(value)} is not a coordinate in the image (must be a number ≥ 0)`,
              });
            }
            continue;
          }
          if (position % 2 === 0) {
            if (value > maxColumn) {
              maxColumn = value;
              maxColumnIndex = position;
            }
          } else if (value > maxRow) {
            maxRow = value;
            maxRowIndex = position;
          }
        }
      }
    }
    const reference: PendingRecordReference = { uid, file: fileId, line, frame, maxColumn, maxColumnIndex, maxRow, maxRowIndex };
    const image = this.index.instance(uid);
    if (image) this.resolve(reference, file, image);
    else this.index.pendRecord(reference);
  }

  /** Checks a reference against its indexed image; an unknown UID is ANNOTATION_IMAGE_NOT_FOUND. */
  resolve(reference: PendingRecordReference, file = this.index.filePath(reference.file), image = this.index.instance(reference.uid)): void {
    const { line } = reference;
    if (!image) {
      this.issues.add({ code: IssueCode.ANNOTATION_IMAGE_NOT_FOUND, file, line, pointer: this.uid.text, message: `SOP Instance UID ${reference.uid} is not in the dataset` });
      return;
    }
    if (this.frame && !Number.isNaN(reference.frame) && reference.frame > image.frames) {
      this.issues.add({
        code: IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE,
        file,
        line,
        pointer: this.frame.text,
        message: `frame ${reference.frame} is beyond the image's ${image.frames} frame(s)`,
      });
    }
    // Annotation objects (SEG, SR …) have no pixel grid of their own to check against.
    if (!this.coordinates || image.annotationObject) return;
    if (reference.maxColumnIndex >= 0 && image.columns > 0 && reference.maxColumn > image.columns) {
      this.issues.add({
        code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
        file,
        line,
        pointer: joinJsonPointer(this.coordinates.text, reference.maxColumnIndex),
        message: `column ${reference.maxColumn} is beyond the image's ${image.columns} columns`,
      });
    }
    if (reference.maxRowIndex >= 0 && image.rows > 0 && reference.maxRow > image.rows) {
      this.issues.add({
        code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
        file,
        line,
        pointer: joinJsonPointer(this.coordinates.text, reference.maxRowIndex),
        message: `row ${reference.maxRow} is beyond the image's ${image.rows} rows`,
      });
    }
  }
}

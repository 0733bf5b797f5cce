import { joinJsonPointer, parseJsonPointer, RecordIssueCode, type ProtocolDocument, type ProtocolValidator } from '@imagora/protocols';
import { IssueCode } from './issue-codes';
import { nestsDeeperThan } from './json-depth';
import type { LineSink } from './line-reader';
import { IssueStage, type RecordBatchWriter } from './record-batch';

// What one annotation record says, worked out from the record alone: its schema and shape issues, and
// the values the run-wide checks need (label, reader, id, image reference), written into a
// RecordBatch. No run state is touched, so this runs in the record worker thread as well as in the
// validator's own thread, with the same result; RecordChecker then applies each batch to the run (ids,
// references, counters) in record order.

const RECORD_CODES: Record<RecordIssueCode, IssueCode> = {
  [RecordIssueCode.SCHEMA]: IssueCode.ANNOTATION_SCHEMA,
  [RecordIssueCode.UNKNOWN_LABEL]: IssueCode.ANNOTATION_UNKNOWN_LABEL,
  [RecordIssueCode.ODD_COORDINATES]: IssueCode.ANNOTATION_ODD_COORDINATES,
};

export interface RecordPointers {
  readonly uid: Pointer;
  readonly label: Pointer;
  readonly frame?: Pointer;
  readonly coordinates?: Pointer;
  // The annotation schema declares these at the top level: records carry an id / a reader.
  readonly id?: Pointer;
  readonly reader?: Pointer;
}

export interface Pointer {
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



/** The pointers a protocol declares (the linter has checked them: a malformed one refused the protocol). */
export function recordPointers(document: ProtocolDocument): RecordPointers {
  const references = document.references;
  const properties = topLevelProperties(document.annotation);
  return {
    uid: pointer(references.sopInstanceUid)!,
    label: pointer(references.label)!,
    frame: pointer(references.frame),
    coordinates: pointer(references.coordinates),
    id: 'id' in properties ? pointer('/id') : undefined,
    reader: 'readerId' in properties ? pointer('/readerId') : 'reader' in properties ? pointer('/reader') : undefined,
  };
}

function readerKey(reader: unknown): string | undefined {
  if (typeof reader === 'string' || typeof reader === 'number') return String(reader);
  if (reader !== null && typeof reader === 'object') {
    const id = (reader as Record<string, unknown>).id ?? (reader as Record<string, unknown>).name;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return undefined;
}

/** Works out a record's facts: the protocol's schema (through libs/protocols), then its pointers. */
export class RecordExtractor {
  readonly pointers: RecordPointers;

  constructor(private readonly validator: ProtocolValidator) {
    this.pointers = recordPointers(validator.document);
  }

  extract(record: unknown, line: number, out: RecordBatchWriter): void {
    const result = this.validator.validateRecord(record);
    const event = out.beginRecord(line);
    if (!result.valid) {
      for (const issue of result.issues) {
        const where = issue.keyword ? ` [${issue.keyword}]` : '';
        const message = issue.code === RecordIssueCode.SCHEMA ? `${issue.instancePath || 'record'} ${issue.message}${where}` : issue.message;
        out.issue(event, IssueStage.Schema, { code: RECORD_CODES[issue.code], line, pointer: issue.instancePath, message });
      }
    }
    const { pointers } = this;
    const label = pointers.label.read(record);
    if (typeof label === 'string') out.setLabel(event, label);
    const reader = pointers.reader ? readerKey(pointers.reader.read(record)) : undefined;
    if (reader !== undefined) out.setReader(event, reader);
    const id = pointers.id?.read(record);
    if (typeof id === 'string') out.setId(event, id, false);
    else if (typeof id === 'number') out.setId(event, String(id), true);
    this.extractReference(record, event, line, out, result.valid);
    out.endRecord(event);
  }

  private extractReference(record: unknown, event: number, line: number, out: RecordBatchWriter, schemaValid: boolean): void {
    const { pointers } = this;
    const uid = pointers.uid.read(record);
    if (typeof uid !== 'string' || uid.length === 0) {
      // A schema that requires the reference has already said so; do not say it twice.
      if (schemaValid) out.issue(event, IssueStage.Reference, { code: IssueCode.ANNOTATION_REFERENCE_MISSING, line, pointer: pointers.uid.text, message: `no SOP Instance UID at ${pointers.uid.text}` });
      return;
    }
    out.setUid(event, uid);
    if (pointers.frame) {
      const value = pointers.frame.read(record);
      if (value !== undefined) {
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1) out.setFrame(event, value);
        else if (schemaValid || typeof value === 'number') {
          out.issue(event, IssueStage.Reference, { code: IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE, line, pointer: pointers.frame.text, message: `frame ${JSON.stringify(value)} is not a 1-based frame number` });
        }
      }
    }
    if (pointers.coordinates) {
      const coordinates = pointers.coordinates.read(record);
      if (Array.isArray(coordinates)) {
        let maxColumn = -1;
        let maxColumnIndex = -1;
        let maxRow = -1;
        let maxRowIndex = -1;
        // An odd trailing number is ANNOTATION_ODD_COORDINATES already; the pairs before it are checked.
        const paired = coordinates.length - (coordinates.length % 2);
        for (let position = 0; position < paired; position++) {
          const value = coordinates[position];
          if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
            if (typeof value === 'number' || schemaValid) {
              out.issue(event, IssueStage.Reference, {
                code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
                line,
                pointer: joinJsonPointer(pointers.coordinates.text, position),
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
        if (maxColumnIndex >= 0) out.setMaxColumn(event, maxColumn, maxColumnIndex);
        if (maxRowIndex >= 0) out.setMaxRow(event, maxRow, maxRowIndex);
      }
    }
  }
}

/**
 * The NDJSON line rules (UTF-8, BOM, blank lines, JSON syntax, depth) as a LineSink: each line that is
 * not blank becomes one event of the batch.
 */
export class NdjsonRecordLines implements LineSink {
  constructor(
    private readonly extractor: RecordExtractor,
    private readonly maxLineBytes: number,
    private readonly maxRecordDepth: number,
    readonly out: RecordBatchWriter,
  ) {}

  line(decoded: string | undefined, line: number): void {
    if (decoded === undefined) {
      this.out.lineIssue({ code: IssueCode.ANNOTATION_INVALID_UTF8, line, message: 'line is not valid UTF-8' });
      return;
    }
    const text = line === 1 && decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
    if (text.length === 0 || (text.charCodeAt(0) !== 0x7b && text.trim().length === 0)) return; // blank lines are allowed
    let record: unknown;
    try {
      // V8's JSON.parse is not recursive: a 100,000-deep line parses; the depth check below keeps
      // it away from ajv (recursive for recursive schemas) and from every walker after it.
      record = JSON.parse(text);
    } catch (error) {
      this.out.lineIssue({ code: IssueCode.ANNOTATION_JSON_SYNTAX, line, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    if (nestsDeeperThan(record, this.maxRecordDepth)) {
      this.out.lineIssue({ code: IssueCode.ANNOTATION_TOO_DEEP, line, message: `record nests deeper than ${this.maxRecordDepth} levels; not validated` });
      return;
    }
    this.extractor.extract(record, line, this.out);
  }

  tooLong(line: number, size: number): void {
    this.out.lineIssue({ code: IssueCode.ANNOTATION_LINE_TOO_LONG, line, message: `line is ${size} bytes; the limit is ${this.maxLineBytes} (skipped unread)` });
  }
}

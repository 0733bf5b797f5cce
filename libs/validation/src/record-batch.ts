import { MAX_COUNTED_KEY_LENGTH, MAX_COUNTED_KEYS } from './bounded-counter';
import { fingerprint } from './fingerprint';
import type { IssueCode } from './issue-codes';

// The facts of a run of annotation records (one chunk of an NDJSON file, or a JSON array), in columns:
// typed arrays and one string per batch, so a batch crosses from the record worker to the validator's
// thread as a handful of buffers, not a million small objects (whose structured clone costs more than
// the parsing it saves). Ids and UIDs travel as fingerprints; their text only for the rare message
// that quotes them. Labels and readers travel as dictionary ids.

/** An issue of one record or line; the file is the one being read. Plain data (crosses threads). */
export interface LineIssue {
  readonly code: IssueCode;
  readonly line: number;
  readonly pointer?: string;
  readonly message: string;
}

export const HAS_LABEL = 1;
export const HAS_READER = 2;
export const HAS_ID = 4;
export const ID_IS_NUMBER = 8;
export const HAS_UID = 16;
// A line that is not a record of the schema (invalid UTF-8, too long, not JSON, too deep): its issue only.
export const LINE_ONLY = 32;

/** Where an issue is reported among its record's checks (the order the in-thread checks had). */
export enum IssueStage {
  // Instead of a record (LINE_ONLY).
  Line = 0,
  // Schema, label and coordinate-pairing issues: before the id check.
  Schema = 1,
  // Reference-shape issues (missing UID, bad frame, bad coordinate): after the id check.
  Reference = 2,
}

export interface BatchIssue {
  readonly event: number;
  readonly stage: IssueStage;
  readonly issue: LineIssue;
}

export interface RecordBatch {
  readonly count: number;
  readonly flags: Uint8Array;
  readonly line: Int32Array;
  readonly label: Int32Array;
  readonly reader: Int32Array;
  // Fingerprints: [a, b] per event.
  readonly idPrint: Int32Array;
  readonly uidPrint: Int32Array;
  // NaN when the record gives no frame.
  readonly frame: Float64Array;
  // Largest column/row coordinate and its index in the coordinate array; -1 when there is none.
  readonly maxColumn: Float64Array;
  readonly maxRow: Float64Array;
  readonly maxColumnIndex: Int32Array;
  readonly maxRowIndex: Int32Array;
  // The id and the UID of event i are text.slice(textStart[2i], textStart[2i+1]) and
  // text.slice(textStart[2i+1], textStart[2i+2]).
  readonly text: string;
  readonly textStart: Int32Array;
  readonly issues: BatchIssue[];
  // Dictionary entries first used in this batch; their ids continue the writer's numbering.
  readonly newLabels: string[];
  readonly newReaders: string[];
  readonly spilledKeys: string[];
}

/** The key a dictionary id stands for: a dictionary entry, OTHER_ENTRY, or a spilled key's text. */
export function spilledKey(batch: RecordBatch, id: number): string | undefined {
  return id <= SPILLED ? batch.spilledKeys[SPILLED - id] : undefined;
}

/** The id of a key too long to be counted under its own name (the counter counts it under OTHER_KEY). */
export const OTHER_ENTRY = -1;
// Ids below OTHER_ENTRY: a key past the dictionary's cap, sent as text (batch.spilledKeys[OTHER_ENTRY - 1 - id]);
// the summary's counter decides where it counts, since it may know the key from another source.
const SPILLED = OTHER_ENTRY - 1;

class Dictionary {
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];

  constructor(private readonly spill: string[]) {}

  id(key: string): number {
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    if (key.length > MAX_COUNTED_KEY_LENGTH) return OTHER_ENTRY;
    if (this.ids.size >= MAX_COUNTED_KEYS) return SPILLED - (this.spill.push(key) - 1);
    const id = this.ids.size;
    this.ids.set(key, id);
    this.fresh.push(key);
    return id;
  }

  takeFresh(): string[] {
    const fresh = this.fresh;
    this.fresh = [];
    return fresh;
  }
}

const INITIAL_CAPACITY = 1024;

/** Fills batches; one writer per source of batches (its dictionaries span all its batches). */
export class RecordBatchWriter {
  private capacity = INITIAL_CAPACITY;
  private count = 0;
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private line = new Int32Array(INITIAL_CAPACITY);
  private label = new Int32Array(INITIAL_CAPACITY);
  private reader = new Int32Array(INITIAL_CAPACITY);
  private idPrint = new Int32Array(INITIAL_CAPACITY * 2);
  private uidPrint = new Int32Array(INITIAL_CAPACITY * 2);
  private frame = new Float64Array(INITIAL_CAPACITY);
  private maxColumn = new Float64Array(INITIAL_CAPACITY);
  private maxRow = new Float64Array(INITIAL_CAPACITY);
  private maxColumnIndex = new Int32Array(INITIAL_CAPACITY);
  private maxRowIndex = new Int32Array(INITIAL_CAPACITY);
  private textStart = new Int32Array(INITIAL_CAPACITY * 2 + 1);
  private textParts: string[] = [];
  private textLength = 0;
  private issues: BatchIssue[] = [];
  private spilledKeys: string[] = [];
  private readonly labels = new Dictionary(this.spilledKeys);
  private readonly readers = new Dictionary(this.spilledKeys);

  get size(): number {
    return this.count;
  }

  private ensureRoom(): void {
    if (this.count < this.capacity) return;
    const capacity = this.capacity * 2;
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(array: T, size: number): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.flags = grow(this.flags, capacity);
    this.line = grow(this.line, capacity);
    this.label = grow(this.label, capacity);
    this.reader = grow(this.reader, capacity);
    this.idPrint = grow(this.idPrint, capacity * 2);
    this.uidPrint = grow(this.uidPrint, capacity * 2);
    this.frame = grow(this.frame, capacity);
    this.maxColumn = grow(this.maxColumn, capacity);
    this.maxRow = grow(this.maxRow, capacity);
    this.maxColumnIndex = grow(this.maxColumnIndex, capacity);
    this.maxRowIndex = grow(this.maxRowIndex, capacity);
    this.textStart = grow(this.textStart, capacity * 2 + 1);
    this.capacity = capacity;
  }

  private pushText(text: string): void {
    this.textParts.push(text);
    this.textLength += text.length;
  }

  /** A line with only an issue (it is counted as a record line, not as a checked record). */
  lineIssue(issue: LineIssue): void {
    this.ensureRoom();
    const event = this.count++;
    this.flags[event] = LINE_ONLY;
    this.line[event] = issue.line;
    this.textStart[event * 2 + 1] = this.textLength;
    this.textStart[event * 2 + 2] = this.textLength;
    this.issues.push({ event, stage: IssueStage.Line, issue });
  }

  /** Starts a record's event; the set* calls below fill it. Returns its position. */
  beginRecord(line: number): number {
    this.ensureRoom();
    const event = this.count++;
    this.flags[event] = 0;
    this.line[event] = line;
    this.frame[event] = Number.NaN;
    this.maxColumn[event] = -1;
    this.maxRow[event] = -1;
    this.maxColumnIndex[event] = -1;
    this.maxRowIndex[event] = -1;
    return event;
  }

  issue(event: number, stage: IssueStage, issue: LineIssue): void {
    this.issues.push({ event, stage, issue });
  }

  setLabel(event: number, label: string): void {
    this.flags[event] |= HAS_LABEL;
    this.label[event] = this.labels.id(label);
  }

  setReader(event: number, reader: string): void {
    this.flags[event] |= HAS_READER;
    this.reader[event] = this.readers.id(reader);
  }

  /** The id must be set before the UID, and both (or neither) once per record: their text is appended in order. */
  setId(event: number, id: string, isNumber: boolean): void {
    this.flags[event] |= HAS_ID | (isNumber ? ID_IS_NUMBER : 0);
    const print = fingerprint(id, isNumber);
    this.idPrint[event * 2] = print[0];
    this.idPrint[event * 2 + 1] = print[1];
    this.pushText(id);
  }

  setUid(event: number, uid: string): void {
    this.flags[event] |= HAS_UID;
    this.textStart[event * 2 + 1] = this.textLength;
    const print = fingerprint(uid);
    this.uidPrint[event * 2] = print[0];
    this.uidPrint[event * 2 + 1] = print[1];
    this.pushText(uid);
  }

  setFrame(event: number, frame: number): void {
    this.frame[event] = frame;
  }

  setMaxColumn(event: number, value: number, index: number): void {
    this.maxColumn[event] = value;
    this.maxColumnIndex[event] = index;
  }

  setMaxRow(event: number, value: number, index: number): void {
    this.maxRow[event] = value;
    this.maxRowIndex[event] = index;
  }

  /** Closes a record: marks where its texts end. */
  endRecord(event: number): void {
    if ((this.flags[event] & HAS_UID) === 0) this.textStart[event * 2 + 1] = this.textLength;
    this.textStart[event * 2 + 2] = this.textLength;
  }

  /** The batch so far (copies of the used part of each column); the writer starts a new one. */
  take(): RecordBatch {
    const n = this.count;
    const batch: RecordBatch = {
      count: n,
      flags: this.flags.slice(0, n),
      line: this.line.slice(0, n),
      label: this.label.slice(0, n),
      reader: this.reader.slice(0, n),
      idPrint: this.idPrint.slice(0, n * 2),
      uidPrint: this.uidPrint.slice(0, n * 2),
      frame: this.frame.slice(0, n),
      maxColumn: this.maxColumn.slice(0, n),
      maxRow: this.maxRow.slice(0, n),
      maxColumnIndex: this.maxColumnIndex.slice(0, n),
      maxRowIndex: this.maxRowIndex.slice(0, n),
      text: this.textParts.join(''),
      textStart: this.textStart.slice(0, n * 2 + 1),
      issues: this.issues,
      newLabels: this.labels.takeFresh(),
      newReaders: this.readers.takeFresh(),
      spilledKeys: this.spilledKeys.splice(0),
    };
    this.count = 0;
    this.textParts = [];
    this.textLength = 0;
    this.textStart[0] = 0;
    this.issues = [];
    return batch;
  }
}

/** The buffers of a batch, to transfer rather than copy between threads. */
export function batchTransferList(batch: RecordBatch): ArrayBuffer[] {
  // Every typed-array column, whichever there are: a column added later is transferred, not copied.
  return Object.values(batch)
    .filter((value): value is ArrayBufferView => ArrayBuffer.isView(value))
    .map((array) => array.buffer as ArrayBuffer);
}

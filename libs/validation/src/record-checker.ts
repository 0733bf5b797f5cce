import { joinJsonPointer } from '@imagora/protocols';
import { BoundedCounter, OTHER_KEY } from './bounded-counter';
import { IdFingerprintSet } from './id-fingerprint-set';
import { IssueCode } from './issue-codes';
import type { IssueCollector } from './issue-collector';
import { HAS_ID, HAS_LABEL, HAS_READER, HAS_UID, ID_IS_NUMBER, IssueStage, LINE_ONLY, OTHER_ENTRY, spilledKey, type LineIssue, type RecordBatch } from './record-batch';
import type { RecordPointers } from './record-extractor';
import type { InstanceInfo, PendingRecordReference, ReferenceIndex } from './reference-index';

/** The dictionary of one batch source, as counter cells (ids index them; see RecordBatch). */
export class BatchSource {
  readonly labelCells: { count: number }[] = [];
  readonly readerCells: { count: number }[] = [];
}

/**
 * Applies the facts of annotation records (RecordBatch, from RecordExtractor) to the run, in record
 * order: their issues, the label and reader counts, duplicate ids across every annotation file, and
 * image references (resolved now when the image is indexed, else kept compactly for later).
 */
export class RecordChecker {
  private readonly ids = new IdFingerprintSet();
  readonly labels = new BoundedCounter();
  readonly readers = new BoundedCounter();
  records = 0;
  // Annotation files get their own small indexes for id packing, so packed values stay small integers.
  private readonly idFiles: string[] = [];
  private lastIdFile = -1;

  constructor(
    private readonly pointers: RecordPointers,
    private readonly index: ReferenceIndex,
    private readonly issues: IssueCollector,
  ) {}

  applyBatch(batch: RecordBatch, source: BatchSource, file: string, fileId: number): void {
    for (const key of batch.newLabels) source.labelCells.push(this.labels.cell(key));
    for (const key of batch.newReaders) source.readerCells.push(this.readers.cell(key));
    const { flags, issues } = batch;
    let nextIssue = 0;
    const idFile = this.idFileIndex(file) * 0x1000000;
    for (let event = 0; event < batch.count; event++) {
      const flag = flags[event];
      if (flag & LINE_ONLY) {
        this.addIssue(issues[nextIssue++].issue, file);
        continue;
      }
      this.records++;
      while (nextIssue < issues.length && issues[nextIssue].event === event && issues[nextIssue].stage === IssueStage.Schema) this.addIssue(issues[nextIssue++].issue, file);
      if (flag & HAS_LABEL) this.countKey(this.labels, source.labelCells, batch, batch.label[event]);
      if (flag & HAS_READER) this.countKey(this.readers, source.readerCells, batch, batch.reader[event]);
      const line = batch.line[event];
      if (flag & HAS_ID) {
        // One number per id: annotation-file index and line packed (exact up to 2^29 files of 16M lines).
        const first = this.ids.addOrGet(batch.idPrint[event * 2], batch.idPrint[event * 2 + 1], idFile + line);
        if (first >= 0) {
          const id = batch.text.slice(batch.textStart[event * 2], batch.textStart[event * 2 + 1]);
          this.duplicateId(id, (flag & ID_IS_NUMBER) !== 0, first, file, line);
        }
      }
      while (nextIssue < issues.length && issues[nextIssue].event === event) this.addIssue(issues[nextIssue++].issue, file);
      if ((flag & HAS_UID) === 0) continue;
      const reference = {
        line,
        frame: batch.frame[event],
        maxColumn: batch.maxColumn[event],
        maxColumnIndex: batch.maxColumnIndex[event],
        maxRow: batch.maxRow[event],
        maxRowIndex: batch.maxRowIndex[event],
      };
      const image = this.index.instanceByFingerprint(batch.uidPrint[event * 2], batch.uidPrint[event * 2 + 1]);
      if (image) this.check(reference, file, image);
      else this.index.pendRecord({ ...reference, uid: batch.text.slice(batch.textStart[event * 2 + 1], batch.textStart[event * 2 + 2]), file: fileId });
    }
  }

  private countKey(counter: BoundedCounter, cells: { count: number }[], batch: RecordBatch, id: number): void {
    if (id >= 0) cells[id].count++;
    else counter.cell(id === OTHER_ENTRY ? OTHER_KEY : spilledKey(batch, id)!).count++;
  }

  private addIssue(issue: LineIssue, file: string): void {
    this.issues.add({ code: issue.code, file, line: issue.line, pointer: issue.pointer, message: issue.message });
  }

  private duplicateId(id: string, isNumber: boolean, first: number, file: string, line: number): void {
    const firstFile = this.idFiles[Math.floor(first / 0x1000000)];
    this.issues.add({
      code: IssueCode.ANNOTATION_DUPLICATE_ID,
      file,
      line,
      pointer: this.pointers.id!.text,
      message: `id ${isNumber ? id : JSON.stringify(id)} is already used at ${firstFile}:${first % 0x1000000}`,
    });
  }

  private idFileIndex(file: string): number {
    if (this.lastIdFile >= 0 && this.idFiles[this.lastIdFile] === file) return this.lastIdFile;
    let index = this.idFiles.lastIndexOf(file);
    if (index < 0) index = this.idFiles.push(file) - 1;
    this.lastIdFile = index;
    return index;
  }

  /** Resolves a reference kept for later; an unknown UID is ANNOTATION_IMAGE_NOT_FOUND. */
  resolve(reference: PendingRecordReference, file: string): void {
    const image = this.index.instance(reference.uid);
    if (image) this.check(reference, file, image);
    else this.issues.add({ code: IssueCode.ANNOTATION_IMAGE_NOT_FOUND, file, line: reference.line, pointer: this.pointers.uid.text, message: `SOP Instance UID ${reference.uid} is not in the dataset` });
  }

  /** Checks a reference against its image: frame and coordinates. */
  private check(reference: Omit<PendingRecordReference, 'uid' | 'file'>, file: string, image: InstanceInfo): void {
    const { line } = reference;
    const { frame, coordinates } = this.pointers;
    if (frame && !Number.isNaN(reference.frame) && reference.frame > image.frames) {
      this.issues.add({
        code: IssueCode.ANNOTATION_FRAME_OUT_OF_RANGE,
        file,
        line,
        pointer: frame.text,
        message: `frame ${reference.frame} is beyond the image's ${image.frames} frame(s)`,
      });
    }
    // Annotation objects (SEG, SR …) have no pixel grid of their own to check against.
    if (!coordinates || image.annotationObject) return;
    if (reference.maxColumnIndex >= 0 && image.columns > 0 && reference.maxColumn > image.columns) {
      this.issues.add({
        code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
        file,
        line,
        pointer: joinJsonPointer(coordinates.text, reference.maxColumnIndex),
        message: `column ${reference.maxColumn} is beyond the image's ${image.columns} columns`,
      });
    }
    if (reference.maxRowIndex >= 0 && image.rows > 0 && reference.maxRow > image.rows) {
      this.issues.add({
        code: IssueCode.ANNOTATION_COORDINATE_OUT_OF_BOUNDS,
        file,
        line,
        pointer: joinJsonPointer(coordinates.text, reference.maxRowIndex),
        message: `row ${reference.maxRow} is beyond the image's ${image.rows} rows`,
      });
    }
  }
}

import { fingerprint } from './fingerprint';
import { IdFingerprintSet } from './id-fingerprint-set';

// What the validator remembers between files, kept compact so 100,000 images and 1,000,000 records
// fit in a few tens of MB: one small object per SOP Instance UID, and the references that could not
// be resolved yet (their image may come later in the stream) in typed-array columns.

export interface InstanceInfo {
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  // Index into the file table (for "first seen in" messages).
  readonly file: number;
  readonly annotationObject: boolean;
}

class GrowingInt32 {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

class GrowingFloat64 {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
}

/** A record's reference whose image was not indexed when the record was read. */
export interface PendingRecordReference {
  readonly uid: string;
  readonly file: number;
  readonly line: number;
  // NaN when the record gives no frame.
  readonly frame: number;
  // Largest column/row coordinate and its index in the coordinate array; -1 when there is none.
  readonly maxColumn: number;
  readonly maxColumnIndex: number;
  readonly maxRow: number;
  readonly maxRowIndex: number;
}

export class ReferenceIndex {
  // SOP Instance UID fingerprint → position in instanceInfos.
  private readonly instanceIds = new IdFingerprintSet();
  private readonly instanceInfos: InstanceInfo[] = [];
  private readonly fileTable: string[] = [];
  private readonly fileIds = new Map<string, number>();
  // UIDs of pending references, interned: many records name the same image.
  private readonly pendingUids: string[] = [];
  private readonly pendingUidIds = new Map<string, number>();
  private readonly recordColumns = {
    uid: new GrowingInt32(),
    file: new GrowingInt32(),
    line: new GrowingInt32(),
    maxColumnIndex: new GrowingInt32(),
    maxRowIndex: new GrowingInt32(),
    frame: new GrowingFloat64(),
    maxColumn: new GrowingFloat64(),
    maxRow: new GrowingFloat64(),
  };
  private readonly objectColumns = { uid: new GrowingInt32(), file: new GrowingInt32() };

  get instanceCount(): number {
    return this.instanceInfos.length;
  }

  get pendingCount(): number {
    return this.recordColumns.uid.length + this.objectColumns.uid.length;
  }

  fileId(path: string): number {
    let id = this.fileIds.get(path);
    if (id === undefined) {
      id = this.fileTable.length;
      this.fileTable.push(path);
      this.fileIds.set(path, id);
    }
    return id;
  }

  filePath(id: number): string {
    return this.fileTable[id];
  }

  /** Indexes an instance; returns the one already indexed under this UID instead, if any. */
  addInstance(uid: string, info: InstanceInfo): InstanceInfo | undefined {
    const print = fingerprint(uid);
    const existing = this.instanceIds.addOrGet(print[0], print[1], this.instanceInfos.length);
    if (existing >= 0) return this.instanceInfos[existing];
    this.instanceInfos.push(info);
    return undefined;
  }

  instance(uid: string): InstanceInfo | undefined {
    const print = fingerprint(uid);
    return this.instanceByFingerprint(print[0], print[1]);
  }

  instanceByFingerprint(a: number, b: number): InstanceInfo | undefined {
    const position = this.instanceIds.get(a, b);
    return position < 0 ? undefined : this.instanceInfos[position];
  }

  private internPending(uid: string): number {
    let id = this.pendingUidIds.get(uid);
    if (id === undefined) {
      id = this.pendingUids.length;
      this.pendingUids.push(uid);
      this.pendingUidIds.set(uid, id);
    }
    return id;
  }

  pendRecord(reference: PendingRecordReference): void {
    const columns = this.recordColumns;
    columns.uid.push(this.internPending(reference.uid));
    columns.file.push(reference.file);
    columns.line.push(reference.line);
    columns.frame.push(reference.frame);
    columns.maxColumn.push(reference.maxColumn);
    columns.maxColumnIndex.push(reference.maxColumnIndex);
    columns.maxRow.push(reference.maxRow);
    columns.maxRowIndex.push(reference.maxRowIndex);
  }

  pendObjectReference(uid: string, file: number): void {
    this.objectColumns.uid.push(this.internPending(uid));
    this.objectColumns.file.push(file);
  }

  /** Replays pending record references in the order they were read. */
  *pendingRecords(): Generator<PendingRecordReference> {
    const c = this.recordColumns;
    for (let index = 0; index < c.uid.length; index++) {
      yield {
        uid: this.pendingUids[c.uid.data[index]],
        file: c.file.data[index],
        line: c.line.data[index],
        frame: c.frame.data[index],
        maxColumn: c.maxColumn.data[index],
        maxColumnIndex: c.maxColumnIndex.data[index],
        maxRow: c.maxRow.data[index],
        maxRowIndex: c.maxRowIndex.data[index],
      };
    }
  }

  *pendingObjectReferences(): Generator<{ uid: string; file: number }> {
    const c = this.objectColumns;
    for (let index = 0; index < c.uid.length; index++) yield { uid: this.pendingUids[c.uid.data[index]], file: c.file.data[index] };
  }
}

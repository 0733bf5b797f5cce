import { BulkRange, DicomElement, DicomItem } from './dicom-dataset';
import { Tags, isGroupLength, tagGroup } from './dicom-tag';
import { LONG_LENGTH_VRS } from './dicom-vr';
import { TransferSyntaxEncoding } from './transfer-syntax';
import { deflateRawSync } from 'node:zlib';

// Writes a DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, "DICM", file meta in explicit VR LE with a
// recomputed (0002,0000) group length, then the data set in its transfer syntax. Values are written as the
// raw bytes the parser kept; sequences and items are written with undefined length (PS3.5 7.5.2), which needs
// no length bookkeeping and is valid in every transfer syntax. Top-level pixel data is emitted as a byte range
// of the source so the caller can stream it: never decoded, never re-fragmented.

/** The output of the writer: buffers and verbatim ranges of the input, in order. */
export type OutputChunk = Buffer | BulkRange;

export function isBulkRange(chunk: OutputChunk): chunk is BulkRange {
  return !Buffer.isBuffer(chunk);
}

class ChunkWriter {
  readonly chunks: OutputChunk[] = [];
  private parts: Buffer[] = [];
  private partsLength = 0;

  constructor(private readonly littleEndian: boolean) {}

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.partsLength += buffer.length;
  }

  header(tag: number, vr: string | undefined, length: number, explicitVr: boolean): void {
    const long = vr !== undefined && LONG_LENGTH_VRS.has(vr);
    const size = !explicitVr || vr === undefined ? 8 : long ? 12 : 8;
    const head = Buffer.alloc(size);
    const group = tagGroup(tag);
    const element = tag & 0xffff;
    if (this.littleEndian) {
      head.writeUInt16LE(group, 0);
      head.writeUInt16LE(element, 2);
    } else {
      head.writeUInt16BE(group, 0);
      head.writeUInt16BE(element, 2);
    }
    if (!explicitVr || vr === undefined) {
      if (this.littleEndian) head.writeUInt32LE(length >>> 0, 4);
      else head.writeUInt32BE(length >>> 0, 4);
    } else {
      head.write(vr, 4, 'latin1');
      if (long) {
        if (this.littleEndian) head.writeUInt32LE(length >>> 0, 8);
        else head.writeUInt32BE(length >>> 0, 8);
      } else if (this.littleEndian) head.writeUInt16LE(length, 6);
      else head.writeUInt16BE(length, 6);
    }
    this.push(head);
  }

  range(range: BulkRange): void {
    this.flush();
    this.chunks.push(range);
  }

  flush(): void {
    if (this.partsLength > 0) {
      this.chunks.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength));
      this.parts = [];
      this.partsLength = 0;
    }
  }
}

const UNDEFINED = 0xffffffff;

function writeItem(writer: ChunkWriter, item: DicomItem, explicitVr: boolean): void {
  for (const element of item) writeElement(writer, element, explicitVr);
}

function writeElement(writer: ChunkWriter, element: DicomElement, explicitVr: boolean): void {
  if (element.items) {
    writer.header(element.tag, 'SQ', UNDEFINED, explicitVr);
    for (const item of element.items) {
      writer.header(Tags.Item, undefined, UNDEFINED, explicitVr);
      writeItem(writer, item, explicitVr);
      writer.header(Tags.ItemDelimitationItem, undefined, 0, explicitVr);
    }
    writer.header(Tags.SequenceDelimitationItem, undefined, 0, explicitVr);
    return;
  }
  if (element.bulk) {
    const length = element.encapsulated ? UNDEFINED : element.bulk.end - element.bulk.start;
    writer.header(element.tag, element.vr, length, explicitVr);
    writer.range(element.bulk);
    return;
  }
  const value = element.value ?? Buffer.alloc(0);
  if (element.encapsulated) {
    // Nested encapsulated pixel data keeps its items and delimiter inside `value`.
    writer.header(element.tag, element.vr, UNDEFINED, explicitVr);
  } else {
    // A short-length VR cannot hold more than 64 KiB; write such a value as UN rather than corrupt it.
    const vr = explicitVr && !LONG_LENGTH_VRS.has(element.vr) && value.length > 0xffff ? 'UN' : element.vr;
    writer.header(element.tag, vr, value.length, explicitVr);
  }
  writer.push(value);
}

export interface WriteInput {
  readonly meta: DicomItem;
  readonly dataset: DicomItem;
  readonly encoding: TransferSyntaxEncoding;
}

/** Encodes the file meta group with a recomputed group length (PS3.10 7.1). */
export function encodeFileMeta(meta: DicomItem): Buffer {
  const body = new ChunkWriter(true);
  for (const element of meta) {
    if (isGroupLength(element.tag)) continue;
    writeElement(body, element, true);
  }
  body.flush();
  const content = Buffer.concat(body.chunks as Buffer[]);
  const groupLength = new ChunkWriter(true);
  groupLength.header(Tags.FileMetaInformationGroupLength, 'UL', 4, true);
  const value = Buffer.alloc(4);
  value.writeUInt32LE(content.length, 0);
  groupLength.push(value);
  groupLength.flush();
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), ...(groupLength.chunks as Buffer[]), content]);
}

/** Encodes a Part 10 file as chunks; bulk pixel data stays a range of its source. */
export function writeDicom(input: WriteInput): OutputChunk[] {
  const head = encodeFileMeta(input.meta);
  const writer = new ChunkWriter(input.encoding.littleEndian);
  writeItem(writer, input.dataset, input.encoding.explicitVr);
  writer.flush();
  if (input.encoding.deflated) {
    // PS3.5 A.5: the whole data set is deflated, so ranges are materialised first (deflated files are small).
    const plain = chunksToBuffer(writer.chunks);
    return [head, deflateRawSync(plain)];
  }
  return [head, ...writer.chunks];
}

/** Concatenates chunks into one buffer (reads bulk ranges from their sources). */
export function chunksToBuffer(chunks: OutputChunk[]): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of chunks) {
    if (isBulkRange(chunk)) parts.push(Buffer.from(chunk.source.read(chunk.start, chunk.end - chunk.start)));
    else parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Total size in bytes of the written file. */
export function chunksLength(chunks: OutputChunk[]): number {
  return chunks.reduce((total, chunk) => total + (isBulkRange(chunk) ? chunk.end - chunk.start : chunk.length), 0);
}


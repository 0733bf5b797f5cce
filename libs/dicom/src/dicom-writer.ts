import { BulkRange, ByteSource, DicomElement, DicomItem } from './dicom-dataset';
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

const INITIAL_BUFFER = 16 << 10;
/** A size hint beyond this is not trusted: the buffer grows from here as needed. */
const MAX_HINTED_BUFFER = 16 << 20;

class ChunkWriter {
  readonly chunks: OutputChunk[] = [];
  // Headers and values are copied into one growing buffer (one allocation per few dozen KiB, not two per
  // element); a bulk range closes the current buffer so it can be streamed from its source.
  private buffer: Buffer;
  private used = 0;
  private flushedAt = 0;

  constructor(
    private readonly littleEndian: boolean,
    initialSize = INITIAL_BUFFER,
  ) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private reserve(length: number): void {
    if (this.used + length <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + length));
    this.buffer.copy(grown, 0, this.flushedAt, this.used);
    this.used -= this.flushedAt;
    this.flushedAt = 0;
    this.buffer = grown;
  }

  push(buffer: Buffer): void {
    this.reserve(buffer.length);
    this.buffer.set(buffer, this.used);
    this.used += buffer.length;
  }

  header(tag: number, vr: string | undefined, length: number, explicitVr: boolean): void {
    const long = vr !== undefined && LONG_LENGTH_VRS.has(vr);
    const size = !explicitVr || vr === undefined ? 8 : long ? 12 : 8;
    this.reserve(size);
    const head = this.buffer;
    const at = this.used;
    const group = tagGroup(tag);
    const element = tag & 0xffff;
    if (this.littleEndian) {
      head.writeUInt16LE(group, at);
      head.writeUInt16LE(element, at + 2);
    } else {
      head.writeUInt16BE(group, at);
      head.writeUInt16BE(element, at + 2);
    }
    if (!explicitVr || vr === undefined) {
      if (this.littleEndian) head.writeUInt32LE(length >>> 0, at + 4);
      else head.writeUInt32BE(length >>> 0, at + 4);
    } else {
      head[at + 4] = vr.charCodeAt(0);
      head[at + 5] = vr.charCodeAt(1);
      if (long) {
        head[at + 6] = 0;
        head[at + 7] = 0;
        if (this.littleEndian) head.writeUInt32LE(length >>> 0, at + 8);
        else head.writeUInt32BE(length >>> 0, at + 8);
      } else if (this.littleEndian) head.writeUInt16LE(length, at + 6);
      else head.writeUInt16BE(length, at + 6);
    }
    this.used += size;
  }

  range(range: BulkRange): void {
    this.flush();
    this.chunks.push(range);
  }

  flush(): void {
    if (this.used > this.flushedAt) {
      this.chunks.push(this.buffer.subarray(this.flushedAt, this.used));
      this.flushedAt = this.used;
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
  /**
   * Bytes the data set's elements (bulk ranges aside) are expected to take, e.g. the input's header size: the
   * buffer they are written into starts that large instead of growing (and copying itself) from 16 KiB.
   */
  readonly sizeHint?: number;
}

/** Encodes the file meta group with a recomputed group length (PS3.10 7.1). */
export function encodeFileMeta(meta: DicomItem): Buffer {
  const body = new ChunkWriter(true, 512);
  for (const element of meta) {
    if (isGroupLength(element.tag)) continue;
    writeElement(body, element, true);
  }
  body.flush();
  const content = Buffer.concat(body.chunks as Buffer[]);
  const groupLength = new ChunkWriter(true, 16);
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
  const writer = new ChunkWriter(input.encoding.littleEndian, Math.min(Math.max(input.sizeHint ?? 0, INITIAL_BUFFER), MAX_HINTED_BUFFER));
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
  const output = Buffer.allocUnsafe(chunksLength(chunks));
  let position = 0;
  for (const chunk of chunks) {
    if (!isBulkRange(chunk)) {
      output.set(chunk, position);
      position += chunk.length;
      continue;
    }
    for (let start = chunk.start; start < chunk.end; ) {
      const part = chunk.source.read(start, chunk.end - start);
      if (part.length === 0) throw new RangeError(`bulk range ends at ${start}, before ${chunk.end}: its source is shorter`);
      output.set(part, position);
      position += part.length;
      start += part.length;
    }
  }
  return output;
}

/** Total size in bytes of the written file. */
export function chunksLength(chunks: OutputChunk[]): number {
  return chunks.reduce((total, chunk) => total + (isBulkRange(chunk) ? chunk.end - chunk.start : chunk.length), 0);
}


/** A bulk range as a Buffer without copying, when its source is in memory. */
function inMemory(chunk: OutputChunk): Buffer | undefined {
  if (!isBulkRange(chunk)) return chunk;
  return chunk.source.buffer?.subarray(chunk.start, chunk.end);
}

/**
 * The written file as a ByteSource, without concatenating it: buffers and in-memory ranges are read in place,
 * other ranges through their source. Lets a caller parse (verify) exactly the bytes it is about to write.
 */
export function chunksSource(chunks: OutputChunk[]): ByteSource {
  const parts = chunks.map((chunk) => inMemory(chunk) ?? chunk);
  const starts: number[] = [];
  let size = 0;
  for (const part of parts) {
    starts.push(size);
    size += Buffer.isBuffer(part) ? part.length : part.end - part.start;
  }
  const partAt = (position: number): number => {
    let low = 0;
    let high = parts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= position) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const slice = (index: number, offset: number, length: number): Buffer => {
    const part = parts[index];
    if (Buffer.isBuffer(part)) return part.subarray(offset, offset + length);
    return part.source.read(part.start + offset, length);
  };
  const partLength = (index: number): number => (index + 1 < parts.length ? starts[index + 1] : size) - starts[index];
  const read = (position: number, length: number): Buffer => {
    const wanted = Math.max(0, Math.min(length, size - position));
    if (wanted === 0) return Buffer.alloc(0);
    const index = partAt(position);
    const offset = position - starts[index];
    if (offset + wanted <= partLength(index)) return slice(index, offset, wanted);
    // Across parts (element headers never are: parts end at element boundaries): copy.
    const output = Buffer.allocUnsafe(wanted);
    let done = 0;
    for (let i = index; done < wanted; i++) {
      const from = i === index ? offset : 0;
      const piece = slice(i, from, Math.min(partLength(i) - from, wanted - done));
      if (piece.length === 0) break;
      output.set(piece, done);
      done += piece.length;
    }
    return done === wanted ? output : output.subarray(0, done);
  };
  return {
    size,
    read,
    readWindow(position, minLength) {
      const index = partAt(position);
      const offset = position - starts[index];
      const available = partLength(index) - offset;
      if (minLength > available) return read(position, Math.max(minLength, WINDOW_BYTES));
      return slice(index, offset, Buffer.isBuffer(parts[index]) ? available : Math.min(available, Math.max(minLength, WINDOW_BYTES)));
    },
  };
}

const WINDOW_BYTES = 1 << 20;

/** The chunks as Buffers for a vectored write: in-memory ranges in place, others read in pieces of `pieceSize`. */
export function* chunkBuffers(chunks: OutputChunk[], pieceSize = 4 << 20): Generator<Buffer> {
  for (const chunk of chunks) {
    const buffer = inMemory(chunk);
    if (buffer) {
      yield buffer;
      continue;
    }
    const range = chunk as BulkRange;
    for (let position = range.start; position < range.end; ) {
      const part = range.source.read(position, Math.min(pieceSize, range.end - position));
      if (part.length === 0) throw new RangeError(`bulk range ends at ${position}, before ${range.end}: its source is shorter`);
      yield part;
      position += part.length;
    }
  }
}

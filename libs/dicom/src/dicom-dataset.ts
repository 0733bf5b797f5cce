import { paddingByteFor } from './dicom-vr';

/**
 * Random access to bytes the caller owns (a Buffer, a file descriptor, ...). libs/dicom does no I/O itself:
 * the caller hands in a source and reads only what the parser asks for, so a 1 GB file is never loaded.
 */
export interface ByteSource {
  readonly size: number;
  /** Returns up to `length` bytes from `position` (fewer only at the end of the source). */
  read(position: number, length: number): Buffer;
  /** The whole source, when it is in memory: the parser then reads it in place, without windows. */
  readonly buffer?: Buffer;
  /**
   * Optional: at least `minLength` bytes from `position`, and as many more as are at hand without copying
   * (the parser's read-ahead window). Without it the parser reads fixed-size windows with `read`.
   */
  readWindow?(position: number, minLength: number): Buffer;
}

export function bufferSource(buffer: Buffer | Uint8Array): ByteSource {
  const bytes = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return {
    size: bytes.length,
    read: (position, length) => bytes.subarray(position, Math.min(bytes.length, position + length)),
    buffer: bytes,
  };
}

/** A byte range of a source, copied verbatim when written (top-level Pixel Data). */
export interface BulkRange {
  readonly source: ByteSource;
  readonly start: number;
  readonly end: number;
}

export interface DicomElement {
  readonly tag: number;
  /** The VR used to write the element (explicit VR, else the dictionary VR). */
  vr: string;
  /** Raw value bytes in the data set's byte order; absent for sequences and bulk elements. */
  value?: Buffer;
  /** Sequence items (VR SQ). */
  items?: DicomItem[];
  /** Top-level pixel data: never loaded, copied byte for byte. */
  bulk?: BulkRange;
  /** Encapsulated (undefined-length) pixel data: the bulk range holds the items and the delimiter. */
  encapsulated?: boolean;
}

/** One data set (the top level or a sequence item): elements in ascending tag order. */
export type DicomItem = DicomElement[];

export function findElement(item: DicomItem, tag: number): DicomElement | undefined {
  // Data sets are short (tens to hundreds of elements) and sorted: a binary search keeps lookups cheap.
  let low = 0;
  let high = item.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = item[middle].tag;
    if (candidate === tag) return item[middle];
    if (candidate < tag) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

/** Inserts or replaces an element, keeping ascending tag order. */
export function setElement(item: DicomItem, element: DicomElement): void {
  let low = 0;
  let high = item.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (item[middle].tag < element.tag) low = middle + 1;
    else high = middle;
  }
  if (low < item.length && item[low].tag === element.tag) item[low] = element;
  else item.splice(low, 0, element);
}

export function removeElement(item: DicomItem, tag: number): void {
  const index = item.findIndex((element) => element.tag === tag);
  if (index >= 0) item.splice(index, 1);
}

/** Decodes a text value byte-for-byte (latin1 maps every byte to one code unit), trailing padding removed. */
export function rawText(element: DicomElement | undefined): string | undefined {
  const value = element?.value;
  if (!value) return undefined;
  // Trailing NUL/space padding is cut on the bytes (a regular expression anchored at $ tries every position).
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0x20 || value[end - 1] === 0x00)) end--;
  return end === 0 ? '' : value.toString('latin1', 0, end);
}

/** The values of a multi-valued text element (PS3.5 6.4, backslash-separated), each trimmed. */
export function textValues(element: DicomElement | undefined): string[] {
  const text = rawText(element);
  if (text === undefined || text === '') return [];
  return text.split('\\').map((value) => value.trim());
}

/** Encodes a text value with the VR's padding to even length (PS3.5 6.2). ASCII input only. */
export function encodeText(text: string, vr: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length % 2 === 0) return bytes;
  const padded = Buffer.alloc(bytes.length + 1, paddingByteFor(vr));
  bytes.copy(padded);
  return padded;
}

export function textElement(tag: number, vr: string, text: string): DicomElement {
  return { tag, vr, value: encodeText(text, vr) };
}

/** Reads an unsigned 16- or 32-bit value (US/UL) respecting the data set's byte order. */
export function readUnsigned(element: DicomElement | undefined, littleEndian: boolean): number | undefined {
  const value = element?.value;
  if (!value) return undefined;
  if (element.vr === 'US' && value.length >= 2) return littleEndian ? value.readUInt16LE(0) : value.readUInt16BE(0);
  if (element.vr === 'UL' && value.length >= 4) return littleEndian ? value.readUInt32LE(0) : value.readUInt32BE(0);
  return undefined;
}

/** Visits every element at every depth, depth-first, with its item path. */
export function walkElements(item: DicomItem, visit: (element: DicomElement, depth: number) => void, depth = 0): void {
  for (const element of item) {
    visit(element, depth);
    if (element.items) for (const child of element.items) walkElements(child, visit, depth + 1);
  }
}

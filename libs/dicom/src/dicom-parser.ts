import { inflateRawSync } from 'node:zlib';
import { DicomErrorCode } from '@imagora/core';
import { ByteSource, DicomElement, DicomItem, bufferSource, findElement, rawText } from './dicom-dataset';
import { implicitVrOf, lookupTag } from './dicom-dictionary';
import { dicomError } from './dicom-error';
import { Tags, isPixelDataTag, tagGroup } from './dicom-tag';
import { KNOWN_VRS, LONG_LENGTH_VRS } from './dicom-vr';
import { TransferSyntax, TransferSyntaxEncoding, encodingOf, isPlausibleTransferSyntax } from './transfer-syntax';

// A DICOM Part 10 parser of our own (PS3.10 section 7, PS3.5 sections 7 and 10). It keeps every value as raw
// bytes, so nothing is re-encoded on the way through (no charset conversion, no re-fragmentation), reads only
// what it needs from the caller's ByteSource, and reports every irregularity as a typed error: the
// de-identifier must refuse a file it cannot read with certainty rather than guess.

export interface DicomFile {
  /** File Meta Information (group 0002, explicit VR LE); empty when the input had none. */
  readonly meta: DicomItem;
  readonly dataset: DicomItem;
  readonly transferSyntaxUid: string;
  readonly encoding: TransferSyntaxEncoding;
  readonly hasPreamble: boolean;
  readonly hasFileMeta: boolean;
  /** What bulk ranges refer to: the input itself, or the inflated data set of a deflated file. */
  readonly datasetSource: ByteSource;
  /** Offset (in datasetSource) of the top-level Pixel Data element header, if any. */
  readonly pixelDataOffset?: number;
  /** True when parsing stopped at Pixel Data (header-only scan): elements after it were not read. */
  readonly stoppedAtPixelData: boolean;
  /** Irregularities that were handled unambiguously (e.g. missing meta group length). */
  readonly notes: string[];
}

export interface ParseOptions {
  /** Stop before top-level Pixel Data (header-only scan); the pixel data is neither read nor walked. */
  readonly stopAtPixelData?: boolean;
  /** Maximum sequence nesting; deeper data is refused (a guard against hostile input). */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const WINDOW = 1 << 20;
const UNDEFINED_LENGTH = 0xffffffff;

interface Mode {
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
}

const IMPLICIT_LE: Mode = { explicitVr: false, littleEndian: true };
const EXPLICIT_LE: Mode = { explicitVr: true, littleEndian: true };

/** Explicit VRs by their two bytes (first byte << 8 | second): one map lookup, no string decoding. */
const VR_BY_CODE: ReadonlyMap<number, string> = new Map([...KNOWN_VRS].map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]));

class Cursor {
  // The bytes of [windowStart, windowStart + window.length): the whole input for an in-memory source, else the
  // last window read. Integers are read straight from it, so walking a header allocates nothing per field.
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  stopped = false;
  pixelDataOffset: number | undefined;
  readonly notes: string[] = [];

  constructor(
    readonly source: ByteSource,
    readonly options: ParseOptions,
  ) {
    if (source.buffer) this.window = source.buffer;
  }

  get size(): number {
    return this.source.size;
  }

  /** Makes [position, position + length) readable and returns its offset in the window. */
  private at(position: number, length: number): number {
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return offset;
    if (position + length > this.source.size) {
      throw dicomError(DicomErrorCode.TRUNCATED, `needs ${length} bytes but the file ends`, position);
    }
    this.window = this.source.readWindow ? this.source.readWindow(position, length) : this.source.read(position, Math.max(length, WINDOW));
    this.windowStart = position;
    if (this.window.length < length) {
      throw dicomError(DicomErrorCode.TRUNCATED, `needs ${length} bytes but the file ends`, position);
    }
    return 0;
  }

  bytes(position: number, length: number): Buffer {
    const offset = this.at(position, length);
    return this.window.subarray(offset, offset + length);
  }

  /** Reads a few bytes without moving the window: walking a 1 GB fragment list must not read the fragments. */
  peek(position: number, length: number): Buffer {
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + length <= this.window.length) return this.window.subarray(offset, offset + length);
    if (position + length > this.source.size) {
      throw dicomError(DicomErrorCode.TRUNCATED, `needs ${length} bytes but the file ends`, position);
    }
    return this.source.read(position, length);
  }

  tagAt(position: number, mode: Mode): number {
    const o = this.at(position, 4);
    const w = this.window;
    return mode.littleEndian
      ? (((w[o + 1] << 24) | (w[o] << 16) | (w[o + 3] << 8) | w[o + 2]) >>> 0)
      : (((w[o] << 24) | (w[o + 1] << 16) | (w[o + 2] << 8) | w[o + 3]) >>> 0);
  }

  u32(position: number, mode: Mode): number {
    const o = this.at(position, 4);
    const w = this.window;
    return mode.littleEndian
      ? (((w[o + 3] << 24) | (w[o + 2] << 16) | (w[o + 1] << 8) | w[o]) >>> 0)
      : (((w[o] << 24) | (w[o + 1] << 16) | (w[o + 2] << 8) | w[o + 3]) >>> 0);
  }

  u16(position: number, mode: Mode): number {
    const o = this.at(position, 2);
    const w = this.window;
    return mode.littleEndian ? w[o] | (w[o + 1] << 8) : (w[o] << 8) | w[o + 1];
  }

  /** The explicit VR at `position`, or undefined when the two bytes are no VR of PS3.5 Table 6.2-1. */
  vrAt(position: number): string | undefined {
    const o = this.at(position, 2);
    return VR_BY_CODE.get((this.window[o] << 8) | this.window[o + 1]);
  }
}

interface Header {
  readonly tag: number;
  readonly vr: string;
  readonly length: number;
  readonly valuePosition: number;
}

function readHeader(cursor: Cursor, position: number, mode: Mode): Header {
  const tag = cursor.tagAt(position, mode);
  if (tag === Tags.Item || tag === Tags.ItemDelimitationItem || tag === Tags.SequenceDelimitationItem) {
    return { tag, vr: '', length: cursor.u32(position + 4, mode), valuePosition: position + 8 };
  }
  if (!mode.explicitVr) {
    return { tag, vr: implicitVrOf(tag), length: cursor.u32(position + 4, mode), valuePosition: position + 8 };
  }
  const vr = cursor.vrAt(position + 4);
  if (vr === undefined) {
    throw dicomError(DicomErrorCode.MALFORMED, `invalid VR "${printable(cursor.bytes(position + 4, 2).toString('latin1'))}"`, position, tag);
  }
  if (LONG_LENGTH_VRS.has(vr)) {
    return { tag, vr, length: cursor.u32(position + 8, mode), valuePosition: position + 12 };
  }
  return { tag, vr, length: cursor.u16(position + 6, mode), valuePosition: position + 8 };
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** Walks encapsulated pixel data items (PS3.5 A.4) by their lengths, without reading the fragments. */
function walkFragments(cursor: Cursor, position: number, mode: Mode, tag: number): number {
  let offset = position;
  for (;;) {
    const head = cursor.peek(offset, 8);
    const itemTag = mode.littleEndian
      ? ((head.readUInt16LE(0) << 16) | head.readUInt16LE(2)) >>> 0
      : ((head.readUInt16BE(0) << 16) | head.readUInt16BE(2)) >>> 0;
    const length = mode.littleEndian ? head.readUInt32LE(4) : head.readUInt32BE(4);
    if (itemTag === Tags.SequenceDelimitationItem) return offset + 8;
    if (itemTag !== Tags.Item || length === UNDEFINED_LENGTH) {
      throw dicomError(DicomErrorCode.MALFORMED, 'invalid item in encapsulated pixel data', offset, tag);
    }
    if (offset + 8 + length > cursor.size) {
      throw dicomError(DicomErrorCode.TRUNCATED, 'encapsulated pixel data fragment runs past the end of the file', offset, tag);
    }
    offset += 8 + length;
  }
}

interface ItemResult {
  readonly elements: DicomItem;
  readonly end: number;
}

/**
 * Parses one data set: the top level (end = source size), a defined-length item (end given) or an
 * undefined-length item (end undefined, closed by an Item Delimitation Item).
 */
function parseItem(cursor: Cursor, start: number, end: number | undefined, mode: Mode, depth: number): ItemResult {
  const topLevel = depth === 0;
  const elements: DicomElement[] = [];
  let position = start;
  let previousTag = -1;
  const limit = end ?? cursor.size;
  while (position < limit) {
    if (topLevel && limit - position < 8) {
      const rest = cursor.bytes(position, limit - position);
      if (rest.every((byte) => byte === 0)) {
        cursor.notes.push(`ignored ${rest.length} trailing zero bytes`);
        break;
      }
      throw dicomError(DicomErrorCode.TRUNCATED, 'file ends inside an element header', position);
    }
    const header = readHeader(cursor, position, mode);
    const { tag, length, valuePosition } = header;
    if (tag === Tags.ItemDelimitationItem) {
      if (end !== undefined) {
        throw dicomError(DicomErrorCode.MALFORMED, 'item delimiter outside an undefined-length item', position, tag);
      }
      return { elements, end: valuePosition };
    }
    if (tag === Tags.Item || tag === Tags.SequenceDelimitationItem) {
      throw dicomError(DicomErrorCode.MALFORMED, 'item or sequence delimiter where an element was expected', position, tag);
    }
    if (tag <= previousTag) {
      throw dicomError(
        DicomErrorCode.MALFORMED,
        tag === previousTag ? 'duplicate element' : 'elements out of ascending tag order (PS3.5 7.1)',
        position,
        tag,
      );
    }
    if (topLevel && tagGroup(tag) === 0x0002) {
      throw dicomError(DicomErrorCode.INVALID_FILE_META, 'file meta element inside the data set', position, tag);
    }
    previousTag = tag;
    let vr = header.vr;
    const element: DicomElement = { tag, vr };

    if (length === UNDEFINED_LENGTH) {
      if (isPixelDataTag(tag) && vr !== 'SQ' && (vr === 'OB' || vr === 'OW' || !mode.explicitVr || vr === 'UN')) {
        if (topLevel) {
          cursor.pixelDataOffset = position;
          if (cursor.options.stopAtPixelData) {
            cursor.stopped = true;
            elements.push({ tag, vr: 'OB', encapsulated: true });
            return { elements, end: position };
          }
          const fragmentsEnd = walkFragments(cursor, valuePosition, mode, tag);
          element.vr = 'OB';
          element.encapsulated = true;
          element.bulk = { source: cursor.source, start: valuePosition, end: fragmentsEnd };
          position = fragmentsEnd;
        } else {
          const fragmentsEnd = walkFragments(cursor, valuePosition, mode, tag);
          element.vr = 'OB';
          element.encapsulated = true;
          element.value = Buffer.from(cursor.bytes(valuePosition, fragmentsEnd - valuePosition));
          position = fragmentsEnd;
        }
      } else {
        // PS3.5 6.2.2 (CP-246): an undefined-length UN is a sequence encoded implicit VR LE; implicit-VR
        // undefined lengths are sequences (PS3.5 7.5.1).
        let itemMode = mode;
        if (vr === 'UN' && mode.explicitVr) {
          if (!mode.littleEndian) {
            throw dicomError(DicomErrorCode.MALFORMED, 'undefined-length UN in a big-endian data set', position, tag);
          }
          itemMode = IMPLICIT_LE;
          cursor.notes.push(`sequence encoded as UN (CP-246) read as implicit VR LE at offset ${position}`);
        } else if (vr !== 'SQ' && mode.explicitVr) {
          throw dicomError(DicomErrorCode.MALFORMED, `undefined length on VR ${vr}`, position, tag);
        }
        element.vr = 'SQ';
        const sequence = parseSequence(cursor, valuePosition, undefined, itemMode, depth, tag);
        element.items = sequence.items;
        position = sequence.end;
      }
    } else {
      const valueEnd = valuePosition + length;
      // A header-only scan stops before Pixel Data's value, which need not be there: the source may be a prefix of
      // the file (the hub scans headers of uploaded objects from the first bytes of a stream).
      const stopsAtPixelData = topLevel && isPixelDataTag(tag) && cursor.options.stopAtPixelData === true;
      if (valueEnd > cursor.size && !stopsAtPixelData) {
        throw dicomError(DicomErrorCode.TRUNCATED, `value of ${length} bytes runs past the end of the file`, position, tag);
      }
      if (end !== undefined && valueEnd > end) {
        throw dicomError(DicomErrorCode.MALFORMED, 'element runs past the end of its item', position, tag);
      }
      if (length % 2 === 1) {
        // PS3.5 7.1.1 requires even lengths, but the value is still delimited unambiguously: keep it verbatim.
        cursor.notes.push(`odd value length ${length} at offset ${position}`);
      }
      if (vr === 'UN') {
        // UN of a known standard attribute: use its dictionary VR so actions and scans see its type.
        const known = lookupTag(tag)?.vr;
        if (known && known !== 'SQ' && KNOWN_VRS.has(known)) vr = known;
        element.vr = vr;
      }
      if (vr === 'SQ') {
        const sequence = parseSequence(cursor, valuePosition, valueEnd, mode, depth, tag);
        element.items = sequence.items;
      } else if (topLevel && isPixelDataTag(tag)) {
        cursor.pixelDataOffset = position;
        if (cursor.options.stopAtPixelData) {
          cursor.stopped = true;
          elements.push(element);
          return { elements, end: position };
        }
        element.bulk = { source: cursor.source, start: valuePosition, end: valueEnd };
      } else {
        element.value = cursor.bytes(valuePosition, length);
      }
      position = valueEnd;
    }
    elements.push(element);
  }
  if (end === undefined && !topLevel) {
    throw dicomError(DicomErrorCode.TRUNCATED, 'undefined-length item has no item delimiter before the end of the file', position);
  }
  return { elements, end: position };
}

function parseSequence(
  cursor: Cursor,
  start: number,
  end: number | undefined,
  mode: Mode,
  depth: number,
  sequenceTag: number,
): { items: DicomItem[]; end: number } {
  if (depth + 1 > (cursor.options.maxDepth ?? DEFAULT_MAX_DEPTH)) {
    throw dicomError(DicomErrorCode.TOO_DEEP, 'sequences nested deeper than allowed', start, sequenceTag);
  }
  const items: DicomItem[] = [];
  let position = start;
  for (;;) {
    if (end !== undefined && position >= end) {
      if (position > end) throw dicomError(DicomErrorCode.MALFORMED, 'item runs past the end of its sequence', position, sequenceTag);
      return { items, end: position };
    }
    if (position + 8 > cursor.size) {
      throw dicomError(DicomErrorCode.TRUNCATED, 'sequence not closed before the end of the file', position, sequenceTag);
    }
    const tag = cursor.tagAt(position, mode);
    const length = cursor.u32(position + 4, mode);
    if (tag === Tags.SequenceDelimitationItem) {
      if (end !== undefined) {
        throw dicomError(DicomErrorCode.MALFORMED, 'sequence delimiter inside a defined-length sequence', position, sequenceTag);
      }
      return { items, end: position + 8 };
    }
    if (tag !== Tags.Item) {
      throw dicomError(DicomErrorCode.MALFORMED, 'invalid item tag in sequence', position, sequenceTag);
    }
    const itemStart = position + 8;
    if (length === UNDEFINED_LENGTH) {
      const result = parseItem(cursor, itemStart, undefined, mode, depth + 1);
      items.push(result.elements);
      position = result.end;
    } else {
      const itemEnd = itemStart + length;
      if (itemEnd > cursor.size) throw dicomError(DicomErrorCode.TRUNCATED, 'item runs past the end of the file', position, sequenceTag);
      if (end !== undefined && itemEnd > end) {
        throw dicomError(DicomErrorCode.MALFORMED, 'item runs past the end of its sequence', position, sequenceTag);
      }
      const result = parseItem(cursor, itemStart, itemEnd, mode, depth + 1);
      items.push(result.elements);
      position = itemEnd;
    }
  }
}

function parseFileMeta(cursor: Cursor, start: number): { meta: DicomItem; end: number } {
  const meta: DicomElement[] = [];
  let position = start;
  let declaredEnd: number | undefined;
  let previousTag = -1;
  while (position + 8 <= cursor.size) {
    const tag = cursor.tagAt(position, EXPLICIT_LE);
    if (tagGroup(tag) !== 0x0002) break;
    const header = readHeader(cursor, position, EXPLICIT_LE);
    if (header.length === UNDEFINED_LENGTH || header.vr === 'SQ') {
      throw dicomError(DicomErrorCode.INVALID_FILE_META, 'file meta element with a sequence or undefined length', position, tag);
    }
    if (tag <= previousTag) throw dicomError(DicomErrorCode.INVALID_FILE_META, 'file meta elements out of order', position, tag);
    previousTag = tag;
    const value = cursor.bytes(header.valuePosition, header.length);
    if (tag === Tags.FileMetaInformationGroupLength) {
      if (header.length !== 4) throw dicomError(DicomErrorCode.INVALID_FILE_META, 'group length is not a UL', position, tag);
      declaredEnd = header.valuePosition + 4 + value.readUInt32LE(0);
    }
    meta.push({ tag, vr: header.vr, value });
    position = header.valuePosition + header.length;
  }
  if (declaredEnd === undefined) {
    cursor.notes.push('file meta has no (0002,0000) group length; its end was found from the group number');
  } else if (declaredEnd !== position) {
    throw dicomError(
      DicomErrorCode.INVALID_FILE_META,
      `(0002,0000) group length says the file meta ends at ${declaredEnd} but it ends at ${position}`,
      start,
    );
  }
  return { meta, end: position };
}

function isVrText(bytes: Buffer): boolean {
  return bytes.length === 2 && KNOWN_VRS.has(bytes.toString('latin1'));
}

/** Parses a DICOM Part 10 file, or a bare data set (no preamble, no file meta) in implicit or explicit VR LE. */
export function parseDicom(source: ByteSource, options: ParseOptions = {}): DicomFile {
  const cursor = new Cursor(source, options);
  const size = source.size;
  if (size < 8) throw dicomError(DicomErrorCode.NOT_DICOM, `only ${size} bytes: not a DICOM file`);
  const head = source.read(0, Math.min(size, 140));
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw dicomError(DicomErrorCode.NOT_DICOM, 'gzip-compressed data, not a DICOM file (decompress it first)');
  }
  let metaStart: number | undefined;
  let hasPreamble = false;
  if (head.length >= 140 && head.toString('latin1', 128, 132) === 'DICM' && head.readUInt16LE(132) === 0x0002) {
    metaStart = 132;
    hasPreamble = true;
  } else if (head.toString('latin1', 0, 4) === 'DICM' && head.readUInt16LE(4) === 0x0002) {
    metaStart = 4;
  } else if (head.readUInt16LE(0) === 0x0002 && isVrText(head.subarray(4, 6))) {
    metaStart = 0;
  }

  let meta: DicomItem = [];
  let datasetStart = 0;
  let transferSyntaxUid: string;
  if (metaStart !== undefined) {
    const parsed = parseFileMeta(cursor, metaStart);
    meta = parsed.meta;
    datasetStart = parsed.end;
    const ts = rawText(findElement(meta, Tags.TransferSyntaxUID));
    if (!ts) throw dicomError(DicomErrorCode.INVALID_FILE_META, 'file meta lacks (0002,0010) Transfer Syntax UID');
    if (!rawText(findElement(meta, Tags.MediaStorageSOPClassUID))) {
      // Common in real archives; the writer fills it from (0008,0016).
      cursor.notes.push('file meta lacks (0002,0002) Media Storage SOP Class UID');
    }
    if (!isPlausibleTransferSyntax(ts)) {
      throw dicomError(DicomErrorCode.UNSUPPORTED_TRANSFER_SYNTAX, `unknown transfer syntax "${printable(ts)}"`);
    }
    transferSyntaxUid = ts;
  } else {
    // A bare data set (PS3.10 does not allow it, but old archives hold them): the first element must be a
    // plausible low even group; explicit VR is recognised by a VR where implicit VR has a length.
    const group = head.readUInt16LE(0);
    if (group === 0 || group > 0x0010 || group % 2 === 1) {
      throw dicomError(DicomErrorCode.NOT_DICOM, 'no DICM marker and no plausible data set at the start of the file');
    }
    transferSyntaxUid = isVrText(head.subarray(4, 6)) ? TransferSyntax.ExplicitVRLittleEndian : TransferSyntax.ImplicitVRLittleEndian;
    cursor.notes.push(`no file meta: data set read as ${transferSyntaxUid}`);
  }

  const encoding = encodingOf(transferSyntaxUid);
  let datasetSource = source;
  let datasetCursor = cursor;
  if (encoding.deflated) {
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(source.read(datasetStart, size - datasetStart));
    } catch (error) {
      throw dicomError(DicomErrorCode.MALFORMED, `deflated data set cannot be inflated: ${(error as Error).message}`, datasetStart);
    }
    datasetSource = bufferSource(inflated);
    datasetCursor = new Cursor(datasetSource, options);
    datasetStart = 0;
  }
  const mode: Mode = { explicitVr: encoding.explicitVr, littleEndian: encoding.littleEndian };
  const { elements } = parseItem(datasetCursor, datasetStart, undefined, mode, 0);
  return {
    meta,
    dataset: elements,
    transferSyntaxUid,
    encoding,
    hasPreamble,
    hasFileMeta: metaStart !== undefined,
    datasetSource,
    pixelDataOffset: datasetCursor.pixelDataOffset,
    stoppedAtPixelData: datasetCursor.stopped,
    notes: [...cursor.notes, ...(datasetCursor === cursor ? [] : datasetCursor.notes)],
  };
}

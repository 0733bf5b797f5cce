import { isUtf8 } from 'node:buffer';

export interface LineSink {
  // A complete line without its "\n", decoded; undefined when its bytes are not valid UTF-8.
  line(text: string | undefined, lineNumber: number): void;
  // A line longer than the limit: its bytes were counted and dropped, never held.
  tooLong(lineNumber: number, bytes: number): void;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines without ever holding more than one chunk plus one line of at most
 * maxLineBytes, so a 2 GB line costs a 2 GB read, not 2 GB of memory. The complete lines of a chunk
 * are decoded with one UTF-8 check and one decode (a newline byte never occurs inside a multi-byte
 * sequence, so a valid run of whole lines has valid lines) and split as a string: per-line buffers
 * and decodes cost more than the JSON parsing they feed. Only lines of an invalid run, and lines that
 * span chunks, are handled as bytes one by one. Chunks are pushed (from a read stream, in the validator's
 * thread: the record worker receives lines); the splitter never keeps a reference to a pushed chunk.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skipping = false;
  private skippedBytes = 0;
  private lineNumber = 1;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  private emitBytes(bytes: Buffer): void {
    if (bytes.length > this.maxLineBytes) this.sink.tooLong(this.lineNumber, bytes.length);
    else this.sink.line(isUtf8(bytes) ? bytes.toString('utf8') : undefined, this.lineNumber);
    this.lineNumber++;
  }

  push(chunk: Buffer): void {
    const { maxLineBytes, sink } = this;
    let start = 0;
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      // No line ends in this chunk: it extends the current line.
      if (this.skipping) this.skippedBytes += chunk.length;
      else if (this.carryBytes + chunk.length > maxLineBytes) {
        this.skipping = true;
        this.skippedBytes = this.carryBytes + chunk.length;
        this.carry = [];
        this.carryBytes = 0;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        this.carry.push(Buffer.from(chunk));
        this.carryBytes += chunk.length;
      }
      return;
    }
    // Finish the line that started in an earlier chunk.
    if (this.skipping) {
      sink.tooLong(this.lineNumber++, this.skippedBytes + first);
      this.skipping = false;
      this.skippedBytes = 0;
      start = first + 1;
    } else if (this.carryBytes > 0) {
      if (this.carryBytes + first > maxLineBytes) sink.tooLong(this.lineNumber++, this.carryBytes + first);
      else this.emitBytes(Buffer.concat([...this.carry, chunk.subarray(0, first)]));
      this.carry = [];
      this.carryBytes = 0;
      start = first + 1;
    }
    // The whole lines of this chunk: [start, last newline).
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      const run = chunk.subarray(start, last);
      if (isUtf8(run)) this.lineNumber = splitDecoded(run.toString('utf8'), this.lineNumber, maxLineBytes, sink);
      else {
        let lineStart = start;
        for (let end = chunk.indexOf(NEWLINE, lineStart); end >= 0 && end <= last; end = chunk.indexOf(NEWLINE, lineStart)) {
          this.emitBytes(chunk.subarray(lineStart, end));
          lineStart = end + 1;
        }
      }
      start = last + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (rest > maxLineBytes) {
        this.skipping = true;
        this.skippedBytes = rest;
      } else {
        this.carry.push(Buffer.from(chunk.subarray(start)));
        this.carryBytes = rest;
      }
    }
  }

  /** The stream ended: its last line, if it had no newline. */
  end(): void {
    if (this.skipping) this.sink.tooLong(this.lineNumber, this.skippedBytes);
    else if (this.carryBytes > 0) this.emitBytes(Buffer.concat(this.carry));
    this.carry = [];
    this.carryBytes = 0;
    this.skipping = false;
  }
}

// Emits the lines of decoded text (which ends just before a newline); returns the next line number.
function splitDecoded(text: string, lineNumber: number, maxLineBytes: number, sink: LineSink): number {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    // A UTF-16 unit is at most 3 UTF-8 bytes: only long-looking lines need their bytes counted.
    const bytes = line.length * 3 > maxLineBytes ? Buffer.byteLength(line, 'utf8') : 0;
    if (bytes > maxLineBytes) sink.tooLong(lineNumber, bytes);
    else sink.line(line, lineNumber);
    lineNumber++;
  }
  return lineNumber;
}

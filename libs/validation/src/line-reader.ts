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
 * span chunks, are handled as bytes one by one. onChunk sees every byte (for checksums).
 */
export async function readLines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number, sink: LineSink, onChunk?: (chunk: Buffer) => void): Promise<void> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;
  let skippedBytes = 0;
  let lineNumber = 1;

  const emitBytes = (bytes: Buffer) => {
    if (bytes.length > maxLineBytes) sink.tooLong(lineNumber, bytes.length);
    else sink.line(isUtf8(bytes) ? bytes.toString('utf8') : undefined, lineNumber);
    lineNumber++;
  };

  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    onChunk?.(chunk);
    let start = 0;
    const first = chunk.indexOf(NEWLINE);
    if (first < 0) {
      // No line ends in this chunk: it extends the current line.
      if (skipping) skippedBytes += chunk.length;
      else if (carryBytes + chunk.length > maxLineBytes) {
        skipping = true;
        skippedBytes = carryBytes + chunk.length;
        carry = [];
        carryBytes = 0;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        carry.push(Buffer.from(chunk));
        carryBytes += chunk.length;
      }
      continue;
    }
    // Finish the line that started in an earlier chunk.
    if (skipping) {
      sink.tooLong(lineNumber++, skippedBytes + first);
      skipping = false;
      skippedBytes = 0;
      start = first + 1;
    } else if (carryBytes > 0) {
      if (carryBytes + first > maxLineBytes) sink.tooLong(lineNumber++, carryBytes + first);
      else emitBytes(Buffer.concat([...carry, chunk.subarray(0, first)]));
      carry = [];
      carryBytes = 0;
      start = first + 1;
    }
    // The whole lines of this chunk: [start, last newline).
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      const run = chunk.subarray(start, last);
      if (isUtf8(run)) lineNumber = splitDecoded(run.toString('utf8'), lineNumber, maxLineBytes, sink);
      else {
        let lineStart = start;
        for (let end = chunk.indexOf(NEWLINE, lineStart); end >= 0 && end <= last; end = chunk.indexOf(NEWLINE, lineStart)) {
          emitBytes(chunk.subarray(lineStart, end));
          lineStart = end + 1;
        }
      }
      start = last + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (rest > maxLineBytes) {
        skipping = true;
        skippedBytes = rest;
      } else {
        carry.push(Buffer.from(chunk.subarray(start)));
        carryBytes = rest;
      }
    }
  }
  if (skipping) sink.tooLong(lineNumber, skippedBytes);
  else if (carryBytes > 0) emitBytes(Buffer.concat(carry));
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

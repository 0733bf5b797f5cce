import { isUtf8 } from 'node:buffer';

export interface LineSink {
  // A complete line without its "\n"; utf8 says whether its bytes are valid UTF-8.
  line(bytes: Buffer, lineNumber: number, utf8: boolean): void;
  // A line longer than the limit: its bytes were counted and dropped, never held.
  tooLong(lineNumber: number, bytes: number): void;
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines without ever holding more than one chunk plus one line of at most
 * maxLineBytes, so a 2 GB line costs a 2 GB read, not 2 GB of memory. UTF-8 is checked once per chunk
 * (newline bytes never occur inside a multi-byte sequence, so a valid chunk has valid whole lines);
 * only lines in an invalid chunk or spanning chunks are checked one by one. onChunk sees every byte
 * (for the sha256 of checksummed files).
 */
export async function readLines(stream: AsyncIterable<Buffer | string>, maxLineBytes: number, sink: LineSink, onChunk?: (chunk: Buffer) => void): Promise<void> {
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let skipping = false;
  let skippedBytes = 0;
  let lineNumber = 1;
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    onChunk?.(chunk);
    let start = 0;
    let chunkUtf8: boolean | undefined;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      if (skipping) {
        sink.tooLong(lineNumber, skippedBytes + end - start);
        skipping = false;
        skippedBytes = 0;
      } else if (carryBytes > 0) {
        if (carryBytes + end - start > maxLineBytes) sink.tooLong(lineNumber, carryBytes + end - start);
        else {
          const line = Buffer.concat([...carry, chunk.subarray(start, end)]);
          sink.line(line, lineNumber, isUtf8(line));
        }
        carry = [];
        carryBytes = 0;
      } else if (end - start > maxLineBytes) {
        sink.tooLong(lineNumber, end - start);
      } else {
        chunkUtf8 ??= isUtf8(chunk);
        const line = chunk.subarray(start, end);
        sink.line(line, lineNumber, chunkUtf8 || isUtf8(line));
      }
      lineNumber++;
      start = end + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (skipping) skippedBytes += rest;
      else if (carryBytes + rest > maxLineBytes) {
        // Past the limit: drop what was held and only count from here on.
        skipping = true;
        skippedBytes = carryBytes + rest;
        carry = [];
        carryBytes = 0;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        carry.push(Buffer.from(chunk.subarray(start)));
        carryBytes += rest;
      }
    }
  }
  if (skipping) sink.tooLong(lineNumber, skippedBytes);
  else if (carryBytes > 0) {
    const line = Buffer.concat(carry);
    sink.line(line, lineNumber, isUtf8(line));
  }
}

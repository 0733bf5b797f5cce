import * as fs from 'node:fs';
import { ByteSource, OutputChunk, isBulkRange } from '@imagora/dicom';

const COPY_CHUNK = 4 << 20;

/** A local file as a ByteSource: the parser reads what it needs; pixel data is never loaded. */
export function fileByteSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let done = 0;
      while (done < buffer.length) {
        const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
        if (read === 0) break;
        done += read;
      }
      return done === buffer.length ? buffer : buffer.subarray(0, done);
    },
  };
}

/** Writes output chunks: buffers as they are, pixel data ranges copied from their source a few MiB at a time. */
export function writeOutputChunks(fd: number, chunks: OutputChunk[]): number {
  let written = 0;
  const writeAll = (buffer: Buffer) => {
    for (let done = 0; done < buffer.length; ) done += fs.writeSync(fd, buffer, done, buffer.length - done);
    written += buffer.length;
  };
  for (const chunk of chunks) {
    if (!isBulkRange(chunk)) {
      writeAll(chunk);
      continue;
    }
    for (let position = chunk.start; position < chunk.end; ) {
      const part = chunk.source.read(position, Math.min(COPY_CHUNK, chunk.end - position));
      if (part.length === 0) throw new Error(`input ended at ${position} while copying pixel data`);
      writeAll(part);
      position += part.length;
    }
  }
  return written;
}

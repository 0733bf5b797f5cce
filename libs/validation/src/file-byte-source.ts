import { readSync } from 'node:fs';
import type { ByteSource } from '@imagora/dicom';

export class HeaderTooLargeError extends Error {}

/**
 * A ByteSource over an open file descriptor: libs/dicom asks for byte ranges and we read exactly
 * those, so a header-only scan of a 4 GB file reads the header. A request past maxBytes (a header
 * claiming a gigabyte-long element) is refused instead of allocated.
 */
export function fileByteSource(fd: number, size: number, maxBytes: number): ByteSource {
  return {
    size,
    read(position: number, length: number): Buffer {
      const wanted = Math.max(0, Math.min(length, size - position));
      if (position > maxBytes || wanted > maxBytes) throw new HeaderTooLargeError(`the header needs more than ${maxBytes} bytes`);
      const buffer = Buffer.allocUnsafe(wanted);
      let filled = 0;
      while (filled < wanted) {
        const read = readSync(fd, buffer, filled, wanted - filled, position + filled);
        if (read === 0) break; // the file shrank while we read it
        filled += read;
      }
      return filled === wanted ? buffer : buffer.subarray(0, filled);
    },
  };
}

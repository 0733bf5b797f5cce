import { crc32 } from 'node:zlib';
import { Readable, Writable } from 'node:stream';

// A streaming ZIP writer (PKWARE APPNOTE 6.3.x, STORE method, data descriptors): files are copied as they are
// (DICOM is already compressed where it can be), one at a time, so memory stays bounded by one chunk.
// No ZIP64: the hub offers ZIPs for small cohorts only (< 4 GiB and < 65,535 files).

const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;

interface Entry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];

  constructor(private readonly out: Writable) {}

  async add(name: string, body: Readable): Promise<void> {
    const fileName = Buffer.from(name, 'utf8');
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; names are UTF-8
    header.writeUInt16LE(0, 8); // STORE
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt16LE(fileName.length, 26);
    await this.write(Buffer.concat([header, fileName]));
    let crc = 0;
    let size = 0;
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      size += bytes.length;
      await this.write(bytes);
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(size, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.write(descriptor);
    this.entries.push({ name: fileName, crc: crc >>> 0, size, offset });
  }

  async finish(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) {
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(0x0808, 8);
      central.writeUInt16LE(0, 10);
      central.writeUInt16LE(0, 12);
      central.writeUInt16LE(DOS_DATE, 14);
      central.writeUInt32LE(entry.crc, 16);
      central.writeUInt32LE(entry.size, 20);
      central.writeUInt32LE(entry.size, 24);
      central.writeUInt16LE(entry.name.length, 28);
      central.writeUInt32LE(entry.offset, 42);
      await this.write(Buffer.concat([central, entry.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
  }

  private write(bytes: Buffer): Promise<void> {
    this.offset += bytes.length;
    return new Promise((resolve, reject) => {
      // Respect backpressure: wait for drain when the socket buffer is full.
      if (this.out.write(bytes, (error) => error && reject(error))) resolve();
      else this.out.once('drain', resolve);
    });
  }
}

import type { Readable } from 'node:stream';

/**
 * One file of a dataset given as a stream of entries (an upload, a tar, an object-store listing).
 * open() may be called more than once: checksums of files seen before dataset.json are computed by
 * opening them again.
 */
export interface DatasetEntry {
  // Relative to the dataset root, "/"-separated (e.g. "images/ct/0001.dcm").
  readonly path: string;
  readonly size: number;
  open(): Readable;
}

// Entries from validateDatasetDirectory also carry their absolute path, so DICOM headers are read with
// positioned reads (only the bytes before Pixel Data) instead of a stream.
export interface LocalDatasetEntry extends DatasetEntry {
  readonly absolutePath: string;
}

export function isLocalEntry(entry: DatasetEntry): entry is LocalDatasetEntry {
  return typeof (entry as Partial<LocalDatasetEntry>).absolutePath === 'string';
}

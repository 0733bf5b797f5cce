import type { Readable } from 'node:stream';

/** The error a sized body fails with when it is not its declared size; `received` says what came (`more than N bytes`, `N bytes`). */
export type SizeMismatch = (received: string) => Error;

export interface StoredObject {
  size: number;
  etag: string | undefined;
  lastModified: Date | undefined;
}

/** The object store as the use cases need it (S3 semantics; implemented by libs/storage). */
export interface ObjectStoragePort {
  readonly buckets: { quarantine: string; shared: string };
  /** Streams a body of unknown or large size (multipart underneath); returns the bytes written. */
  putStream(bucket: string, key: string, body: Readable, contentType?: string): Promise<number>;
  /**
   * One PUT streamed straight through, nothing buffered: `size` is the body's exact length. A body that fails,
   * ends early or runs longer aborts the PUT (some S3-compatible servers keep the bytes that arrived: check what
   * was stored before trusting it), and the call rejects with the body's own error, or `mismatch`'s for a wrong size.
   */
  putSized(bucket: string, key: string, body: Readable, size: number, contentType?: string, mismatch?: SizeMismatch): Promise<void>;
  /** A local file, read from disk as it is sent (multipart for large ones), nothing buffered; returns the bytes stored. */
  putFile(bucket: string, key: string, path: string, contentType?: string): Promise<number>;
  getStream(bucket: string, key: string): Promise<Readable>;
  /** Bytes start..end (inclusive) of an object. */
  getRangeStream(bucket: string, key: string, start: number, end: number): Promise<Readable>;
  head(bucket: string, key: string): Promise<StoredObject | undefined>;
  copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void>;
  delete(bucket: string, key: string): Promise<void>;
  /** Deletes every object under a prefix; returns how many. */
  deletePrefix(bucket: string, prefix: string): Promise<number>;
  listKeys(bucket: string, prefix: string): AsyncIterable<{ key: string; size: number }>;
  createMultipartUpload(bucket: string, key: string, contentType?: string): Promise<string>;
  presignUploadPart(bucket: string, key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string>;
  /** The parts the store holds; undefined when the store cannot list parts (s3rver): the client's ETags are used then. */
  listUploadedParts(bucket: string, key: string, uploadId: string): Promise<Array<{ partNumber: number; etag: string; size: number }> | undefined>;
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<void>;
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  listMultipartUploads(bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string; initiated: Date | undefined }>>;
  presignGet(bucket: string, key: string, expiresInSeconds: number, downloadName?: string): Promise<string>;
}

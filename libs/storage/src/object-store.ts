import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';

/** The error a sized body fails with when it is not its declared size (the port's SizeMismatch); the default names the store's own. */
type SizeMismatch = (received: string) => Error;

const MiB = 1024 * 1024;
/** Files up to this size go as one PUT; larger ones as a multipart upload of parts this size (or larger). */
const FILE_PART_BYTES = 64 * MiB;
const S3_MAX_PARTS = 10_000;
const FILE_ATTEMPTS = 3;

export interface ObjectStoreOptions {
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** The hub's two buckets: raw uploads (may hold PHI) and released, de-identified data. */
  buckets?: { quarantine: string; shared: string };
}

/** The one storage code path: the S3 API, whether the server is s3rver, MinIO, Ceph RGW or AWS. */
export class ObjectStore {
  readonly client: S3Client;
  /**
   * For requests whose body is a one-shot stream. The SDK never retries those (the callers do, where they can open
   * the body again) and writes a warning to the console on every failure; here the failure is the caller's to
   * report, with the body's own error, so this client logs nothing.
   */
  private readonly streamingClient: S3Client;
  readonly buckets: { quarantine: string; shared: string };

  constructor(options: ObjectStoreOptions) {
    this.buckets = options.buckets ?? { quarantine: 'quarantine', shared: 'shared' };
    const credentials =
      options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined;
    const config = {
      endpoint: options.endpoint,
      region: options.region,
      credentials,
      forcePathStyle: options.forcePathStyle,
      // The SDK's default aws-chunked checksums are stored verbatim by S3-compatible servers such as
      // s3rver, corrupting streamed uploads; only send checksums where the API requires them.
      ...(options.endpoint ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    };
    // The SDK's exact version is pinned and runs on Node 20: its notice that versions published after January 2027
    // need Node 22 is for whoever moves the pin (STACK.md), not a warning on every command's stderr. An explicit
    // setting of the variable wins.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client(config);
    const quiet = () => undefined;
    this.streamingClient = new S3Client({ ...config, logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
  }

  async ensureBucket(bucket: string): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
      } catch (createError) {
        const name = (createError as { name?: string }).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw createError;
      }
    }
  }

  /** Readiness: the bucket answers. */
  async ping(bucket: string): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
  }

  async put(bucket: string, key: string, body: Buffer | string, contentType = 'application/octet-stream'): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async getStream(bucket: string, key: string): Promise<Readable> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return response.Body as Readable;
  }

  async getRangeStream(bucket: string, key: string, start: number, end: number): Promise<Readable> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
    return response.Body as Readable;
  }

  async getBuffer(bucket: string, key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.getStream(bucket, key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  /**
   * One PUT whose body streams straight through to the store, nothing buffered; `size` must be the body's exact
   * length. A body that fails, ends early or runs longer aborts the request and the call rejects with the body's
   * error. S3 keeps nothing of an aborted PUT; some S3-compatible servers (s3rver) keep the bytes that arrived, so
   * a caller trusts an object only after checking it (the hub hashes every upload). Not retried: the caller alone
   * can open the body again.
   */
  async putSized(bucket: string, key: string, body: Readable, size: number, contentType = 'application/octet-stream', mismatch?: SizeMismatch): Promise<void> {
    await this.sendSized(
      body,
      size,
      (checked, abortSignal) => this.streamingClient.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: checked, ContentLength: size, ContentType: contentType }), { abortSignal }),
      mismatch,
    );
  }

  /**
   * A local file, read from disk as it is sent: one PUT up to 64 MiB, else a multipart upload whose parts are read
   * from the file one at a time. Memory stays at a few read buffers whatever the size; every request is retried by
   * reading the file again. Returns the bytes stored.
   */
  async putFile(bucket: string, key: string, path: string, contentType = 'application/octet-stream'): Promise<number> {
    const { size } = await stat(path);
    if (size <= FILE_PART_BYTES) {
      await withAttempts(() => this.putSized(bucket, key, createReadStream(path), size, contentType));
      return size;
    }
    const partSize = Math.max(FILE_PART_BYTES, Math.ceil(size / S3_MAX_PARTS));
    const uploadId = await this.createMultipartUpload(bucket, key, contentType);
    try {
      const parts: Array<{ partNumber: number; etag: string }> = [];
      for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber++) {
        const length = Math.min(partSize, size - start);
        const response = await withAttempts(() =>
          this.sendSized(createReadStream(path, { start, end: start + length - 1 }), length, (checked, abortSignal) =>
            this.streamingClient.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: checked, ContentLength: length }), { abortSignal }),
          ),
        );
        if (!response.ETag) throw new Error(`no ETag for part ${partNumber} of ${bucket}/${key}`);
        parts.push({ partNumber, etag: response.ETag });
      }
      await this.completeMultipartUpload(bucket, key, uploadId, parts);
    } catch (error) {
      await this.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      throw error;
    }
    return size;
  }

  /** Runs `send(checked)` where `checked` is `body` held to exactly `size` bytes; a failing body aborts the request. */
  private async sendSized(
    body: Readable,
    size: number,
    send: (checked: Readable, abortSignal: AbortSignal) => Promise<{ ETag?: string }>,
    mismatch?: SizeMismatch,
  ): Promise<{ ETag?: string }> {
    const aborter = new AbortController();
    let bodyError: unknown;
    let seen = 0;
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        callback(seen > size ? (mismatch?.(`more than ${size} bytes`) ?? new Error(`body is longer than its ${size} bytes`)) : null, chunk);
      },
      flush(callback) {
        callback(seen === size ? null : (mismatch?.(`${seen} bytes`) ?? new Error(`body ended after ${seen} of its ${size} bytes`)));
      },
    });
    checked.on('error', (error) => {
      bodyError ??= error;
      aborter.abort();
    });
    body.on('error', (error) => checked.destroy(error));
    body.on('close', () => {
      if (!body.readableEnded) checked.destroy(new Error('body closed before its end'));
    });
    body.pipe(checked);
    try {
      return await send(checked, aborter.signal);
    } catch (error) {
      throw bodyError ?? error;
    } finally {
      body.unpipe(checked);
    }
  }

  /** Streams a body of unknown size: multipart with a bounded number of parts in memory (5 MiB × 4). */
  async putStream(bucket: string, key: string, body: Readable, contentType = 'application/octet-stream'): Promise<number> {
    let bytes = 0;
    body.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const upload = new Upload({ client: this.client, params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType }, queueSize: 4, partSize: 5 * 1024 * 1024, leavePartsOnError: false });
    await upload.done();
    return bytes;
  }

  async head(bucket: string, key: string): Promise<{ size: number; etag: string | undefined; lastModified: Date | undefined } | undefined> {
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: Number(response.ContentLength ?? 0), etag: response.ETag, lastModified: response.LastModified };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<void> {
    await this.client.send(new CopyObjectCommand({ Bucket: toBucket, Key: toKey, CopySource: `${fromBucket}/${encodeURIComponent(fromKey).replace(/%2F/g, '/')}` }));
  }

  async *listKeys(bucket: string, prefix: string): AsyncIterable<{ key: string; size: number }> {
    // ListObjects (v1) paged by marker = the last key seen: s3rver builds v2 continuation tokens with DES, which
    // OpenSSL 3 (Node ≥ 17) no longer offers, so every truncated v2 listing (> 1000 keys) fails there with
    // InternalError. A key marker also stays valid while the keys before it are deleted (deletePrefix).
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
      const objects = page.Contents ?? [];
      for (const object of objects) if (object.Key) yield { key: object.Key, size: Number(object.Size ?? 0) };
      if (!page.IsTruncated || objects.length === 0) return;
      marker = page.NextMarker ?? objects[objects.length - 1].Key;
    }
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    let deleted = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      deleted += batch.length;
      batch = [];
    };
    for await (const { key } of this.listKeys(bucket, prefix)) {
      batch.push(key);
      if (batch.length === 1000) await flush();
    }
    await flush();
    return deleted;
  }

  async createMultipartUpload(bucket: string, key: string, contentType?: string): Promise<string> {
    const response = await this.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
    if (!response.UploadId) throw new Error(`no upload id for ${bucket}/${key}`);
    return response.UploadId;
  }

  presignUploadPart(bucket: string, key: string, uploadId: string, partNumber: number, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }), { expiresIn: expiresInSeconds });
  }

  async listUploadedParts(bucket: string, key: string, uploadId: string): Promise<Array<{ partNumber: number; etag: string; size: number }> | undefined> {
    const parts: Array<{ partNumber: number; etag: string; size: number }> = [];
    let marker: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }));
      } catch (error) {
        if (isUnsupported(error)) return undefined;
        throw error;
      }
      for (const part of page.Parts ?? []) if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: Number(part.Size ?? 0) });
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: Array<{ partNumber: number; etag: string }>): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) } }),
    );
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      if (!isNotFound(error) && !isUnsupported(error) && (error as { name?: string }).name !== 'NoSuchUpload') throw error;
    }
  }

  async listMultipartUploads(bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string; initiated: Date | undefined }>> {
    let response;
    try {
      response = await this.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    } catch (error) {
      if (isUnsupported(error)) return [];
      throw error;
    }
    return (response.Uploads ?? []).filter((u) => u.Key && u.UploadId).map((u) => ({ key: u.Key!, uploadId: u.UploadId!, initiated: u.Initiated }));
  }

  presignGet(bucket: string, key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    const disposition = downloadName ? `attachment; filename="${downloadName.replace(/["\\\r\n]/g, '_')}"` : undefined;
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition }), { expiresIn: expiresInSeconds });
  }

  destroy(): void {
    this.client.destroy();
    this.streamingClient.destroy();
  }
}

async function withAttempts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= FILE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * n));
    }
  }
}

// Some S3-compatible servers (s3rver) do not implement every multipart call.
function isUnsupported(error: unknown): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotImplemented' || e?.name === 'MethodNotAllowed' || e?.$metadata?.httpStatusCode === 405 || e?.$metadata?.httpStatusCode === 501;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}

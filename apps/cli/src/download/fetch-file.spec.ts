import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchFile, localCopy, UrlRefusedError } from './fetch-file';
import { ManifestFile } from './manifest';

// A tiny object store: serves one body, honouring Range unless told not to, and records what it was asked.
describe(fetchFile.name, () => {
  const body = randomBytes(64 * 1024);
  const sha256 = createHash('sha256').update(body).digest('hex');
  let server: Server;
  let url: string;
  let mode: 'ranges' | 'no-ranges' | 'forbidden' = 'ranges';
  let requests: IncomingMessage[] = [];
  let dir: string;
  const file = (): ManifestFile => ({ path: 'a/v1/x.dcm', sha256, size: body.length, mediaType: 'application/dicom', dataset: 'a', version: 1, url });

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request);
      if (mode === 'forbidden') return response.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      if (range && mode === 'ranges') {
        const start = Number(range[1]);
        if (start >= body.length) return response.writeHead(416).end();
        response.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start });
        return response.end(body.subarray(start));
      }
      response.writeHead(200, { 'content-length': body.length });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/object`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    mode = 'ranges';
    requests = [];
    dir = mkdtempSync(join(tmpdir(), 'imagora-fetch-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a verified file and no partial', async () => {
    const target = join(dir, 'x.dcm');
    let progress = 0;
    expect(await fetchFile(file(), url, target, (d) => (progress += d))).toEqual({ resumedFrom: 0, received: body.length });
    expect(readFileSync(target).equals(body)).toBe(true);
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(progress).toBe(body.length);
  });

  it('continues a partial with a Range request', async () => {
    const target = join(dir, 'x.dcm');
    writeFileSync(`${target}.partial`, body.subarray(0, 10_000));
    expect(await fetchFile(file(), url, target, () => undefined)).toEqual({ resumedFrom: 10_000, received: body.length - 10_000 });
    expect(requests.map((r) => r.headers.range)).toEqual(['bytes=10000-']);
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  it('starts over when the store ignores the range and sends the whole file', async () => {
    mode = 'no-ranges';
    const target = join(dir, 'x.dcm');
    writeFileSync(`${target}.partial`, body.subarray(0, 10_000));
    expect(await fetchFile(file(), url, target, () => undefined)).toEqual({ resumedFrom: 0, received: body.length });
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  it('detects a damaged partial by its hash, removes it and takes its progress back', async () => {
    const target = join(dir, 'x.dcm');
    const damaged = Buffer.from(body.subarray(0, 10_000));
    damaged[5] ^= 0xff;
    writeFileSync(`${target}.partial`, damaged);
    let progress = 0;
    await expect(fetchFile(file(), url, target, (d) => (progress += d))).rejects.toThrow(/sha256 mismatch/);
    expect(existsSync(`${target}.partial`)).toBe(false);
    expect(existsSync(target)).toBe(false);
    expect(progress).toBe(0);
    await fetchFile(file(), url, target, () => undefined);
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  it('finishes a partial that already holds every byte without asking the store', async () => {
    const target = join(dir, 'x.dcm');
    writeFileSync(`${target}.partial`, body);
    await fetchFile(file(), url, target, () => undefined);
    expect(requests).toHaveLength(0);
    expect(readFileSync(target).equals(body)).toBe(true);
  });

  it('reports a refused (expired) URL as such', async () => {
    mode = 'forbidden';
    await expect(fetchFile(file(), url, join(dir, 'x.dcm'), () => undefined)).rejects.toBeInstanceOf(UrlRefusedError);
  });

  it('refuses a body whose size differs from the manifest', async () => {
    await expect(fetchFile({ ...file(), size: body.length + 1 }, url, join(dir, 'x.dcm'), () => undefined)).rejects.toThrow(/size mismatch/);
  });
});

describe(`${fetchFile.name} of a large file`, () => {
  it('writes every byte in order when chunks arrive faster than the disk takes them', async () => {
    // 24 MiB in 64 KiB writes: several batched writes and waits for the disk (1 MiB may be unwritten at once).
    const big = randomBytes(24 << 20);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-length': big.length });
      let at = 0;
      const more = () => {
        while (at < big.length) {
          const chunk = big.subarray(at, at + 65536);
          at += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', more);
        }
        response.end();
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'imagora-fetch-big-'));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/big`;
      const target = join(dir, 'big.dcm');
      const file: ManifestFile = { path: 'a/v1/big.dcm', sha256: createHash('sha256').update(big).digest('hex'), size: big.length, mediaType: 'application/dicom', dataset: 'a', version: 1, url };
      expect(await fetchFile(file, url, target, () => undefined)).toEqual({ resumedFrom: 0, received: big.length });
      expect(readFileSync(target).equals(big)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe(localCopy.name, () => {
  it('tells a verified copy from a different one and from none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imagora-local-'));
    try {
      const bytes = randomBytes(1000);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const target = join(dir, 'x');
      expect(await localCopy(target, { size: 1000, sha256 })).toBe('absent');
      writeFileSync(target, bytes);
      expect(await localCopy(target, { size: 1000, sha256 })).toBe('verified');
      expect(await localCopy(target, { size: 999, sha256 })).toBe('different');
      writeFileSync(target, randomBytes(1000));
      expect(await localCopy(target, { size: 1000, sha256 })).toBe('different');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sharedObjectKey } from '@imagora/domain';
import { buildDataset, removeDataset } from '../../libs/validation/src/testing/validation-fixtures';
import { REPO_ROOT, runImagora } from '../support/cli';
import { prepareSubmissionHub, releaseDataset, SubmissionPeople } from '../support/submission-flow';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  url: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Every regular file under `root`, as forward-slash paths relative to it, with its sha256 computed here. */
function filesOnDisk(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else found.set(relative(root, absolute).split('\\').join('/'), createHash('sha256').update(readFileSync(absolute)).digest('hex'));
    }
  };
  if (existsSync(root)) walk(root);
  return found;
}

/**
 * A reverse proxy in front of the hub that can spoil the next manifests it passes on: `expire` backdates every
 * presigned URL by a day (the object store then answers 403 "Request has expired"), `escape` points one path
 * outside the output folder.
 */
async function startManifestProxy(target: string, slowStore?: string): Promise<{ url: string; manifests: number; spoil: Array<'expire' | 'escape' | 'slow'>; close(): Promise<void> }> {
  const state = { manifests: 0, spoil: [] as Array<'expire' | 'escape' | 'slow'> };
  const server: Server = createServer(async (request, response) => {
    const upstream = await fetch(`${target}${request.url}`, { method: request.method, headers: { authorization: request.headers.authorization ?? '', accept: 'application/json' } });
    let text = await upstream.text();
    if (/\/manifest(\?|$)/.test(request.url ?? '') && upstream.ok) {
      state.manifests++;
      const how = state.spoil.shift();
      const manifest = JSON.parse(text) as { files: ManifestFile[] };
      if (how === 'expire') {
        for (const file of manifest.files) {
          const url = new URL(file.url);
          url.searchParams.set('X-Amz-Date', '20000101T000000Z');
          file.url = url.toString();
        }
      }
      if (how === 'slow') {
        for (const file of manifest.files) {
          const url = new URL(file.url);
          file.url = `${slowStore}${url.pathname}${url.search}`;
        }
      }
      if (how === 'escape') manifest.files[0].path = `${manifest.files[0].path.split('/')[0]}/../../escaped.dcm`;
      text = JSON.stringify(manifest);
    }
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get manifests() {
      return state.manifests;
    },
    spoil: state.spoil,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The object store at a trickle (256 bytes every 25 ms: the corpus files are a few KiB), so a download can be killed halfway. Keeps the signed Host. */
async function startSlowStore(endpoint: string): Promise<{ url: string; close(): Promise<void> }> {
  const store = new URL(endpoint);
  const server = createServer((request, response) => {
    const headers: Record<string, string> = { host: store.host };
    if (request.headers.range) headers.range = request.headers.range;
    const upstream = httpRequest({ hostname: store.hostname, port: store.port, path: request.url, headers }, async (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      for await (const chunk of answer as AsyncIterable<Buffer>) {
        for (let i = 0; i < chunk.length; i += 256) {
          if (response.destroyed) return;
          response.write(chunk.subarray(i, i + 256));
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      response.end();
    });
    upstream.on('error', () => response.destroy());
    upstream.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sizes of the .partial files under `root`. */
function partials(root: string): number[] {
  const sizes: number[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else if (entry.name.endsWith('.partial')) sizes.push(statSync(absolute).size);
    }
  };
  if (existsSync(root)) walk(root);
  return sizes;
}

describe('imagora search, cohort, access, download and audit', () => {
  let hub: TestHub;
  let people: SubmissionPeople;
  let dataset: string;
  let work: string;
  let ivyEnv: Record<string, string>;
  let anonymousEnv: Record<string, string>;
  let adminEnv: Record<string, string>;
  let stewardEnv: Record<string, string>;
  let ivy: string;
  let cohortId: string;
  let manifest: ManifestFile[];

  const release = (slug: string) => releaseDataset(hub, people, slug, dataset);

  const imagora = (args: string[], env: Record<string, string>, timeoutMs = 60_000) => runImagora(args, { env, timeoutMs });

  /** `imagora download --json` into a folder; the summary, exit code and stderr. */
  async function download(out: string, env = ivyEnv, extra: string[] = []) {
    const result = await imagora(['download', cohortId, '--out', out, '--json', ...extra], env, 120_000);
    let summary: any;
    try {
      summary = JSON.parse(result.stdout);
    } catch {
      summary = undefined;
    }
    return { ...result, summary };
  }

  function expectExactlyTheManifest(out: string): void {
    const onDisk = filesOnDisk(out);
    expect([...onDisk.keys()].sort()).toEqual(manifest.map((f) => f.path).sort());
    for (const file of manifest) expect({ path: file.path, sha256: onDisk.get(file.path) }).toEqual({ path: file.path, sha256: file.sha256 });
  }

  beforeAll(async () => {
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5' });
    people = await prepareSubmissionHub(hub);
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username: 'ivy', password: 'ivy-password' } });
    await hub.request('/api/v1/organizations/south/members', { method: 'PUT', token: admin, json: { username: 'ivy', role: 'researcher' } });
    ivy = await hub.login('ivy', 'ivy-password');
    for (const [slug, policy] of [
      ['registered-set', 'registered'],
      ['controlled-set', 'controlled'],
    ]) {
      await hub.request('/api/v1/datasets', {
        method: 'POST',
        token: people.contributor,
        json: { organization: 'north', slug, title: `Chest findings (${policy})`, description: `${policy} access`, license: 'CC-BY-NC-4.0', accessPolicy: policy, dataUseAgreement: 'Do not try to re-identify anyone.' },
      });
    }
    dataset = buildDataset();
    work = mkdtempSync(join(tmpdir(), 'imagora-cli-catalog-'));
    const config = join(work, 'cfg');
    ivyEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: ivy, IMAGORA_CONFIG_DIR: config };
    anonymousEnv = { IMAGORA_HUB: hub.url, IMAGORA_CONFIG_DIR: config };
    adminEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: admin, IMAGORA_CONFIG_DIR: config };
    stewardEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: people.steward, IMAGORA_CONFIG_DIR: config };
    // An open and a registered dataset (7 instances each); the controlled one stays unreleased.
    await release('findings');
    await release('registered-set');
  }, 240_000);

  afterAll(async () => {
    await hub?.stop();
    if (dataset) removeDataset(dataset);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('search', () => {
    it('prints a table of hits with the key columns, the total and the facets', async () => {
      const api = (await hub.request('/api/v1/search?modality=CT&limit=100', { token: ivy })).body;
      const result = await imagora(['search', '--modality', 'CT', '--limit', '100'], ivyEnv);
      expect(result.code).toBe(0);
      const lines = result.stdout.split('\n');
      expect(lines[0].trim().split(/\s{2,}/)).toEqual(['DATASET', 'VERSION', 'MODALITY', 'BODYPART', 'SEX', 'AGE', 'SERIES', 'PATH', 'LABELS']);
      expect(lines.filter((l) => /^north\/(findings|registered-set)\s+v1\s+CT\s/.test(l))).toHaveLength(api.total);
      expect(result.stdout).toContain(`${api.total} instances match; ${api.total} shown`);
      expect(result.stdout).toMatch(new RegExp(`\\n  modality: CT ${api.total}\\n`));
      expect(result.stdout).toMatch(/\n {2}dataset: north\/findings \d+, north\/registered-set \d+/);
    });

    it('groups by series', async () => {
      const api = (await hub.request('/api/v1/search?level=series&limit=100', { token: ivy })).body;
      const result = await imagora(['search', '--level', 'series', '--limit', '100'], ivyEnv);
      expect(result.stdout.split('\n')[0].trim().split(/\s{2,}/)).toContain('INSTANCES');
      expect(result.stdout).toContain(`${api.total} series match`);
    });

    it('prints the hub’s JSON, and with --all every page, each hit once', async () => {
      const single = await imagora(['search', '--json', '--limit', '3'], ivyEnv);
      const page = JSON.parse(single.stdout);
      expect(page.hits).toHaveLength(3);
      expect(page.total).toBe(14);
      expect(typeof page.nextCursor).toBe('string');
      const all = await imagora(['search', '--json', '--all', '--limit', '3'], ivyEnv);
      const pages = JSON.parse(all.stdout) as Array<{ hits: Array<{ key: string }>; nextCursor: string | null }>;
      expect(pages).toHaveLength(5);
      const keys = pages.flatMap((p) => p.hits.map((h) => h.key));
      expect(new Set(keys).size).toBe(14);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
    });

    it('shows anonymous callers counts and facets only, no list', async () => {
      const api = (await hub.request('/api/v1/search')).body;
      const result = await imagora(['search'], anonymousEnv);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('DATASET');
      expect(result.stdout).not.toMatch(/2\.25\.|images\//);
      expect(result.stdout).toContain(`${api.total} instances match (signed out: counts only`);
      expect(result.stdout).toContain('modality: ');
      const json = JSON.parse((await imagora(['search', '--json', '--modality', 'CR', '--dataset', 'north/registered-set'], anonymousEnv)).stdout);
      expect(json.hits).toBeUndefined();
      expect(json.total).toBe('<5');
    });

    it('refuses a malformed filter before asking the hub', async () => {
      const result = await imagora(['search', '--age-min', '60', '--age-max', '40'], ivyEnv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--age-min is above --age-max');
    });
  });

  describe('cohorts and access', () => {
    it('creates a cohort and says which datasets are blocked and how to get access', async () => {
      const result = await imagora(['cohort', 'create', '--name', 'All findings', '--description', 'every instance'], ivyEnv);
      expect(result.code).toBe(0);
      cohortId = UUID.exec(/^cohort\s+(\S+)/m.exec(result.stdout)![1])![0];
      expect(result.stdout).toMatch(/^instances\s+14$/m);
      expect(result.stdout).toMatch(new RegExp(`^citation\\s+.*${cohortId}`, 'm'));
      expect(result.stdout).toContain('warning: ');
      expect(result.stdout).toContain('north/findings v1 (open): 7 instance(s)');
      expect(result.stdout).toContain('you may not download 1 of its dataset(s) yet');
      expect(result.stdout).toContain('north/registered-set (registered): accept its data-use agreement: imagora access accept north/registered-set');
      const listed = JSON.parse((await imagora(['cohort', 'list', '--json'], ivyEnv)).stdout);
      expect(listed.map((c: { id: string }) => c.id)).toEqual([cohortId]);
    });

    it('refuses the download until access is granted, naming the dataset and the command', async () => {
      const out = join(work, 'refused');
      const result = await download(out);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('CATALOG_ACCESS_REQUIRED');
      expect(result.stderr).toContain('north/registered-set (registered): accept its data-use agreement: imagora access accept north/registered-set');
      expect(filesOnDisk(out).size).toBe(0);
    });

    it('accepts a data-use agreement, after which the cohort is no longer blocked', async () => {
      const accepted = await imagora(['access', 'accept', 'north/registered-set'], ivyEnv);
      expect(accepted.code).toBe(0);
      expect(accepted.stdout).toContain('Do not try to re-identify anyone.');
      const got = await imagora(['cohort', 'get', cohortId], ivyEnv);
      expect(got.stdout).toContain('access: you may download every dataset of this cohort');
      expect(JSON.parse((await imagora(['cohort', 'get', cohortId, '--json'], ivyEnv)).stdout).blocked).toEqual([]);
    });

    it('requests access to a controlled dataset, which only a steward of its organization decides', async () => {
      const requested = await imagora(['access', 'request', 'north/controlled-set', '--purpose', 'nodule detection', '--json'], ivyEnv);
      expect(requested.code).toBe(0);
      const id = JSON.parse(requested.stdout).id as string;
      const self = await imagora(['access', 'approve', id, '--reason', 'me'], ivyEnv);
      expect(self.code).toBe(2);
      expect(self.stderr).toContain('AUTH_FORBIDDEN');
      const pending = JSON.parse((await imagora(['access', 'list', '--state', 'pending', '--json'], stewardEnv)).stdout);
      expect(pending.map((r: { id: string }) => r.id)).toContain(id);
      const denied = await imagora(['access', 'deny', id, '--reason', 'no protocol attached'], stewardEnv);
      expect(denied.stdout).toContain(`access request ${id} for north/controlled-set by ivy: denied`);
      const mine = JSON.parse((await imagora(['access', 'list', '--json'], ivyEnv)).stdout);
      expect(mine.find((r: { id: string }) => r.id === id)).toMatchObject({ state: 'denied', decisionReason: 'no protocol attached' });
    });

    it('deletes a cohort', async () => {
      const created = JSON.parse((await imagora(['cohort', 'create', '--name', 'CT only', '--modality', 'CT', '--json'], ivyEnv)).stdout);
      expect(created.query).toEqual({ modality: ['CT'] });
      expect((await imagora(['cohort', 'delete', created.id], ivyEnv)).code).toBe(0);
      expect((await imagora(['cohort', 'get', created.id], ivyEnv)).code).toBe(2);
    });
  });

  describe('download', () => {
    let out: string;

    beforeAll(async () => {
      manifest = (await hub.request(`/api/v1/cohorts/${cohortId}/manifest`, { token: ivy })).body.files;
      out = join(work, 'cohort');
    });

    it('downloads every file of the manifest, each sha256 verified, and nothing else', async () => {
      const result = await download(out, ivyEnv, ['--concurrency', '3']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.summary).toMatchObject({ cohort: cohortId, files: manifest.length, downloaded: manifest.length, skipped: 0, failed: [], bytes: manifest.reduce((s, f) => s + f.size, 0) });
      expectExactlyTheManifest(out);
    });

    it('skips every file on a second run', async () => {
      const result = await download(out);
      expect(result.code).toBe(0);
      expect(result.summary).toMatchObject({ files: manifest.length, downloaded: 0, skipped: manifest.length, transferred: 0, failed: [] });
    });

    it('detects a damaged local file of the right size and downloads it again', async () => {
      const victim = manifest.find((f) => f.size > 1000)!;
      const path = join(out, ...victim.path.split('/'));
      const bytes = readFileSync(path);
      bytes.fill(0, 200, 400);
      writeFileSync(path, bytes);
      expect(statSync(path).size).toBe(victim.size);
      const result = await download(out);
      expect(result.code).toBe(0);
      expect(result.summary).toMatchObject({ downloaded: 1, replaced: 1, skipped: manifest.length - 1, transferred: victim.size });
      expectExactlyTheManifest(out);
    });

    it('continues a .partial left by an interrupted run with a Range request', async () => {
      const victim = [...manifest].sort((a, b) => b.size - a.size)[0];
      const path = join(out, ...victim.path.split('/'));
      const kept = Math.floor(victim.size / 3);
      writeFileSync(`${path}.partial`, readFileSync(path).subarray(0, kept));
      rmSync(path);
      const result = await download(out);
      expect(result.code).toBe(0);
      expect(result.summary).toMatchObject({ downloaded: 1, resumed: 1, transferred: victim.size - kept });
      expectExactlyTheManifest(out);
    });

    it('restarts a damaged .partial and still ends verified', async () => {
      const victim = [...manifest].sort((a, b) => b.size - a.size)[0];
      const path = join(out, ...victim.path.split('/'));
      writeFileSync(`${path}.partial`, Buffer.alloc(Math.floor(victim.size / 2), 7));
      rmSync(path);
      const result = await download(out);
      expect(result.code).toBe(0);
      expect(result.summary).toMatchObject({ downloaded: 1, failed: [] });
      expectExactlyTheManifest(out);
    });

    it('re-fetches the manifest when the store refuses an expired URL', async () => {
      const proxy = await startManifestProxy(hub.url);
      try {
        proxy.spoil.push('expire');
        const fresh = join(work, 'expired');
        const result = await download(fresh, { ...ivyEnv, IMAGORA_HUB: proxy.url });
        expect(result.code).toBe(0);
        expect(result.summary).toMatchObject({ downloaded: manifest.length, failed: [], manifestFetches: 2 });
        expect(proxy.manifests).toBe(2);
        expectExactlyTheManifest(fresh);
      } finally {
        await proxy.close();
      }
    });

    it('resumes after the download was killed mid-transfer', async () => {
      const slow = await startSlowStore(process.env.S3_ENDPOINT!);
      const proxy = await startManifestProxy(hub.url, slow.url);
      const fresh = join(work, 'killed');
      try {
        proxy.spoil.push('slow');
        const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'imagora.js'), 'download', cohortId, '--out', fresh, '--concurrency', '2'], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...ivyEnv, IMAGORA_HUB: proxy.url },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (chunk) => (stderr += chunk));
        const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline && child.exitCode === null && !partials(fresh).some((size) => size >= 1024)) await new Promise((resolve) => setTimeout(resolve, 20));
        child.kill('SIGKILL');
        expect({ signal: await exited, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
      } finally {
        await proxy.close();
        await slow.close();
      }
      const kept = partials(fresh).reduce((sum, size) => sum + size, 0);
      expect(kept).toBeGreaterThanOrEqual(1024);
      const result = await download(fresh);
      expect(result.code).toBe(0);
      expect(result.summary.resumed).toBeGreaterThanOrEqual(1);
      expect(result.summary.transferred).toBeLessThanOrEqual(manifest.reduce((sum, f) => sum + f.size, 0) - kept);
      expectExactlyTheManifest(fresh);
    }, 120_000);

    it('refuses a manifest whose path escapes the output folder and writes nothing', async () => {
      const proxy = await startManifestProxy(hub.url);
      try {
        proxy.spoil.push('escape');
        const parent = join(work, 'hostile');
        const result = await download(join(parent, 'out'), { ...ivyEnv, IMAGORA_HUB: proxy.url });
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('refusing manifest path');
        expect(result.stderr).toContain('".." in path');
        expect(filesOnDisk(parent).size).toBe(0);
      } finally {
        await proxy.close();
      }
    });

    it('writes its downloads to the audit log, which verifies intact for an admin', async () => {
      const verified = await imagora(['audit', 'verify'], adminEnv);
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/^audit log intact: \d+ record\(s\)/);
      const listed = JSON.parse((await imagora(['audit', 'list', '--limit', '1000', '--json'], adminEnv)).stdout) as Array<{ action: string; targetId: string }>;
      expect(listed.filter((e) => e.action === 'download.manifest' && e.targetId === cohortId).length).toBeGreaterThanOrEqual(8);
      const table = await imagora(['audit', 'list', '--after', '1', '--limit', '2'], adminEnv);
      expect(table.stdout.split('\n')[0].trim().split(/\s{2,}/)).toEqual(['SEQUENCE', 'AT', 'ACTOR', 'ACTION', 'TARGET', 'FROM']);
      expect(table.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['2', '3']);
    });

    it('tells a non-admin that the audit log is for hub administrators', async () => {
      const result = await imagora(['audit', 'verify'], ivyEnv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('the audit log is for hub administrators');
    });

    // Last: it removes an object from the shared bucket.
    it('exits 1 listing every file that could not be downloaded, after verifying all the others', async () => {
      const lost = manifest.find((f) => f.size > 1000)!;
      await hub.hub.runtime.objectStore.delete(hub.hub.runtime.objectStore.buckets.shared, sharedObjectKey(lost.sha256));
      const gone = manifest.filter((f) => f.sha256 === lost.sha256).map((f) => f.path).sort();
      const fresh = join(work, 'broken');
      const result = await download(fresh);
      expect(result.code).toBe(1);
      expect(result.summary.failed.map((f: { path: string }) => f.path)).toEqual(gone);
      expect(result.summary.failed.every((f: { reason: string }) => /HTTP 404/.test(f.reason))).toBe(true);
      expect(result.summary.downloaded).toBe(manifest.length - gone.length);
      for (const path of gone) expect(result.stderr).toContain(`  ${path}: HTTP 404`);
      const onDisk = filesOnDisk(fresh);
      for (const file of manifest.filter((f) => !gone.includes(f.path))) expect(onDisk.get(file.path)).toBe(file.sha256);
      expect([...onDisk.keys()].some((p) => gone.some((g) => p.startsWith(g)))).toBe(false);
      // The text report says the same without --json.
      const text = await imagora(['download', cohortId, '--out', fresh], ivyEnv, 120_000);
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(`${gone.length} failed`);
      expect(text.stderr).toContain(`imagora: ${gone.length} file(s) failed:`);
    });
  });
});

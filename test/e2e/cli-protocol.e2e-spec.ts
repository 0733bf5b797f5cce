import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runImagora } from '../support/cli';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

const LIDC = join(REPO_ROOT, 'protocols', 'lidc-lung-nodule-ct');

describe('imagora protocol', () => {
  let hub: TestHub;
  let work: string;
  let adminEnv: Record<string, string>;
  let reviewerEnv: Record<string, string>;

  beforeAll(async () => {
    hub = await startTestHub();
    work = mkdtempSync(join(tmpdir(), 'imagora-protocol-'));
    chmodSync(work, 0o755);
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username: 'reviewer', password: 'reviewer-password' } });
    await hub.request('/api/v1/organizations/default/members', { method: 'PUT', token: admin, json: { username: 'reviewer', role: 'committee' } });
    adminEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: admin, IMAGORA_CONFIG_DIR: join(work, 'cfg') };
    reviewerEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: await hub.login('reviewer', 'reviewer-password'), IMAGORA_CONFIG_DIR: join(work, 'cfg') };
  });

  afterAll(async () => {
    await hub?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  function writeDocument(file: string, document: unknown): string {
    const path = join(work, file);
    writeFileSync(path, JSON.stringify(document, null, 2));
    return path;
  }

  function shipped(version: string): Record<string, any> {
    return JSON.parse(readFileSync(join(LIDC, `${version}.json`), 'utf8'));
  }

  describe('offline', () => {
    it('lints the shipped protocols clean (exit 0)', async () => {
      const result = await runImagora(['protocol', 'lint', join(LIDC, '1.0.0.json'), join(LIDC, '1.1.0.json')]);
      expect(result).toMatchObject({ code: 0 });
    });

    it('reports problems with their pointer and code (exit 1)', async () => {
      const broken = writeDocument('broken.json', { ...shipped('1.0.0'), version: 'one' });
      const result = await runImagora(['protocol', 'lint', broken, '--json']);
      expect(result.code).toBe(1);
      const [report] = JSON.parse(result.stdout);
      expect(report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/version' })]));
    });

    it('exits 2 for a file it cannot read', async () => {
      expect((await runImagora(['protocol', 'lint', join(work, 'missing.json')])).code).toBe(2);
    });

    it('finds the shipped evolution compatible (exit 0) and prints the JSON shape', async () => {
      const result = await runImagora(['protocol', 'diff', join(LIDC, '1.0.0.json'), join(LIDC, '1.1.0.json'), '--json']);
      expect(result.code).toBe(0);
      const diff = JSON.parse(result.stdout);
      expect(diff.compatible).toBe(true);
      for (const change of diff.changes) expect(Object.keys(change).sort()).toEqual(['breaks', 'kind', 'message', 'pointer']);
    });

    it('exits 1 on a breaking change and names the direction it breaks', async () => {
      const next = shipped('1.1.0');
      next.version = '1.2.0';
      next.annotation.required = [...(next.annotation.required ?? []), 'zPosition'];
      const result = await runImagora(['protocol', 'diff', join(LIDC, '1.1.0.json'), writeDocument('breaking.json', next), '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: expect.stringContaining('required'), breaks: expect.arrayContaining(['BACKWARD']) })]));
    });
  });

  describe('on a hub', () => {
    const doc = (version: string, extra: Record<string, unknown> = {}): Record<string, any> => ({
      ...shipped('1.0.0'),
      name: 'cli-nodules',
      version,
      title: 'CLI nodules',
      ...extra,
    });

    it('submits, approves (as another committee member), publishes and gets a version by range', async () => {
      const file = writeDocument('cli-1.0.0.json', doc('1.0.0'));
      expect(await runImagora(['protocol', 'submit', file, '--organization', 'default'], { env: adminEnv })).toMatchObject({ code: 0 });
      const selfApproval = await runImagora(['protocol', 'approve', 'cli-nodules@1.0.0'], { env: adminEnv });
      expect(selfApproval.code).not.toBe(0);
      expect(selfApproval.stderr).toContain('REGISTRY_SELF_REVIEW');
      expect(await runImagora(['protocol', 'approve', 'cli-nodules@1.0.0', '--comment', 'ok'], { env: reviewerEnv })).toMatchObject({ code: 0 });
      expect(await runImagora(['protocol', 'publish', 'cli-nodules@1.0.0'], { env: adminEnv })).toMatchObject({ code: 0 });
      const got = await runImagora(['protocol', 'get', 'cli-nodules@^1'], { env: { IMAGORA_HUB: hub.url, IMAGORA_CONFIG_DIR: join(work, 'anon') } });
      expect(got.code).toBe(0);
      expect(JSON.parse(got.stdout)).toMatchObject({ name: 'cli-nodules', version: '1.0.0' });
      const list = await runImagora(['protocol', 'list', '--json'], { env: { IMAGORA_HUB: hub.url, IMAGORA_CONFIG_DIR: join(work, 'anon') } });
      expect(JSON.parse(list.stdout).map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['cli-nodules', 'lidc-lung-nodule-ct']));
    });

    it('refuses to publish a breaking minor version, listing what breaks (exit 1)', async () => {
      const breaking = doc('1.1.0');
      breaking.annotation = { ...breaking.annotation, required: [...(breaking.annotation.required ?? []), 'zPosition'] };
      expect(await runImagora(['protocol', 'submit', writeDocument('cli-1.1.0.json', breaking)], { env: adminEnv })).toMatchObject({ code: 0 });
      expect(await runImagora(['protocol', 'approve', 'cli-nodules@1.1.0'], { env: reviewerEnv })).toMatchObject({ code: 0 });
      const refused = await runImagora(['protocol', 'publish', 'cli-nodules@1.1.0'], { env: adminEnv });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('PROTOCOL_BREAKING_CHANGE');
      expect(refused.stdout).toContain('breaks BACKWARD');
    });

    it('diffs NAME@VERSION references fetched from the hub', async () => {
      const result = await runImagora(['protocol', 'diff', 'lidc-lung-nodule-ct@1.0.0', 'lidc-lung-nodule-ct@1.1.0', '--json'], { env: { IMAGORA_HUB: hub.url, IMAGORA_CONFIG_DIR: join(work, 'anon') } });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).compatible).toBe(true);
    });

    it('deprecates a version with a reason', async () => {
      expect(await runImagora(['protocol', 'deprecate', 'cli-nodules@1.0.0', '--reason', 'superseded'], { env: adminEnv })).toMatchObject({ code: 0 });
      const record = await runImagora(['protocol', 'get', 'cli-nodules@1.0.0', '--json'], { env: adminEnv });
      expect(JSON.parse(record.stdout)).toMatchObject({ status: 'deprecated', deprecationReason: 'superseded' });
    });
  });
});

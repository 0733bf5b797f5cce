import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tags, encodingOf, findElement, scanDicomHeader, setElement, textElement } from '@imagora/dicom';
import { IMAGES, buildDataset, corpusCtWithPixels, datasetManifest, removeDataset, testProtocol, validRecords, writeDicomFile, RECORDS_FILE, TEST_PROTOCOL_ID } from '../../libs/validation/src/testing/validation-fixtures';
import { REPO_ROOT, runImagora } from '../support/cli';
import { listDatasetFiles, waitForState } from '../support/submission-flow';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

const IDENTIFYING_TAGS = ['00100010', '00100020', '00100030', '00080080', '00080090', '00080050', '00200010'];
const PART = 8 * 1024 * 1024;
const BIG_PARTS = 12;

/** A valid CT slice of the protocol with a large pixel matrix (12 multipart parts), written without holding it. */
function writeBigCt(target: string): void {
  const file = corpusCtWithPixels((BIG_PARTS * PART - PART / 2) / (4096 * 2), 4096);
  const uid = `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n}`;
  setElement(file.dataset, textElement(Tags.SOPInstanceUID, 'UI', uid));
  const meta = file.meta.length ? file.meta : [textElement(Tags.TransferSyntaxUID, 'UI', file.transferSyntaxUid)];
  setElement(meta, textElement(Tags.MediaStorageSOPInstanceUID, 'UI', uid));
  if (!findElement(meta, Tags.MediaStorageSOPClassUID)) setElement(meta, { ...findElement(file.dataset, Tags.SOPClassUID)!, tag: Tags.MediaStorageSOPClassUID });
  writeDicomFile(target, { meta, dataset: file.dataset, encoding: encodingOf(file.transferSyntaxUid) });
}

function stateOf(dir: string): any {
  const folder = join(dir, '.imagora');
  const name = existsSync(folder) ? readdirSync(folder).find((f) => /^upload-.*\.json$/.test(f)) : undefined;
  if (!name) return undefined;
  try {
    return JSON.parse(readFileSync(join(folder, name), 'utf8'));
  } catch {
    return undefined;
  }
}

function partsDone(state: any): number {
  return Object.values(state?.files ?? {}).reduce((sum: number, f: any) => sum + Object.keys(f.multipart?.etags ?? {}).length, 0);
}

/** Starts `imagora upload` and sends `signal` once `ready(state)` holds for its state file. */
async function interruptUpload(args: string[], env: Record<string, string>, ready: (state: any) => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string; state: any }> {
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'imagora.js'), ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let running = true;
  void exited.then(() => (running = false));
  const dir = args[1];
  const deadline = Date.now() + 60_000;
  while (running && Date.now() < deadline) {
    if (ready(stateOf(dir))) {
      child.kill(signal);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (running && Date.now() >= deadline) child.kill('SIGKILL');
  const result = await exited;
  return { ...result, stderr, state: stateOf(dir) };
}

describe('imagora upload and imagora submission', () => {
  let hub: TestHub;
  let work: string;
  let contributorEnv: Record<string, string>;
  let stewardEnv: Record<string, string>;
  let contributor: string;
  const datasets: string[] = [];

  const newDataset = (records = validRecords(20), manifest: Record<string, unknown> = { dataset: 'north/findings' }) => {
    const dir = buildDataset(records);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'dataset.json'), JSON.stringify(datasetManifest(manifest), null, 2));
    datasets.push(dir);
    return dir;
  };
  const submissionsOf = async () => (await hub.request('/api/v1/submissions', { token: contributor })).body as Array<{ id: string; state: string }>;

  beforeAll(async () => {
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5' });
    work = mkdtempSync(join(tmpdir(), 'imagora-cli-upload-'));
    chmodSync(work, 0o755);
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    await hub.request('/api/v1/organizations', { method: 'POST', token: admin, json: { slug: 'north', name: 'North' } });
    for (const [username, role] of [['carl', 'contributor'], ['sue', 'steward']]) {
      await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username, password: `${username}-password` } });
      await hub.request('/api/v1/organizations/north/members', { method: 'PUT', token: admin, json: { username, role } });
    }
    contributor = await hub.login('carl', 'carl-password');
    const steward = await hub.login('sue', 'sue-password');
    contributorEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: contributor, IMAGORA_CONFIG_DIR: join(work, 'cfg') };
    stewardEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: steward, IMAGORA_CONFIG_DIR: join(work, 'cfg') };
    const protocol = testProtocol();
    await hub.request('/api/v1/protocols', { method: 'POST', token: admin, json: { name: protocol.name, title: protocol.title, organization: 'default' } });
    expect((await hub.request(`/api/v1/protocols/${protocol.name}/versions/${protocol.version}`, { method: 'PUT', token: admin, json: protocol })).status).toBe(200);
    expect((await hub.request(`/api/v1/protocols/${protocol.name}/versions/${protocol.version}/publish`, { method: 'POST', token: admin })).status).toBe(200);
    expect((await hub.request('/api/v1/datasets', { method: 'POST', token: contributor, json: { organization: 'north', slug: 'findings', title: 'Findings', license: 'CC-BY-4.0', accessPolicy: 'open' } })).status).toBe(201);
  });

  afterAll(async () => {
    await hub?.stop();
    for (const dir of datasets) removeDataset(dir);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('uploads a valid dataset, follows it to awaiting-review with --wait, and `submission approve` releases it', async () => {
    const dir = newDataset();
    const result = await runImagora(['upload', dir, '--wait', '--json'], { env: contributorEnv, timeoutMs: 120_000 });
    expect(result.stderr).toContain('awaiting-review');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ dataset: 'north/findings', protocol: TEST_PROTOCOL_ID, state: 'awaiting-review', resumed: false, files: 9, registered: 9, uploaded: 9 });
    // The hub stored (and re-hashed) every file of the folder, the state file not among them.
    const stored = (await hub.request(`/api/v1/submissions/${summary.submissionId}/files`, { token: contributor })).body as Array<{ path: string; sha256: string; state: string }>;
    expect(stored.map((f) => [f.path, f.sha256, f.state])).toEqual(listDatasetFiles(dir).filter((f) => !f.path.startsWith('.imagora/')).map((f) => [f.path, f.sha256, 'stored']));

    const status = await runImagora(['submission', 'status', summary.submissionId], { env: contributorEnv });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/state\s+awaiting-review/);
    expect(status.stdout).toMatch(/validation\s+valid: 0 error/);
    const listed = await runImagora(['submission', 'list', '--state', 'awaiting-review', '--json'], { env: contributorEnv });
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toContain(summary.submissionId);

    const notSteward = await runImagora(['submission', 'approve', summary.submissionId], { env: contributorEnv });
    expect(notSteward.code).toBe(2);
    const approved = await runImagora(['submission', 'approve', summary.submissionId, '--reason', 'looked at the samples'], { env: stewardEnv });
    expect(approved.stderr).toBe('');
    expect(approved.code).toBe(0);
    const released = await waitForState(hub, contributor, summary.submissionId, ['released']);
    expect(released.releasedVersion).toBeGreaterThanOrEqual(1);
    expect(released.events.find((e: { to: string }) => e.to === 'approved').reason).toBe('looked at the samples');
  });

  it('refuses an invalid dataset locally (exit 1) without creating a submission; --force uploads it and --wait reports it invalid', async () => {
    const records = validRecords(4);
    records[1].label = 'no-such-label';
    const dir = newDataset(records);
    const before = (await submissionsOf()).length;
    const refused = await runImagora(['upload', dir], { env: contributorEnv, timeoutMs: 60_000 });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/invalid.*--force/);
    expect(refused.stdout).toContain('no-such-label');
    expect(await submissionsOf()).toHaveLength(before);
    expect(stateOf(dir)?.submissionId).toBeUndefined();

    const forced = await runImagora(['upload', dir, '--force', '--wait', '--json'], { env: contributorEnv, timeoutMs: 120_000 });
    expect(forced.code).toBe(1);
    expect(JSON.parse(forced.stdout)).toMatchObject({ state: 'invalid', validation: { valid: false, forced: true } });
    expect(await submissionsOf()).toHaveLength(before + 1);
  });

  it('resumes the same submission after SIGKILL and after Ctrl-C mid-multipart, without registering again or resending parts', async () => {
    const dir = newDataset(validRecords(5), {});
    writeBigCt(join(dir, 'images', 'ct', 'big.dcm'));
    const args = ['upload', dir, '--dataset', 'north/findings', '--concurrency', '1', '--json'];
    const before = (await submissionsOf()).length;

    const killed = await interruptUpload(args, contributorEnv, (state) => partsDone(state) >= 1, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const submissionId = killed.state.submissionId as string;
    expect(submissionId).toMatch(/^[0-9a-f-]{36}$/);
    const afterKill = partsDone(killed.state);
    expect(afterKill).toBeGreaterThanOrEqual(1);
    expect(afterKill).toBeLessThan(BIG_PARTS);

    const interrupted = await interruptUpload(args, contributorEnv, (state) => partsDone(state) > afterKill, 'SIGINT');
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain(`resume submission ${submissionId}`);
    expect(interrupted.state.submissionId).toBe(submissionId);
    const afterInterrupt = partsDone(interrupted.state);
    expect(afterInterrupt).toBeGreaterThan(afterKill);
    expect(afterInterrupt).toBeLessThan(BIG_PARTS);

    const finished = await runImagora([...args, '--wait'], { env: contributorEnv, timeoutMs: 180_000 });
    // A DICOM file larger than 8 MiB passes the hub's validation too (its header is read from a stream prefix).
    expect({ code: finished.code, stderr: finished.code === 0 ? '' : finished.stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(finished.stdout);
    expect(summary).toMatchObject({ submissionId, resumed: true, registered: 0, state: 'awaiting-review' });
    expect(summary.partsReused).toBeGreaterThanOrEqual(afterInterrupt);
    expect(await submissionsOf()).toHaveLength(before + 1);
    const files = (await hub.request(`/api/v1/submissions/${submissionId}/files`, { token: contributor })).body as Array<{ path: string; size: number; state: string }>;
    expect(files.find((f) => f.path === 'images/ct/big.dcm')).toMatchObject({ size: listDatasetFiles(dir).find((f) => f.path === 'images/ct/big.dcm')!.size, state: 'stored' });
  }, 300_000);

  it('refuses to continue when a file changed since the upload began, and --restart starts a new submission', async () => {
    const dir = newDataset(validRecords(5));
    const first = await runImagora(['upload', dir, '--json'], { env: contributorEnv, timeoutMs: 60_000 });
    expect(first.code).toBe(0);
    const firstId = JSON.parse(first.stdout).submissionId;
    appendFileSync(join(dir, RECORDS_FILE), `${JSON.stringify({ ...validRecords(6)[5], id: 'late' })}\n`);
    const changed = await runImagora(['upload', dir], { env: contributorEnv, timeoutMs: 60_000 });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(new RegExp(`${RECORDS_FILE} \\(changed\\).*--restart`));
    const restarted = await runImagora(['upload', dir, '--restart', '--json'], { env: contributorEnv, timeoutMs: 60_000 });
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout)).toMatchObject({ resumed: false, registered: 9 });
    expect(JSON.parse(restarted.stdout).submissionId).not.toBe(firstId);
  });

  it('--deid-local uploads only de-identified bytes: no PHI of the inputs reaches the hub, and annotations stay linked', async () => {
    const dir = newDataset();
    const keyFile = join(work, 'institution.key');
    writeFileSync(keyFile, randomBytes(32));
    const identifying = new Set<string>();
    const originalUids = new Set(Object.values(IMAGES).map((image) => image.uid));
    for (const file of listDatasetFiles(dir).filter((f) => f.path.startsWith('images/'))) {
      const header = scanDicomHeader(readFileSync(file.absolute));
      for (const tag of IDENTIFYING_TAGS) {
        const value = header.getString(tag)?.trim();
        if (value && value.length >= 4) identifying.add(value);
      }
    }
    expect(identifying.size).toBeGreaterThan(0);

    const result = await runImagora(['upload', dir, '--deid-local', '--key-file', keyFile, '--wait', '--json'], { env: contributorEnv, timeoutMs: 120_000 });
    expect(result.stderr).toContain('awaiting-review');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ deidLocal: true, state: 'awaiting-review', files: 9 });
    const view = (await hub.request(`/api/v1/submissions/${summary.submissionId}`, { token: contributor })).body;
    expect(view.deidLocal).toBe(true);

    // What the hub received, read back from quarantine: every uploaded object, none with a PHI value or an original UID.
    const store = hub.hub.runtime.objectStore;
    const keys: string[] = [];
    for await (const { key } of store.listKeys(store.buckets.quarantine, `submissions/${summary.submissionId}/raw/`)) keys.push(key);
    expect(keys).toHaveLength(9);
    const uploadedInstances = new Set<string>();
    const referenced: string[] = [];
    for (const key of keys) {
      const bytes = await store.getBuffer(store.buckets.quarantine, key);
      const text = bytes.toString('latin1');
      for (const value of [...identifying, ...originalUids]) expect({ key, leaked: text.includes(value) ? value : null }).toEqual({ key, leaked: null });
      if (bytes.length > 132 && bytes.toString('latin1', 128, 132) === 'DICM') {
        const header = scanDicomHeader(bytes);
        expect(header.getString('00120062')?.trim()).toBe('YES');
        uploadedInstances.add(header.sopInstanceUid!);
      } else if (text.startsWith('{"id"')) {
        for (const line of text.trim().split('\n')) referenced.push(JSON.parse(line).image.sopInstanceUid);
      }
    }
    expect(uploadedInstances.size).toBe(7);
    expect(referenced).toHaveLength(20);
    for (const uid of referenced) expect({ uid, linked: uploadedInstances.has(uid) }).toEqual({ uid, linked: true });

    const rejected = await runImagora(['submission', 'reject', summary.submissionId, '--reason', 'test data only'], { env: stewardEnv });
    expect(rejected.code).toBe(0);
    expect((await hub.request(`/api/v1/submissions/${summary.submissionId}`, { token: contributor })).body.state).toBe('rejected');
  });

  it('--deid-local without --key-file is a usage error', async () => {
    const result = await runImagora(['upload', newDataset(), '--deid-local'], { env: contributorEnv });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--key-file');
  });

  it('needs a dataset: from --dataset or dataset.json (exit 2 otherwise)', async () => {
    const result = await runImagora(['upload', newDataset(validRecords(2), {})], { env: contributorEnv });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--dataset ORG\/SLUG/);
  });

  it('exits 2 with a clear message for a hub that does not answer, and for a wrong token', async () => {
    const dir = newDataset(validRecords(2));
    const noHub = await runImagora(['upload', dir, '--hub', 'http://127.0.0.1:9'], { env: contributorEnv });
    expect(noHub.code).toBe(2);
    expect(noHub.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
    const badToken = await runImagora(['upload', dir], { env: { ...contributorEnv, IMAGORA_TOKEN: 'not-a-token' } });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(/token expired or revoked/);
    expect(stateOf(dir)).toBeUndefined();
    const status = await runImagora(['submission', 'status', 'not-an-id'], { env: contributorEnv });
    expect(status.code).toBe(2);
  });
});

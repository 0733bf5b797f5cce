import { buildDataset, removeDataset, validRecords, TEST_PROTOCOL_ID } from '../../libs/validation/src/testing/validation-fixtures';
import { startWorkerProcess } from '../support/cli';
import { prepareSubmissionHub, SubmissionPeople, uploadDataset, waitForState } from '../support/submission-flow';
import { startTestHub, TestHub } from '../support/test-hub';

// Crash safety with the worker as a separate process, as in production: a worker SIGKILLed mid-step
// leaves work that the next one finishes with the same result, and no duplicate or orphan objects.
describe('submission workers killed mid-step', () => {
  let hub: TestHub;
  let people: SubmissionPeople;
  let dataset: string;
  const workers: Array<ReturnType<typeof startWorkerProcess>> = [];

  // Debug logs from every worker: the last test checks that none of them carries PHI.
  const workerEnv = () => ({ ...hub.env, LOG_LEVEL: 'debug' });

  beforeAll(async () => {
    // Short expiry: the queue takes a job of a killed worker as crashed after 3 s and hands it to the next one.
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5', IMAGORA_JOB_EXPIRE_SECONDS: '3', IMAGORA_JOB_MAINTENANCE_SECONDS: '1' }, { worker: false });
    Object.assign(hub.env, { IMAGORA_JOB_POLL_SECONDS: '0.5', IMAGORA_JOB_EXPIRE_SECONDS: '3', IMAGORA_JOB_MAINTENANCE_SECONDS: '1', IMAGORA_PROTOCOL_APPROVALS: '0' });
    people = await prepareSubmissionHub(hub);
    // Enough records that remapping them takes long enough to be interrupted.
    dataset = buildDataset(validRecords(60_000));
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await hub?.stop();
    if (dataset) removeDataset(dataset);
  });

  async function submit(): Promise<string> {
    const created = await hub.request('/api/v1/submissions', { method: 'POST', token: people.contributor, json: { dataset: 'north/findings', protocol: TEST_PROTOCOL_ID } });
    await uploadDataset(hub, people.contributor, created.body.id, dataset);
    return created.body.id;
  }

  async function state(id: string): Promise<string> {
    const [row] = await hub.hub.runtime.dataSource.query(`select state from imagora.submissions where id = $1`, [id]);
    return row.state;
  }

  /** Starts a worker and SIGKILLs it as soon as the submission is in `target` (returns the state it was killed in). */
  async function killDuring(id: string, target: string[]): Promise<string> {
    const worker = startWorkerProcess(workerEnv());
    workers.push(worker);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const current = await state(id);
      if (target.includes(current)) {
        worker.child.kill('SIGKILL');
        await worker.exited;
        return current;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`submission never reached ${target.join('|')}: ${worker.output()}`);
  }

  async function outputsOf(id: string): Promise<Map<string, string>> {
    const rows: Array<{ path: string; output_sha256: string | null }> = await hub.hub.runtime.dataSource.query(`select path, output_sha256 from imagora.submission_files where submission_id = $1`, [id]);
    return new Map(rows.map((r) => [r.path, r.output_sha256 ?? '']));
  }

  async function quarantineKeys(prefix: string): Promise<string[]> {
    const store = hub.hub.runtime.objectStore;
    const keys: string[] = [];
    for await (const { key } of store.listKeys(store.buckets.quarantine, prefix)) keys.push(key);
    return keys.sort();
  }

  let reference: string;
  let interrupted: string;

  it('processes a reference submission without interruption', async () => {
    reference = await submit();
    const worker = startWorkerProcess(workerEnv());
    workers.push(worker);
    await waitForState(hub, people.contributor, reference, ['awaiting-review'], 120_000);
    worker.child.kill('SIGTERM');
    await worker.exited;
  });

  it('finishes a submission whose worker was SIGKILLed while de-identifying, with identical outputs and no orphans', async () => {
    interrupted = await submit();
    const killedIn = await killDuring(interrupted, ['deidentifying']);
    expect(killedIn).toBe('deidentifying');
    expect(await state(interrupted)).toBe('deidentifying');
    const next = startWorkerProcess(workerEnv());
    workers.push(next);
    await waitForState(hub, people.contributor, interrupted, ['awaiting-review'], 120_000);
    // Same key, same inputs: byte-identical de-identified outputs, path by path.
    const [expected, actual] = await Promise.all([outputsOf(reference), outputsOf(interrupted)]);
    expect([...actual.entries()].sort()).toEqual([...expected.entries()].sort());
    // Exactly one de-identified object per output in quarantine: nothing duplicated, nothing left over.
    const rows: Array<{ output_key: string }> = await hub.hub.runtime.dataSource.query(`select output_key from imagora.submission_files where submission_id = $1 and output_key is not null`, [interrupted]);
    expect(await quarantineKeys(`submissions/${interrupted}/deid/`)).toEqual(rows.map((r) => r.output_key).sort());
    const events: Array<{ to_state: string }> = await hub.hub.runtime.dataSource.query(`select to_state from imagora.submission_events where submission_id = $1 order by id`, [interrupted]);
    expect(events.map((e) => e.to_state)).toEqual(['open', 'uploaded', 'validating', 'deidentifying', 'verifying', 'awaiting-review']);
    next.child.kill('SIGTERM');
    await next.exited;
  });

  it('releases after a worker is SIGKILLed while publishing, with every shared object referenced exactly once by content', async () => {
    expect((await hub.request(`/api/v1/submissions/${reference}/approve`, { method: 'POST', token: people.steward, json: {} })).status).toBe(200);
    const publisher = startWorkerProcess(workerEnv());
    workers.push(publisher);
    await waitForState(hub, people.steward, reference, ['released'], 120_000);
    publisher.child.kill('SIGTERM');
    await publisher.exited;
    expect((await hub.request(`/api/v1/submissions/${interrupted}/approve`, { method: 'POST', token: people.steward, json: {} })).status).toBe(200);
    expect(await killDuring(interrupted, ['publishing'])).toBe('publishing');
    expect(await state(interrupted)).toBe('publishing');
    workers.push(startWorkerProcess(workerEnv()));
    await waitForState(hub, people.steward, interrupted, ['released'], 120_000);
    const store = hub.hub.runtime.objectStore;
    const shared: string[] = [];
    for await (const { key } of store.listKeys(store.buckets.shared, 'sha256/')) shared.push(key.split('/').pop()!);
    const referenced: Array<{ sha256: string }> = await hub.hub.runtime.dataSource.query(`select distinct sha256 from imagora.dataset_version_files`);
    // Two versions with the same content share every object: no duplicates, and no object that no version lists.
    expect(shared.sort()).toEqual(referenced.map((r) => r.sha256).sort());
    const versions: Array<{ number: number; files: number }> = await hub.hub.runtime.dataSource.query(`select number, files from imagora.dataset_versions order by number`);
    expect(versions.map((v) => v.number)).toEqual([1, 2]);
    expect(versions[0].files).toBe(versions[1].files);
    // The interrupted release counted its labels again from the start: the same catalog as the uninterrupted one.
    const catalogOf = (number: number) =>
      hub.hub.runtime.dataSource.query(
        `select ci.path, ci.sha256, ci.sop_instance_uid, ci.labels from imagora.catalog_instances ci join imagora.dataset_versions v on v.id = ci.version_id where v.number = $1 order by ci.path`,
        [number],
      );
    const [first, second] = [await catalogOf(1), await catalogOf(2)];
    expect(first.some((row: { labels: object }) => Object.keys(row.labels).length > 0)).toBe(true);
    expect(second).toEqual(first);
  });

  it('never writes an identifying value of the input files to the workers’ logs', async () => {
    const { scanDicomHeader } = await import('@imagora/dicom');
    const { listDatasetFiles } = await import('../support/submission-flow');
    const { readFileSync } = await import('node:fs');
    const identifying = new Set<string>();
    for (const file of listDatasetFiles(dataset).filter((f) => f.path.startsWith('images/'))) {
      const header = scanDicomHeader(readFileSync(file.absolute));
      for (const tag of ['00100010', '00100020', '00100030', '00080080', '00080090', '00080050']) {
        const value = header.getString(tag);
        if (value && value.length >= 4) identifying.add(value);
      }
      if (header.sopInstanceUid) identifying.add(header.sopInstanceUid);
    }
    const logs = workers.map((w) => w.output()).join('\n');
    // The logs are there to search (the workers did log), and hold none of those values.
    expect(logs).toContain('submission advanced');
    for (const value of identifying) expect({ value, inLogs: logs.includes(value) }).toEqual({ value, inLogs: false });
  });
});

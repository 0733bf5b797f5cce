import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scanDicomHeader } from '@imagora/dicom';
import { canonicalJson } from '@imagora/protocols';
import { buildDataset, removeDataset, testProtocol, TEST_PROTOCOL_ID } from '../../libs/validation/src/testing/validation-fixtures';
import { runImagora } from '../support/cli';
import { listDatasetFiles, prepareSubmissionHub, uploadDataset, waitForState } from '../support/submission-flow';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

const IDENTIFYING_TAGS = ['00100010', '00100020', '00100030', '00080080', '00080090', '00080050', '00200010', '00081070', '00081030'];

describe('submission pipeline: upload → validate → de-identify → verify → review → release', () => {
  let hub: TestHub;
  let dataset: string;
  let contributor: string;
  let steward: string;
  let researcher: string;
  let outsider: string;

  beforeAll(async () => {
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5' });
    ({ contributor, steward, researcher, outsider } = await prepareSubmissionHub(hub));
    dataset = buildDataset();
  });

  afterAll(async () => {
    await hub?.stop();
    if (dataset) removeDataset(dataset);
  });

  const newSubmission = async (token = contributor) => hub.request('/api/v1/submissions', { method: 'POST', token, json: { dataset: 'north/findings', protocol: TEST_PROTOCOL_ID } });

  describe('a corpus-built dataset end to end', () => {
    let submissionId: string;

    it('validates, de-identifies and verifies it, then waits for review', async () => {
      const created = await newSubmission();
      expect(created.status).toBe(201);
      submissionId = created.body.id;
      await uploadDataset(hub, contributor, submissionId, dataset);
      const waiting = await waitForState(hub, contributor, submissionId, ['awaiting-review']);
      expect(waiting.validationReport.valid).toBe(true);
      expect(waiting.deidReport.deidentified).toBeGreaterThanOrEqual(8);
      expect(waiting.events.map((e: { to: string }) => e.to)).toEqual(['open', 'uploaded', 'validating', 'deidentifying', 'verifying', 'awaiting-review']);
    });

    it('shows stewards before/after headers, and nobody else', async () => {
      const review = await hub.request(`/api/v1/submissions/${submissionId}/review`, { token: steward });
      expect(review.status).toBe(200);
      const nameChange = review.body.samples[0].changes.find((c: { tag: string }) => c.tag === '00100010');
      expect(nameChange.before.length).toBeGreaterThan(0);
      expect(nameChange.after).not.toBe(nameChange.before);
      expect((await hub.request(`/api/v1/submissions/${submissionId}/review`, { token: contributor })).status).toBe(403);
      expect((await hub.request(`/api/v1/submissions/${submissionId}/review`, { token: researcher })).status).toBe(403);
    });

    it('hides the submission from researchers and other organizations', async () => {
      expect((await hub.request(`/api/v1/submissions/${submissionId}`, { token: researcher })).status).toBe(404);
      expect((await hub.request(`/api/v1/submissions/${submissionId}`, { token: outsider })).status).toBe(404);
      expect((await hub.request(`/api/v1/submissions/${submissionId}/files`, { token: researcher })).status).toBe(404);
      expect((await hub.request(`/api/v1/submissions`, { token: researcher })).body).toEqual([]);
    });

    it('releases an immutable version into the shared bucket after approval', async () => {
      expect((await hub.request(`/api/v1/submissions/${submissionId}/approve`, { method: 'POST', token: contributor, json: {} })).status).toBe(403);
      expect((await hub.request(`/api/v1/submissions/${submissionId}/approve`, { method: 'POST', token: steward, json: { reason: 'checked samples' } })).status).toBe(200);
      const released = await waitForState(hub, steward, submissionId, ['released']);
      expect(released.releasedVersion).toBe(1);
      const info = await hub.request('/api/v1/datasets/north/findings');
      expect(info.body.versions).toEqual([expect.objectContaining({ number: 1, protocol: TEST_PROTOCOL_ID })]);
    });

    it('stores every released object under its own sha256, with a manifest, and no PHI of the inputs anywhere', async () => {
      const store = hub.hub.runtime.objectStore;
      const shared = store.buckets.shared;
      const identifying = new Set<string>();
      for (const file of listDatasetFiles(dataset).filter((f) => f.path.startsWith('images/'))) {
        const header = scanDicomHeader(readFileSync(file.absolute));
        for (const tag of IDENTIFYING_TAGS) {
          const value = header.getString(tag);
          if (value && value.length >= 4) identifying.add(value);
        }
      }
      expect(identifying.size).toBeGreaterThan(0);
      const keys: string[] = [];
      for await (const { key } of store.listKeys(shared, '')) keys.push(key);
      expect(keys.some((k) => k.startsWith('manifests/north/findings/v1'))).toBe(true);
      for (const key of keys) {
        const bytes = await store.getBuffer(shared, key);
        if (key.startsWith('sha256/')) expect(createHash('sha256').update(bytes).digest('hex')).toBe(key.split('/').pop());
        const text = bytes.toString('latin1');
        for (const value of identifying) expect({ key, leaked: text.includes(value) ? value : null }).toEqual({ key, leaked: null });
      }
    });

    it('keeps annotations linked: released records point at released, remapped instances', async () => {
      const store = hub.hub.runtime.objectStore;
      const manifestKey = (await hub.hub.runtime.dataSource.query(`select manifest_key from imagora.dataset_versions`))[0].manifest_key;
      const manifest = JSON.parse((await store.getBuffer(store.buckets.shared, manifestKey)).toString('utf8'));
      const instances = new Set(manifest.files.filter((f: { sopInstanceUid: string | null }) => f.sopInstanceUid).map((f: { sopInstanceUid: string }) => f.sopInstanceUid));
      const records = manifest.files.find((f: { path: string }) => f.path.endsWith('.ndjson'));
      const lines = (await store.getBuffer(store.buckets.shared, `sha256/${records.sha256.slice(0, 2)}/${records.sha256.slice(2, 4)}/${records.sha256}`)).toString('utf8').trim().split('\n');
      expect(lines.length).toBe(20);
      for (const line of lines) {
        const uid = JSON.parse(line).image.sopInstanceUid as string;
        expect(uid).toMatch(/^2\.25\.\d+$/);
        expect(instances.has(uid)).toBe(true);
      }
    });

    it('writes the manifest as canonical JSON in path order, the same files as the version rows, with label counts per instance in the catalog', async () => {
      const store = hub.hub.runtime.objectStore;
      const db = hub.hub.runtime.dataSource;
      const [version] = await db.query(`select id, manifest_key, manifest_sha256, files, bytes from imagora.dataset_versions`);
      const text = (await store.getBuffer(store.buckets.shared, version.manifest_key)).toString('utf8');
      expect(createHash('sha256').update(text).digest('hex')).toBe(version.manifest_sha256);
      const manifest = JSON.parse(text);
      expect(canonicalJson(manifest)).toBe(text);
      expect(manifest).toMatchObject({ dataset: 'north/findings', version: 1, protocol: TEST_PROTOCOL_ID, submission: submissionId });
      const paths = manifest.files.map((f: { path: string }) => f.path);
      expect(paths).toEqual([...paths].sort((a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      const rows = await db.query(`select path, sha256, size::bigint::int as size, media_type as "mediaType", sop_instance_uid as "sopInstanceUid" from imagora.dataset_version_files where version_id = $1 order by path collate "C"`, [version.id]);
      expect(rows).toEqual(manifest.files);
      expect(version.files).toBe(manifest.files.length);
      expect(Number(version.bytes)).toBe(manifest.files.reduce((sum: number, f: { size: number }) => sum + f.size, 0));

      const expected = new Map<string, Record<string, number>>();
      for (const entry of manifest.files.filter((f: { path: string }) => f.path.startsWith('annotations/'))) {
        const released = (await store.getBuffer(store.buckets.shared, `sha256/${entry.sha256.slice(0, 2)}/${entry.sha256.slice(2, 4)}/${entry.sha256}`)).toString('utf8');
        for (const line of released.split('\n').filter((l) => l.trim())) {
          const record = JSON.parse(line);
          const labels = expected.get(record.image.sopInstanceUid) ?? {};
          labels[record.label] = (labels[record.label] ?? 0) + 1;
          expected.set(record.image.sopInstanceUid, labels);
        }
      }
      expect(expected.size).toBeGreaterThan(1);
      const catalog: Array<{ sop_instance_uid: string; labels: Record<string, number> }> = await db.query(`select sop_instance_uid, labels from imagora.catalog_instances where version_id = $1`, [version.id]);
      expect(catalog.length).toBe(manifest.files.filter((f: { path: string }) => f.path.startsWith('images/')).length);
      for (const row of catalog) expect({ uid: row.sop_instance_uid, labels: row.labels }).toEqual({ uid: row.sop_instance_uid, labels: expected.get(row.sop_instance_uid) ?? {} });
      // Counted for the release only: nothing of them is kept once it is in the catalog.
      expect(await db.query(`select count(*)::int as n from imagora.submission_label_counts`)).toEqual([{ n: 0 }]);
    });

    it('purges the submission’s quarantine objects after release', async () => {
      const store = hub.hub.runtime.objectStore;
      const left: string[] = [];
      for await (const { key } of store.listKeys(store.buckets.quarantine, `submissions/${submissionId}/`)) left.push(key);
      expect(left).toEqual([]);
    });
  });

  describe('offline validation against the hub’s registry', () => {
    it('validates a folder with imagora validate --protocol NAME@VERSION fetched from the hub', async () => {
      const result = await runImagora(['validate', dataset, '--protocol', TEST_PROTOCOL_ID, '--hub', hub.url, '--format', 'json'], { env: { IMAGORA_CONFIG_DIR: '/nonexistent-imagora-config' } });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ protocol: TEST_PROTOCOL_ID, valid: true });
    });
  });

  describe('five submissions at once', () => {
    it('all complete with the same de-identified outputs and distinct dataset versions', async () => {
      const ids = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const created = await newSubmission();
          await uploadDataset(hub, contributor, created.body.id, dataset);
          return created.body.id as string;
        }),
      );
      await Promise.all(ids.map((id) => waitForState(hub, contributor, id, ['awaiting-review'], 120_000)));
      const outputs = await Promise.all(
        ids.map(async (id) => (await hub.hub.runtime.dataSource.query(`select path, output_sha256 from imagora.submission_files where submission_id = $1 order by path`, [id])) as unknown[]),
      );
      for (const output of outputs.slice(1)) expect(output).toEqual(outputs[0]);
      await Promise.all(ids.map((id) => hub.request(`/api/v1/submissions/${id}/approve`, { method: 'POST', token: steward, json: {} })));
      const released = await Promise.all(ids.map((id) => waitForState(hub, steward, id, ['released'], 120_000)));
      const numbers = released.map((s) => s.releasedVersion).sort((a, b) => a - b);
      expect(numbers).toEqual([2, 3, 4, 5, 6]);
    });
  });

  describe('hostile and wrong input', () => {
    it.each([['../evil.dcm'], ['/etc/passwd'], ['images/a\u0000b.dcm'], ['images//x.dcm'], ['images\\x.dcm'], ['x'.repeat(1100)]])('refuses the path %j', async (path) => {
      const { body } = await newSubmission();
      const response = await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [{ path, size: 1, sha256: 'a'.repeat(64) }] } });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('SUBMISSION_INVALID_PATH');
    });

    it('refuses a file whose bytes do not match its declared sha256, and keeps nothing of it', async () => {
      const { body } = await newSubmission();
      const registered = await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [{ path: 'dataset.json', size: 5, sha256: createHash('sha256').update('other').digest('hex') }] } });
      const fileId = registered.body[0].id;
      const put = await hub.request(`/api/v1/submissions/${body.id}/files/${fileId}/content`, { method: 'PUT', token: contributor, body: 'hello', headers: { 'content-type': 'application/octet-stream' } });
      expect(put.status).toBe(422);
      expect(put.body.error.code).toBe('SUBMISSION_CHECKSUM_MISMATCH');
      const files = await hub.request(`/api/v1/submissions/${body.id}/files`, { token: contributor });
      expect(files.body[0].state).toBe('registered');
      const store = hub.hub.runtime.objectStore;
      expect(await store.exists(store.buckets.quarantine, `submissions/${body.id}/raw/${fileId}`)).toBe(false);
      expect((await hub.request(`/api/v1/submissions/${body.id}/finalize`, { method: 'POST', token: contributor })).body.error.code).toBe('SUBMISSION_UPLOAD_INCOMPLETE');
    });

    it.each([
      ['shorter', 7],
      ['longer', 3],
    ])('refuses a streamed upload %s than its declared size, and the file stays to be uploaded', async (_what, declared) => {
      const { body } = await newSubmission();
      const registered = await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [{ path: 'dataset.json', size: declared, sha256: createHash('sha256').update('hello').digest('hex') }] } });
      const fileId = registered.body[0].id;
      const put = await hub.request(`/api/v1/submissions/${body.id}/files/${fileId}/content`, { method: 'PUT', token: contributor, body: 'hello', headers: { 'content-type': 'application/octet-stream' } });
      expect(put.status).toBe(422);
      expect(put.body.error.code).toBe('SUBMISSION_SIZE_MISMATCH');
      const files = await hub.request(`/api/v1/submissions/${body.id}/files`, { token: contributor });
      expect(files.body[0].state).toBe('registered');
    });

    it('refuses a contributor of another organization with 403', async () => {
      const response = await newSubmission(outsider);
      expect(response.status).toBe(403);
    });

    it('refuses re-registering a path with another sha256, and accepts the same declaration again', async () => {
      const { body } = await newSubmission();
      const file = { path: 'dataset.json', size: 10, sha256: 'b'.repeat(64) };
      expect((await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [file] } })).status).toBe(200);
      expect((await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [file] } })).status).toBe(200);
      const conflict = await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [{ ...file, sha256: 'c'.repeat(64) }] } });
      expect(conflict.status).toBe(409);
    });

    it('uploads a file through presigned multipart part URLs and resumes a half-done upload', async () => {
      const { body } = await newSubmission();
      const content = Buffer.alloc(9 * 1024 * 1024, 7);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const [file] = (await hub.request(`/api/v1/submissions/${body.id}/files`, { method: 'POST', token: contributor, json: { files: [{ path: 'images/big.bin', size: content.length, sha256 }] } })).body;
      const first = await hub.request(`/api/v1/submissions/${body.id}/files/${file.id}/multipart`, { method: 'POST', token: contributor });
      expect(first.body.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2]);
      const partSize = first.body.partSize as number;
      const part1 = await fetch(first.body.parts[0].url, { method: 'PUT', body: content.subarray(0, partSize) });
      expect(part1.ok).toBe(true);
      const etags = [{ partNumber: 1, etag: part1.headers.get('etag')! }];
      const early = await hub.request(`/api/v1/submissions/${body.id}/files/${file.id}/complete`, { method: 'POST', token: contributor, json: { parts: etags } });
      expect(early.body.error.code).toBe('SUBMISSION_UPLOAD_INCOMPLETE');
      // Interrupted after part 1: asking again gives the same upload, and a URL for the missing part.
      const resumed = await hub.request(`/api/v1/submissions/${body.id}/files/${file.id}/multipart`, { method: 'POST', token: contributor });
      expect(resumed.body.uploadId).toBe(first.body.uploadId);
      const url2 = resumed.body.parts.find((p: { partNumber: number }) => p.partNumber === 2).url;
      const part2 = await fetch(url2, { method: 'PUT', body: content.subarray(partSize) });
      etags.push({ partNumber: 2, etag: part2.headers.get('etag')! });
      const done = await hub.request(`/api/v1/submissions/${body.id}/files/${file.id}/complete`, { method: 'POST', token: contributor, json: { parts: etags } });
      expect(done.status).toBe(200);
      expect(done.body.state).toBe('stored');
    });

    it('refuses a deprecated protocol version for new submissions, naming its replacement', async () => {
      const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
      const next: Record<string, any> = { ...testProtocol(), version: '1.0.1' };
      await hub.request(`/api/v1/protocols/${next.name}/versions/1.0.1`, { method: 'PUT', token: admin, json: next });
      expect((await hub.request(`/api/v1/protocols/${next.name}/versions/1.0.1/publish`, { method: 'POST', token: admin })).status).toBe(200);
      await hub.request(`/api/v1/protocols/${next.name}/versions/1.0.0/deprecate`, { method: 'POST', token: admin, json: { reason: 'typo fixed', replacement: `${next.name}@1.0.1` } });
      const refused = await newSubmission();
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'SUBMISSION_PROTOCOL_DEPRECATED', details: { replacement: `${next.name}@1.0.1` } });
    });
  });
});

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset, removeDataset } from '../../libs/validation/src/testing/validation-fixtures';
import { prepareSubmissionHub, releaseDataset, SubmissionPeople } from '../support/submission-flow';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

describe('catalog search, cohorts, access and downloads', () => {
  let hub: TestHub;
  let people: SubmissionPeople;
  let ivy: string; // a researcher of another organization
  let dataset: string;
  let work: string;

  const release = (slug: string) => releaseDataset(hub, people, slug, dataset);

  beforeAll(async () => {
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5' });
    people = await prepareSubmissionHub(hub);
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username: 'ivy', password: 'ivy-password' } });
    await hub.request('/api/v1/organizations/south/members', { method: 'PUT', token: admin, json: { username: 'ivy', role: 'researcher' } });
    ivy = await hub.login('ivy', 'ivy-password');
    await hub.request('/api/v1/datasets', {
      method: 'POST',
      token: people.contributor,
      json: { organization: 'north', slug: 'registered-set', title: 'Registered chest findings', description: 'needs the agreement', license: 'CC-BY-NC-4.0', accessPolicy: 'registered', dataUseAgreement: 'Do not try to re-identify anyone.' },
    });
    await hub.request('/api/v1/datasets', {
      method: 'POST',
      token: people.contributor,
      json: { organization: 'north', slug: 'controlled-set', title: 'Controlled lung findings', description: 'steward approval', license: 'CC-BY-NC-4.0', accessPolicy: 'controlled', dataUseAgreement: 'Approved projects only.' },
    });
    dataset = buildDataset();
    work = mkdtempSync(join(tmpdir(), 'imagora-catalog-'));
    await release('registered-set');
    await release('controlled-set');
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    if (dataset) removeDataset(dataset);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('search', () => {
    it('gives anonymous callers counts only, with small cells hidden and no single hidden cell to recover', async () => {
      const response = await hub.request('/api/v1/search');
      expect(response.status).toBe(200);
      expect(response.body.hits).toBeUndefined();
      expect(response.body.total).toBe(14);
      const modality = response.body.facets.modality as Array<{ value: string; count: number | string }>;
      expect(modality.find((m) => m.value === 'CR')?.count).toBe('<5');
      for (const dimension of Object.values(response.body.facets) as Array<Array<{ count: number | string }>>) {
        expect(dimension.filter((c) => typeof c.count === 'string').length).not.toBe(1);
      }
    });

    it('hides an anonymous total below the floor', async () => {
      const response = await hub.request('/api/v1/search?modality=CR&dataset=north/registered-set');
      expect(response.body.total).toBe('<5');
    });

    it('lists instances for signed-in users with filters and facets', async () => {
      const all = await hub.request('/api/v1/search?limit=100', { token: ivy });
      expect(all.body.total).toBe(14);
      expect(all.body.hits).toHaveLength(14);
      const ct = await hub.request('/api/v1/search?modality=CT', { token: ivy });
      expect(ct.body.total).toBe(8);
      expect(ct.body.hits.every((h: { modality: string; sopInstanceUid: string }) => h.modality === 'CT' && /^2\.25\./.test(h.sopInstanceUid))).toBe(true);
      const labelled = await hub.request('/api/v1/search?label=pneumothorax&labelMin=2', { token: ivy });
      expect(labelled.body.hits.every((h: { labels: Record<string, number> }) => h.labels.pneumothorax >= 2)).toBe(true);
      const text = await hub.request('/api/v1/search?q=lung', { token: ivy });
      expect(text.body.hits.every((h: { dataset: string }) => h.dataset === 'north/controlled-set')).toBe(true);
      expect(text.body.total).toBe(7);
      expect((await hub.request('/api/v1/search?ageMin=50&ageMax=10', { token: ivy })).status).toBe(400);
    });

    it('groups by series, study and dataset', async () => {
      const datasets = await hub.request('/api/v1/search?level=dataset', { token: ivy });
      expect(datasets.body.total).toBe(2);
      expect(datasets.body.hits.map((h: { instances: number }) => h.instances)).toEqual([7, 7]);
      const series = await hub.request('/api/v1/search?level=series', { token: ivy });
      expect(series.body.hits.reduce((sum: number, h: { instances: number }) => sum + h.instances, 0)).toBe(14);
      expect(series.body.hits.some((h: { labels: Record<string, number> }) => Object.keys(h.labels).length > 0)).toBe(true);
    });

    it('keeps the same series and study released in two datasets apart: one hit per dataset version, facets and pages agree', async () => {
      type Hit = { key: string; dataset: string; seriesInstanceUid: string | null; studyInstanceUid: string | null; instances: number; labels: Record<string, number> };
      for (const level of ['series', 'study'] as const) {
        const uidOf = (h: Hit) => (level === 'series' ? h.seriesInstanceUid : h.studyInstanceUid);
        const all = await hub.request(`/api/v1/search?level=${level}&limit=100`, { token: ivy });
        const hits = all.body.hits as Hit[];
        expect(hits).toHaveLength(all.body.total);
        const registered = hits.filter((h) => h.dataset === 'north/registered-set');
        const controlled = hits.filter((h) => h.dataset === 'north/controlled-set');
        // The two datasets hold identical files, so identical (de-identified) UIDs: each appears once per dataset.
        expect(registered.length).toBeGreaterThan(0);
        expect(registered.length + controlled.length).toBe(hits.length);
        expect(registered.map(uidOf).sort()).toEqual(controlled.map(uidOf).sort());
        expect(new Set(hits.map((h) => h.key)).size).toBe(hits.length);
        for (const hit of registered) {
          const twin = controlled.find((h) => uidOf(h) === uidOf(hit))!;
          expect({ instances: twin.instances, labels: twin.labels }).toEqual({ instances: hit.instances, labels: hit.labels });
        }
        expect(registered.reduce((sum, h) => sum + h.instances, 0)).toBe(7);
        const facet = all.body.facets.dataset as Array<{ value: string; count: number }>;
        expect(Object.fromEntries(facet.map((f) => [f.value, f.count]))).toEqual({ 'north/registered-set': registered.length, 'north/controlled-set': controlled.length });
        const one = await hub.request(`/api/v1/search?level=${level}&dataset=north/controlled-set`, { token: ivy });
        expect(one.body.total).toBe(controlled.length);
        expect((one.body.hits as Hit[]).every((h) => h.dataset === 'north/controlled-set')).toBe(true);
        // Pages (two at a time, by dataset and by key) visit every hit exactly once.
        for (const sort of ['dataset', 'key']) {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: { body: { hits: Hit[]; nextCursor: string | null } } = await hub.request(`/api/v1/search?level=${level}&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`, { token: ivy });
            seen.push(...page.body.hits.map((h) => h.key));
            cursor = page.body.nextCursor;
          } while (cursor);
          expect(seen.sort()).toEqual(hits.map((h) => h.key).sort());
        }
      }
    });

    it('pages with a cursor through every hit exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { hits: Array<{ key: string }>; nextCursor: string | null } } = await hub.request(`/api/v1/search?limit=3&sort=dataset${cursor ? `&cursor=${cursor}` : ''}`, { token: ivy });
        seen.push(...page.body.hits.map((h) => h.key));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(14);
      expect(new Set(seen).size).toBe(14);
    });

    it('answers label, modality and text filters from their indexes (EXPLAIN)', async () => {
      const runner = hub.hub.runtime.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('set enable_seqscan = off');
        const plan = async (query: Record<string, unknown>) => {
          const { catalogFrom, catalogWhere } = await import('../../libs/persistence/src/repositories/catalog.repository');
          const params: unknown[] = [];
          const where = catalogWhere(query, params);
          const rows = await runner.query(`explain select ci.path from ${catalogFrom()} where ${where}`, params);
          return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        };
        expect(await plan({ label: ['nodule'] })).toContain('catalog_instances_labels_idx');
        expect(await plan({ modality: ['CT'] })).toContain('catalog_instances_modality_idx');
        expect(await plan({ text: 'lung' })).toContain('datasets_text_idx');
      } finally {
        await runner.query('reset enable_seqscan');
        await runner.release();
      }
    });
  });

  describe('cohorts and access', () => {
    let cohortId: string;

    it('freezes a query into a cohort with counts, a citation and a diversity card', async () => {
      const created = await hub.request('/api/v1/cohorts', { method: 'POST', token: ivy, json: { name: 'All findings', query: {} } });
      expect(created.status).toBe(201);
      cohortId = created.body.id;
      expect(created.body).toMatchObject({ instances: 14, datasets: [expect.objectContaining({ dataset: 'north/controlled-set', version: 1 }), expect.objectContaining({ dataset: 'north/registered-set', version: 1 })] });
      expect(created.body.citation).toContain(cohortId);
      expect(created.body.diversity.warnings.join(' ')).toContain('contributing organization');
      expect(created.body.blocked.map((b: { dataset: string }) => b.dataset).sort()).toEqual(['north/controlled-set', 'north/registered-set']);
      expect((await hub.request('/api/v1/cohorts', { method: 'POST', token: ivy, json: { name: 'none', query: { modality: ['XA'] } } })).body.error.code).toBe('CATALOG_COHORT_EMPTY');
    });

    it('keeps other users out of a cohort', async () => {
      expect((await hub.request(`/api/v1/cohorts/${cohortId}`, { token: people.researcher })).status).toBe(404);
    });

    it('refuses the manifest until access is granted, naming the datasets and how', async () => {
      const refused = await hub.request(`/api/v1/cohorts/${cohortId}/manifest`, { token: ivy });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('CATALOG_ACCESS_REQUIRED');
      expect(refused.body.error.details.datasets).toEqual(
        expect.arrayContaining([expect.objectContaining({ dataset: 'north/registered-set', how: expect.stringContaining('agreement') }), expect.objectContaining({ dataset: 'north/controlled-set', policy: 'controlled' })]),
      );
    });

    it('grants access by agreement (registered) and by a steward’s approval (controlled)', async () => {
      expect((await hub.request('/api/v1/datasets/north/registered-set/agreement', { method: 'POST', token: ivy })).status).toBe(204);
      const request = await hub.request('/api/v1/datasets/north/controlled-set/access-requests', { method: 'POST', token: ivy, json: { purpose: 'nodule detection research' } });
      expect(request.status).toBe(201);
      expect((await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: ivy, json: { approve: true, reason: 'self' } })).status).toBe(403);
      const pending = await hub.request('/api/v1/access-requests?state=pending', { token: people.steward });
      expect(pending.body.map((r: { id: string }) => r.id)).toContain(request.body.id);
      const decided = await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: people.steward, json: { approve: true, reason: 'approved project' } });
      expect(decided.body.state).toBe('approved');
      expect((await hub.request(`/api/v1/cohorts/${cohortId}`, { token: ivy })).body.blocked).toEqual([]);
    });
  });

  describe('downloads', () => {
    let cohortId: string;
    let manifest: { files: Array<{ path: string; sha256: string; size: number; url: string }> };

    beforeAll(async () => {
      cohortId = (await hub.request('/api/v1/cohorts', { token: ivy })).body[0].id;
    });

    it('gives a manifest whose presigned URLs serve exactly the listed bytes', async () => {
      const response = await hub.request(`/api/v1/cohorts/${cohortId}/manifest`, { token: ivy });
      expect(response.status).toBe(200);
      manifest = response.body;
      // 7 instances + the annotation records and dataset.json of each of the two versions.
      expect(manifest.files).toHaveLength(18);
      for (const file of manifest.files) {
        const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
        expect({ path: file.path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }).toEqual({ path: file.path, sha256: file.sha256, size: file.size });
      }
    });

    it('offers the manifest as CSV and as s5cmd commands', async () => {
      const csv = (await hub.request(`/api/v1/cohorts/${cohortId}/manifest?format=csv`, { token: ivy })).body as string;
      expect(csv.split('\n')[0]).toBe('path,sha256,size,url');
      expect(csv.trim().split('\n')).toHaveLength(19);
      const s5cmd = (await hub.request(`/api/v1/cohorts/${cohortId}/manifest?format=s5cmd`, { token: ivy })).body as string;
      expect(s5cmd.trim().split('\n').every((line) => /^cp "s3:\/\/[^"]+\/sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}" "[^"]+"$/.test(line))).toBe(true);
    });

    it('streams a file through the hub with HTTP Range', async () => {
      const file = manifest.files.find((f) => f.size > 200)!;
      const whole = Buffer.from(await (await fetch(file.url)).arrayBuffer());
      const response = await fetch(`${hub.url}/api/v1/cohorts/${cohortId}/files/${file.sha256}`, { headers: { authorization: `Bearer ${ivy}`, range: 'bytes=100-199' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes 100-199/${file.size}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(whole.subarray(100, 200))).toBe(true);
      const beyond = await fetch(`${hub.url}/api/v1/cohorts/${cohortId}/files/${file.sha256}`, { headers: { authorization: `Bearer ${ivy}`, range: `bytes=${file.size + 10}-` } });
      expect(beyond.status).toBe(416);
    });

    it('streams every file of the manifest through the hub, instances and annotation files alike, and no file outside it', async () => {
      for (const file of manifest.files) {
        const response = await fetch(`${hub.url}/api/v1/cohorts/${cohortId}/files/${file.sha256}`, { headers: { authorization: `Bearer ${ivy}` } });
        expect(response.status).toBe(200);
        expect(createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex')).toBe(file.sha256);
      }
      const outside = await fetch(`${hub.url}/api/v1/cohorts/${cohortId}/files/${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${ivy}` } });
      expect(outside.status).toBe(404);
      expect(((await outside.json()) as { error: { code: string } }).error.code).toBe('CATALOG_FILE_NOT_IN_COHORT');
    });

    it('streams the whole cohort as a ZIP that unzip tools accept', async () => {
      const response = await fetch(`${hub.url}/api/v1/cohorts/${cohortId}/zip`, { headers: { authorization: `Bearer ${ivy}` } });
      expect(response.status).toBe(200);
      const file = join(work, 'cohort.zip');
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); bad = z.testzip(); print(bad or "ok"); print(len(z.namelist()))', file], { encoding: 'utf8' });
      expect(listing.trim().split('\n')).toEqual(['ok', '18']);
    });

    it('writes every manifest and proxied download to the hash-chained audit log', async () => {
      const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
      const events = (await hub.request('/api/v1/audit?limit=1000', { token: admin })).body as Array<{ action: string; targetId: string; remoteAddress?: string }>;
      const downloads = events.filter((e) => e.action.startsWith('download.') && e.targetId === cohortId);
      expect(downloads.map((e) => e.action)).toEqual(expect.arrayContaining(['download.manifest', 'download.file', 'download.zip']));
      expect(downloads.every((e) => typeof e.remoteAddress === 'string')).toBe(true);
      expect((await hub.request('/api/v1/audit/verify', { token: admin })).body).toMatchObject({ intact: true });
      expect((await hub.request('/api/v1/audit/verify', { token: ivy })).status).toBe(403);
    });

    it('gives the same files for the same cohort after a later release', async () => {
      await release('registered-set');
      const search = await hub.request('/api/v1/search?level=dataset&dataset=north/registered-set', { token: ivy });
      expect(search.body.hits[0].version).toBe(2);
      const again = await hub.request(`/api/v1/cohorts/${cohortId}/manifest`, { token: ivy });
      expect(again.body.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256])).toEqual(manifest.files.map((f) => [f.path, f.sha256]));
    });
  });
});

import { buildDataset, removeDataset, TEST_PROTOCOL_ID } from '../../libs/validation/src/testing/validation-fixtures';
import { runImagora } from '../support/cli';
import { prepareSubmissionHub, SubmissionPeople, uploadDataset, waitForState } from '../support/submission-flow';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

const ROLES = ['admin', 'committee', 'contributor', 'steward', 'researcher'] as const;
const POLICIES = ['open', 'registered', 'controlled'] as const;

// Who may download what: every policy × role × (owning or other organization), through the API.
describe('dataset access matrix', () => {
  let hub: TestHub;
  let people: SubmissionPeople;
  let dataset: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    hub = await startTestHub({ IMAGORA_PROTOCOL_APPROVALS: '0', IMAGORA_JOB_POLL_SECONDS: '0.5' });
    people = await prepareSubmissionHub(hub);
    dataset = buildDataset();
    for (const policy of POLICIES) {
      await hub.request('/api/v1/datasets', {
        method: 'POST',
        token: people.contributor,
        json: { organization: 'north', slug: `${policy}-set`, title: `${policy} set`, license: 'CC-BY-4.0', accessPolicy: policy, ...(policy === 'open' ? {} : { dataUseAgreement: 'No re-identification.' }) },
      });
      const created = await hub.request('/api/v1/submissions', { method: 'POST', token: people.contributor, json: { dataset: `north/${policy}-set`, protocol: TEST_PROTOCOL_ID } });
      await uploadDataset(hub, people.contributor, created.body.id, dataset);
      await waitForState(hub, people.contributor, created.body.id, ['awaiting-review']);
      await hub.request(`/api/v1/submissions/${created.body.id}/approve`, { method: 'POST', token: people.steward, json: {} });
      await waitForState(hub, people.steward, created.body.id, ['released']);
    }
    for (const org of ['north', 'south']) {
      for (const role of ROLES) {
        const username = `${role}-${org}`;
        await hub.request('/api/v1/users', { method: 'POST', token: people.admin, json: { username, password: `${username}-password` } });
        await hub.request(`/api/v1/organizations/${org}/members`, { method: 'PUT', token: people.admin, json: { username, role } });
        tokens.set(username, await hub.login(username, `${username}-password`));
      }
    }
  }, 240_000);

  afterAll(async () => {
    await hub?.stop();
    if (dataset) removeDataset(dataset);
  });

  async function blockedFor(username: string): Promise<string[]> {
    const token = tokens.get(username)!;
    const cohort = await hub.request('/api/v1/cohorts', { method: 'POST', token, json: { name: `all for ${username}`, query: {} } });
    expect(cohort.status).toBe(201);
    const manifest = await hub.request(`/api/v1/cohorts/${cohort.body.id}/manifest`, { token });
    const blocked = (cohort.body.blocked as Array<{ dataset: string }>).map((b) => b.dataset).sort();
    // The manifest agrees with what the cohort says: refused exactly when something is blocked.
    expect(manifest.status).toBe(blocked.length ? 403 : 200);
    return blocked;
  }

  it.each(ROLES)('lets a %s of the owning organization download every policy', async (role) => {
    expect(await blockedFor(`${role}-north`)).toEqual([]);
  });

  it.each(ROLES)('lets a %s of another organization download only open data at first', async (role) => {
    expect(await blockedFor(`${role}-south`)).toEqual(['north/controlled-set', 'north/registered-set']);
  });

  it('opens registered data after the agreement and controlled data after a steward approves, for that user only', async () => {
    const researcher = tokens.get('researcher-south')!;
    expect((await hub.request('/api/v1/datasets/north/registered-set/agreement', { method: 'POST', token: researcher })).status).toBe(204);
    expect(await blockedFor('researcher-south')).toEqual(['north/controlled-set']);
    const request = await hub.request('/api/v1/datasets/north/controlled-set/access-requests', { method: 'POST', token: researcher, json: { purpose: 'benchmarking detectors' } });
    // A steward of another organization may not decide; a steward of the owner may.
    expect((await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: tokens.get('steward-south')!, json: { approve: true, reason: 'x' } })).status).toBe(403);
    expect((await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: tokens.get('steward-north')!, json: { approve: true, reason: 'project approved' } })).status).toBe(200);
    expect(await blockedFor('researcher-south')).toEqual([]);
    expect(await blockedFor('contributor-south')).toEqual(['north/controlled-set', 'north/registered-set']);
  });

  it('keeps controlled data closed after a denial', async () => {
    const committee = tokens.get('committee-south')!;
    const request = await hub.request('/api/v1/datasets/north/controlled-set/access-requests', { method: 'POST', token: committee, json: { purpose: 'curiosity' } });
    const denied = await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: tokens.get('steward-north')!, json: { approve: false, reason: 'no approved project' } });
    expect(denied.body).toMatchObject({ state: 'denied', decisionReason: 'no approved project' });
    expect(await blockedFor('committee-south')).toContain('north/controlled-set');
    expect((await hub.request(`/api/v1/access-requests/${request.body.id}/decision`, { method: 'POST', token: tokens.get('steward-north')!, json: { approve: true, reason: 'changed my mind' } })).status).toBe(409);
  });

  it('gives anonymous callers no cohort and no manifest', async () => {
    expect((await hub.request('/api/v1/cohorts', { method: 'POST', json: { name: 'x', query: {} } })).status).toBe(401);
    expect((await hub.request('/api/v1/search')).body.hits).toBeUndefined();
  });

  it('detects a tampered audit row (API and imagora audit verify)', async () => {
    const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
    expect((await hub.request('/api/v1/audit/verify', { token: admin })).body.intact).toBe(true);
    const runner = hub.hub.runtime.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // Only a superuser bypassing the append-only trigger can edit a row; the hash chain still shows it.
      await runner.query('set session_replication_role = replica');
      await runner.query(`update imagora.audit_events set action = 'download.nothing' where sequence = (select max(sequence) / 2 from imagora.audit_events)`);
      await runner.query('set session_replication_role = origin');
    } finally {
      await runner.release();
    }
    const verified = await hub.request('/api/v1/audit/verify', { token: admin });
    expect(verified.body.intact).toBe(false);
    const cli = await runImagora(['audit', 'verify'], { env: { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: admin, IMAGORA_CONFIG_DIR: '/nonexistent-imagora-config' } });
    expect(cli.code).toBe(1);
    expect(cli.stdout + cli.stderr).toContain(String(verified.body.firstBrokenSequence));
  });
});

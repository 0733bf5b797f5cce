import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { testProtocol, TEST_PROTOCOL_ID } from '../../libs/validation/src/testing/validation-fixtures';
import { TestHub, TEST_ADMIN_PASSWORD } from './test-hub';

export interface LocalFile {
  path: string;
  absolute: string;
  size: number;
  sha256: string;
}

export function listDatasetFiles(root: string): LocalFile[] {
  const files: LocalFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) walk(absolute);
      else files.push({ path: relative(root, absolute).split('\\').join('/'), absolute, size: statSync(absolute).size, sha256: createHash('sha256').update(readFileSync(absolute)).digest('hex') });
    }
  };
  walk(root);
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Uploads a dataset folder the way a client does: register, PUT each file through the hub, complete, finalize. */
export async function uploadDataset(hub: TestHub, token: string, submissionId: string, root: string): Promise<void> {
  const files = listDatasetFiles(root);
  const registered = await hub.request(`/api/v1/submissions/${submissionId}/files`, { method: 'POST', token, json: { files: files.map(({ path, size, sha256 }) => ({ path, size, sha256 })) } });
  if (registered.status !== 200) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
  for (const file of registered.body as Array<{ id: string; path: string }>) {
    const local = files.find((f) => f.path === file.path)!;
    const put = await hub.request(`/api/v1/submissions/${submissionId}/files/${file.id}/content`, {
      method: 'PUT',
      token,
      body: readFileSync(local.absolute),
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 200) throw new Error(`upload ${file.path}: ${put.status} ${JSON.stringify(put.body)}`);
  }
  const finalized = await hub.request(`/api/v1/submissions/${submissionId}/finalize`, { method: 'POST', token });
  if (finalized.status !== 200) throw new Error(`finalize: ${finalized.status} ${JSON.stringify(finalized.body)}`);
}

/** Polls a submission until it reaches one of `states` (or fails the test after the timeout). */
export async function waitForState(hub: TestHub, token: string, submissionId: string, states: string[], timeoutMs = 90_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await hub.request(`/api/v1/submissions/${submissionId}`, { token })).body;
    if (states.includes(last.state)) return last;
    if (['failed', 'invalid', 'rejected'].includes(last.state) && !states.includes(last.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`submission ${submissionId} is ${last?.state} (${last?.failureReason ?? ''}), expected ${states.join('|')}: ${JSON.stringify(last?.validationReport?.issues?.slice(0, 3) ?? last?.deidReport ?? null)}`);
}

export interface SubmissionPeople {
  admin: string;
  contributor: string;
  steward: string;
  researcher: string;
  outsider: string;
}

/**
 * Organizations north and south; carl (contributor), sue (steward), rita (researcher) in north and oscar (contributor)
 * in south; the validation fixtures' test protocol published; dataset north/findings. Expects IMAGORA_PROTOCOL_APPROVALS=0.
 */
export async function prepareSubmissionHub(hub: TestHub): Promise<SubmissionPeople> {
  const admin = await hub.login('admin', TEST_ADMIN_PASSWORD);
  for (const slug of ['north', 'south']) await hub.request('/api/v1/organizations', { method: 'POST', token: admin, json: { slug, name: slug } });
  const people: Array<[string, string, string]> = [
    ['carl', 'north', 'contributor'],
    ['sue', 'north', 'steward'],
    ['rita', 'north', 'researcher'],
    ['oscar', 'south', 'contributor'],
  ];
  for (const [username, org, role] of people) {
    await hub.request('/api/v1/users', { method: 'POST', token: admin, json: { username, password: `${username}-password` } });
    await hub.request(`/api/v1/organizations/${org}/members`, { method: 'PUT', token: admin, json: { username, role } });
  }
  const [contributor, steward, researcher, outsider] = await Promise.all(people.map(([u]) => hub.login(u, `${u}-password`)));
  const protocol = testProtocol();
  await hub.request('/api/v1/protocols', { method: 'POST', token: admin, json: { name: protocol.name, title: protocol.title, organization: 'default' } });
  const put = await hub.request(`/api/v1/protocols/${protocol.name}/versions/${protocol.version}`, { method: 'PUT', token: admin, json: protocol });
  const published = await hub.request(`/api/v1/protocols/${protocol.name}/versions/${protocol.version}/publish`, { method: 'POST', token: admin });
  if (put.status !== 200 || published.status !== 200) throw new Error(`test protocol not published: ${JSON.stringify(published.body)}`);
  const created = await hub.request('/api/v1/datasets', { method: 'POST', token: contributor, json: { organization: 'north', slug: 'findings', title: 'Findings', license: 'CC-BY-4.0', accessPolicy: 'open' } });
  if (created.status !== 201) throw new Error(`dataset not created: ${JSON.stringify(created.body)}`);
  return { admin, contributor, steward, researcher, outsider };
}

/** Submits a dataset folder to north/SLUG under the test protocol, has the steward approve it and waits for the release. */
export async function releaseDataset(hub: TestHub, people: SubmissionPeople, slug: string, root: string): Promise<string> {
  const created = await hub.request('/api/v1/submissions', { method: 'POST', token: people.contributor, json: { dataset: `north/${slug}`, protocol: TEST_PROTOCOL_ID } });
  await uploadDataset(hub, people.contributor, created.body.id, root);
  await waitForState(hub, people.contributor, created.body.id, ['awaiting-review']);
  await hub.request(`/api/v1/submissions/${created.body.id}/approve`, { method: 'POST', token: people.steward, json: {} });
  await waitForState(hub, people.steward, created.body.id, ['released']);
  return created.body.id;
}

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TestHub } from './test-hub';

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

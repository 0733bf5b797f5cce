import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHub, RunningHub } from '../../apps/hub/src/serve-hub';
import { startWorker } from '../../apps/worker/src/worker';
import { createTestDatabase } from './database';

export const TEST_ADMIN_PASSWORD = 'test-admin-password-1';

export interface TestHub {
  url: string;
  home: string;
  /** What a separate worker process needs to join this hub: same database, object store, buckets and keys. */
  env: Record<string, string>;
  hub: RunningHub;
  stop(): Promise<void>;
  /** Fetch against the hub with an optional bearer credential. */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<{ status: number; body: any; headers: Headers }>;
  login(username: string, password: string): Promise<string>;
}

/**
 * The real hub (and worker) in this process, on a fresh database of the test PostgreSQL server, fresh
 * buckets on the test S3 server, a fresh IMAGORA_HOME and a free port.
 */
export async function startTestHub(env: Record<string, string> = {}, options: { worker?: boolean } = {}): Promise<TestHub> {
  const database = await createTestDatabase();
  const home = mkdtempSync(join(tmpdir(), 'imagora-hub-'));
  chmodSync(home, 0o755);
  const suffix = randomBytes(4).toString('hex');
  const hubEnv: Record<string, string> = {
    IMAGORA_HOME: home,
    DATABASE_URL: database.url,
    S3_ENDPOINT: process.env.S3_ENDPOINT!,
    S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID!,
    S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY!,
    S3_REGION: process.env.S3_REGION ?? 'us-east-1',
    S3_QUARANTINE_BUCKET: `quarantine-${suffix}`,
    S3_SHARED_BUCKET: `shared-${suffix}`,
    ...env,
  };
  const hub = await serveHub({
    env: {
      IMAGORA_HOME: home,
      PORT: '0',
      DATABASE_URL: database.url,
      S3_ENDPOINT: process.env.S3_ENDPOINT,
      S3_ACCESS_KEY_ID: process.env.S3_ACCESS_KEY_ID,
      S3_SECRET_ACCESS_KEY: process.env.S3_SECRET_ACCESS_KEY,
      S3_REGION: process.env.S3_REGION,
      S3_QUARANTINE_BUCKET: `quarantine-${suffix}`,
      S3_SHARED_BUCKET: `shared-${suffix}`,
      IMAGORA_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      LOG_LEVEL: 'silent',
      ...env,
    },
    alsoStart: options.worker === false ? undefined : startWorker,
    print: () => undefined,
  });
  const request: TestHub['request'] = async (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    const response = await fetch(`${hub.url}${path}`, { ...init, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    url: hub.url,
    home,
    env: hubEnv,
    hub,
    request,
    async login(username, password) {
      const response = await request('/api/v1/auth/login', { method: 'POST', json: { username, password } });
      if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.accessToken as string;
    },
    async stop() {
      await hub.stop();
      await database.drop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

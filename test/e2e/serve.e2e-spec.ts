import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImagora, startServeProcess } from '../support/cli';

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'imagora-serve-'));
  chmodSync(home, 0o755);
  return home;
}

function postmasterPid(home: string): number | undefined {
  const file = join(home, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function login(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  return response.status;
}

// The zero-configuration path a newcomer takes: no DATABASE_URL, no S3_ENDPOINT.
describe('imagora serve on embedded defaults', () => {
  const homes: string[] = [];
  afterAll(() => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

  it('starts on a fresh home, prints a generated admin password once, and keeps users across a restart', async () => {
    const home = freshHome();
    homes.push(home);
    // With node's warnings on, as on a newcomer's machine (the test children run with NODE_NO_WARNINGS=1).
    const first = await startServeProcess({ IMAGORA_HOME: home, NODE_NO_WARNINGS: '0' });
    const password = /with password (\S+)/.exec(first.output())?.[1];
    expect(password).toBeDefined();
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    expect(await login(first.url, password!)).toBe(200);
    expect(statSync(join(home, 'keys', 'signing-key.pem')).mode & 0o777).toBe(0o600);
    const jwks = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    const pid = postmasterPid(home);
    expect(pid).toBeDefined();
    expect(await first.stop()).toBe(0);
    // Ctrl-C/SIGTERM stops the embedded PostgreSQL too.
    expect(isRunning(pid!)).toBe(false);

    const second = await startServeProcess({ IMAGORA_HOME: home });
    try {
      expect(second.output()).not.toContain(password!);
      expect(await login(second.url, password!)).toBe(200);
      expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwks);
      // The pinned S3 SDK's notice about its releases of 2027 is not a newcomer's problem (ObjectStore).
      expect(first.output()).not.toContain('NodeVersionSupportWarning');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('runs two hubs on two fresh homes side by side without port clashes', async () => {
    const [homeA, homeB] = [freshHome(), freshHome()];
    homes.push(homeA, homeB);
    const [a, b] = await Promise.all([
      startServeProcess({ IMAGORA_HOME: homeA, IMAGORA_ADMIN_PASSWORD: 'password-of-hub-a' }),
      startServeProcess({ IMAGORA_HOME: homeB, IMAGORA_ADMIN_PASSWORD: 'password-of-hub-b' }),
    ]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(await login(a.url, 'password-of-hub-a')).toBe(200);
      expect(await login(b.url, 'password-of-hub-b')).toBe(200);
      expect(await login(a.url, 'password-of-hub-b')).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('never writes the admin password or a token to its output', async () => {
    const home = freshHome();
    homes.push(home);
    const password = 'a-secret-admin-password';
    const hub = await startServeProcess({ IMAGORA_HOME: home, IMAGORA_ADMIN_PASSWORD: password, LOG_LEVEL: 'trace' });
    try {
      const response = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      const { accessToken } = (await response.json()) as { accessToken: string };
      await fetch(`${hub.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      await fetch(`${hub.url}/api/v1/auth/me?token=${accessToken}`);
      await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: password + '-wrong' }) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Request logs were written (so the check below has something to search).
      expect(hub.output()).toContain('/api/v1/auth/me');
      expect(hub.output()).not.toContain(password);
      expect(hub.output()).not.toContain(accessToken.split('.')[2]);
    } finally {
      await hub.stop();
    }
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['S3_SHARED_BUCKET', 'UPPER_case'],
  ])('exits non-zero naming %s when its value is bad', async (variable, value) => {
    const home = freshHome();
    homes.push(home);
    const result = await runImagora(['serve'], { env: { IMAGORA_HOME: home, [variable]: value } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(variable);
  });
});

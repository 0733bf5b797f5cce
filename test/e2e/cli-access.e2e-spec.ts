import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImagora } from '../support/cli';
import { startTestHub, TestHub, TEST_ADMIN_PASSWORD } from '../support/test-hub';

describe('imagora CLI against a running hub', () => {
  let hub: TestHub;
  let configDir: string;
  const env = () => ({ IMAGORA_CONFIG_DIR: configDir });

  beforeAll(async () => {
    hub = await startTestHub();
    configDir = mkdtempSync(join(tmpdir(), 'imagora-cli-'));
    chmodSync(configDir, 0o700);
  });

  afterAll(async () => {
    await hub?.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('logs in with --password-stdin and stores the token readable by the user only', async () => {
    const result = await runImagora(['login', '--hub', hub.url, '--user', 'admin', '--password-stdin'], { env: env(), input: `${TEST_ADMIN_PASSWORD}\n` });
    expect(result).toMatchObject({ code: 0 });
    const file = join(configDir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).defaultHub).toBe(hub.url);
  });

  it('refuses a wrong password with a clear message and exit code 2', async () => {
    const result = await runImagora(['login', '--hub', hub.url, '--user', 'admin', '--password-stdin'], { env: { IMAGORA_CONFIG_DIR: join(configDir, 'other') }, input: 'wrong-password\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AUTH_INVALID_CREDENTIALS');
  });

  it('creates an organization, a user and a membership with the stored token', async () => {
    expect(await runImagora(['org', 'create', 'radiology-north', '--name', 'Radiology North'], { env: env() })).toMatchObject({ code: 0 });
    expect(await runImagora(['user', 'create', 'grace', '--password-stdin'], { env: env(), input: 'grace-password-1\n' })).toMatchObject({ code: 0 });
    expect(await runImagora(['member', 'add', 'radiology-north', 'grace', 'steward'], { env: env() })).toMatchObject({ code: 0 });
    const members = await runImagora(['org', 'members', 'radiology-north', '--json'], { env: env() });
    expect(JSON.parse(members.stdout)).toEqual([expect.objectContaining({ username: 'grace', role: 'steward' })]);
  });

  it('uses IMAGORA_HUB and IMAGORA_TOKEN (an API key) instead of the stored login', async () => {
    const created = await runImagora(['api-key', 'create', 'automation', '--json'], { env: env() });
    const key = JSON.parse(created.stdout).key as string;
    const whoami = await runImagora(['whoami', '--json'], { env: { IMAGORA_CONFIG_DIR: join(configDir, 'empty'), IMAGORA_HUB: hub.url, IMAGORA_TOKEN: key } });
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ username: 'admin', authenticatedBy: 'api-key' });
    const id = JSON.parse(created.stdout).id as string;
    expect(await runImagora(['api-key', 'revoke', id], { env: env() })).toMatchObject({ code: 0 });
    const after = await runImagora(['whoami'], { env: { IMAGORA_CONFIG_DIR: join(configDir, 'empty'), IMAGORA_HUB: hub.url, IMAGORA_TOKEN: key } });
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('AUTH_UNAUTHENTICATED');
  });

  it('says how to sign in when there is no hub or token', async () => {
    const result = await runImagora(['whoami'], { env: { IMAGORA_CONFIG_DIR: join(configDir, 'nothing') } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--hub/);
  });
});

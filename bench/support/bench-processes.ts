// The processes of a benchmark, each on its own as in production: s3rver, the hub (`imagora serve --no-worker`), a
// worker and the CLI, on a fresh database of a PostgreSQL server (BENCH_DATABASE_SERVER, default
// postgres://postgres@127.0.0.1:5432/postgres; created and dropped by the caller). Peak RSS is VmHWM of a process.
// Shared by bench:ingest and bench:download. BENCH_HUB_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS (e.g. --heap-prof)
// are passed to those processes.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from '../../libs/validation/src/testing/validation-fixtures';

export { REPO_ROOT };
export const BIN = path.join(REPO_ROOT, 'bin', 'imagora.js');
const ALIASES = path.join(REPO_ROOT, 'scripts', 'register-aliases.js');
const WORKER_MAIN = path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
const DATABASE_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN_PASSWORD = 'bench-admin-password-1';

export function vmHwmMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A child process of the benchmark: its output's last lines, and a clean stop. */
export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  tail(): string;
  stop(): Promise<void>;
}

/** Spawns a child and waits until a line of its output gives `ready` a value. */
export async function startProcess<T>(name: string, args: string[], env: Record<string, string | undefined>, ready: (line: string) => T | undefined): Promise<{ proc: Proc; value: T }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  let value: T | undefined;
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      value ??= ready(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const tail = () => lines.slice(-120).join('\n');
  const deadline = Date.now() + 120_000;
  while (value === undefined) {
    if (dead || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const proc: Proc = {
    name,
    child,
    pid: child.pid!,
    tail,
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { proc, value };
}

// s3rver alone in a node process, as the hub would otherwise embed it (libs/storage/src/embedded-s3.ts).
const S3RVER_SCRIPT = `
const S3rver = require('s3rver');
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.argv[1], silent: true, resetOnClose: false });
server.run().then((address) => console.log('s3rver listening at http://127.0.0.1:' + address.port));
process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

export async function startS3(directory: string): Promise<{ proc: Proc; endpoint: string }> {
  mkdirSync(directory, { recursive: true });
  const { proc, value } = await startProcess('s3rver', ['-e', S3RVER_SCRIPT, directory], {}, (line) => /s3rver listening at (http:\/\/\S+)/.exec(line)?.[1]);
  return { proc, endpoint: value };
}

export async function startHub(env: Record<string, string>): Promise<{ proc: Proc; url: string }> {
  const nodeOptions = process.env.BENCH_HUB_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const { proc, value } = await startProcess('hub', [...nodeOptions, BIN, 'serve', '--no-worker'], { ...env, PORT: '0', IMAGORA_ADMIN_PASSWORD: ADMIN_PASSWORD }, (line) => /ready at (http:\/\/\S+)/.exec(line)?.[1]);
  return { proc, url: value };
}

export async function startWorker(env: Record<string, string>): Promise<Proc> {
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const { proc } = await startProcess('worker', [...nodeOptions, '-r', ALIASES, WORKER_MAIN], env, (line) => (line.includes('worker consuming jobs') ? true : undefined));
  return proc;
}

/**
 * s3rver and a fresh database for a hub under work/: the environment the hub, worker and CLI of a benchmark share
 * (IMAGORA_HOME work/home, objects under work/objects). The s3rver process is added to procs.
 */
export async function startBenchStack(work: string, procs: Proc[], logLevel: string): Promise<{ env: Record<string, string>; database: { url: string; drop(): Promise<void> }; s3: { proc: Proc; endpoint: string } }> {
  const home = path.join(work, 'home');
  mkdirSync(home, { mode: 0o755 });
  const s3 = await startS3(path.join(work, 'objects'));
  procs.push(s3.proc);
  const database = await createDatabase();
  const env = {
    IMAGORA_HOME: home,
    DATABASE_URL: database.url,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    IMAGORA_PROTOCOL_APPROVALS: '0',
    IMAGORA_JOB_POLL_SECONDS: '0.5',
    LOG_LEVEL: logLevel,
  };
  return { env, database, s3 };
}

/**
 * The end of a benchmark on a stack: its processes stopped (the last started first), its database dropped, its
 * folder removed unless BENCH_KEEP=1.
 */
export async function tearDownBench(procs: Proc[], database: { drop(): Promise<void> } | undefined, work: string): Promise<void> {
  for (const proc of [...procs].reverse()) await proc.stop();
  await database?.drop();
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** Runs a benchmark: an error is printed with its stack and fails the process. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}

/** A fresh database on the PostgreSQL server, dropped at the end. */
export async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `imagora_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: DATABASE_SERVER });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(DATABASE_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

export async function api(hub: string, method: string, route: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(`${hub}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Organization bench with a contributor and a steward, `protocol` published, and the open dataset bench/SLUG. */
export async function setUp(hub: string, protocol: Record<string, any>, slug: string, title: string): Promise<{ contributor: string; steward: string }> {
  const login = async (username: string, password: string) => (await api(hub, 'POST', '/api/v1/auth/login', undefined, { username, password })).accessToken as string;
  const admin = await login('admin', ADMIN_PASSWORD);
  await api(hub, 'POST', '/api/v1/organizations', admin, { slug: 'bench', name: 'Bench' });
  for (const [username, role] of [['contributor', 'contributor'], ['steward', 'steward']]) {
    await api(hub, 'POST', '/api/v1/users', admin, { username, password: `${username}-password-1` });
    await api(hub, 'PUT', '/api/v1/organizations/bench/members', admin, { username, role });
  }
  await api(hub, 'POST', '/api/v1/protocols', admin, { name: protocol.name, title: protocol.title, organization: 'default' });
  await api(hub, 'PUT', `/api/v1/protocols/${protocol.name}/versions/${protocol.version}`, admin, protocol);
  await api(hub, 'POST', `/api/v1/protocols/${protocol.name}/versions/${protocol.version}/publish`, admin);
  const contributor = await login('contributor', 'contributor-password-1');
  await api(hub, 'POST', '/api/v1/datasets', contributor, { organization: 'bench', slug, title, license: 'CC0-1.0', accessPolicy: 'open' });
  return { contributor, steward: await login('steward', 'steward-password-1') };
}

/** `node ARGS` as a child process: exit code, stdout, peak RSS (VmHWM) and wall time from spawn to exit. */
export async function runNode(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; peakRssMb: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  let peak = 0;
  // VmHWM only grows: the last sample before exit is the peak up to then.
  const sampler = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid!))), 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(sampler);
  return { code, stdout, peakRssMb: peak, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** `imagora ARGS` as a child process (see runNode). */
export function runCli(args: string[], env: Record<string, string>): ReturnType<typeof runNode> {
  return runNode([BIN, ...args], env);
}

/** Polls a submission until it reaches `state`; throws when it fails, is invalid or rejected. */
export async function waitFor(hub: string, token: string, id: string, state: string): Promise<any> {
  for (;;) {
    const submission = await api(hub, 'GET', `/api/v1/submissions/${id}`, token);
    if (submission.state === state) return submission;
    if (['failed', 'invalid', 'rejected'].includes(submission.state)) throw new Error(`submission ${id} is ${submission.state}: ${submission.failureReason}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

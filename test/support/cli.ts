import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'imagora.js');

function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'))) {
    throw new Error('the CLI is not built: run `npm run build` (npm test does it first)');
  }
}

/** Environment for a child `imagora`: no inherited database, S3 or hub settings unless given. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', NODE_NO_WARNINGS: '1' };
  return { ...base, ...env };
}

export async function runImagora(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], { env: childEnv(options.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (null if it had to be killed). */
  stop(): Promise<number | null>;
  startupMs: number;
}

/** `imagora serve` as a newcomer runs it: a child process, waiting for its "ready at URL" line. */
export async function startServeProcess(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServeProcess> {
  assertBuilt();
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'serve'], { env: childEnv({ PORT: '0', LOG_LEVEL: 'info', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`imagora serve not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = /ready at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`imagora serve exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    child,
    startupMs: Date.now() - started,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `apps/worker` alone, as a separate process (scale-out, and the SIGKILL tests). */
export function startWorkerProcess(env: Record<string, string | undefined>): { child: ChildProcess; output(): string; exited: Promise<number | null> } {
  assertBuilt();
  const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'scripts', 'register-aliases.js'), join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js')], {
    env: childEnv({ LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

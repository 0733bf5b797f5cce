import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';

/** Where `imagora login` keeps tokens: the user's config dir, readable by the user only. */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.IMAGORA_CONFIG_DIR ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'imagora');
  return join(base, 'credentials.json');
}

interface StoredCredentials {
  defaultHub?: string;
  hubs: Record<string, { token: string; username: string; expiresAt?: string }>;
}

export function readCredentials(env: NodeJS.ProcessEnv = process.env): StoredCredentials {
  const file = credentialsFile(env);
  if (!existsSync(file)) return { hubs: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoredCredentials;
    return { defaultHub: parsed.defaultHub, hubs: parsed.hubs ?? {} };
  } catch {
    throw new CliError(`${file} is not valid JSON: delete it and run \`imagora login\` again`);
  }
}

export function storeCredentials(hub: string, entry: { token: string; username: string; expiresAt?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const file = credentialsFile(env);
  const current = readCredentials(env);
  current.hubs[hub] = entry;
  current.defaultHub = hub;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(current, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** A failure to report to the user: message on stderr, exit code 2 unless given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    /** The hub's `error.details`, when the failure came from the hub. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function normalizeHubUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL (expected e.g. http://localhost:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`hub URL must be http(s): ${url}`);
  return parsed.toString().replace(/\/+$/, '');
}

/** --hub, else IMAGORA_HUB, else the hub of the last `imagora login`. */
export function resolveHub(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const hub = option ?? env.IMAGORA_HUB ?? readCredentials(env).defaultHub;
  if (!hub) throw new CliError('no hub given: pass --hub URL, set IMAGORA_HUB, or run `imagora login --hub URL` first');
  return normalizeHubUrl(hub);
}

export class HubClient {
  constructor(
    readonly hub: string,
    private readonly token: string | undefined,
  ) {}

  /** IMAGORA_TOKEN (a JWT or API key), else the token `imagora login` stored for this hub. */
  static fromOptions(options: { hub?: string }, env: NodeJS.ProcessEnv = process.env): HubClient {
    const hub = resolveHub(options.hub, env);
    return new HubClient(hub, env.IMAGORA_TOKEN ?? readCredentials(env).hubs[hub]?.token);
  }

  hasToken(): boolean {
    return this.token !== undefined;
  }

  /** Sends a JSON document verbatim (protocol documents are stored as written). */
  callText<T = any>(method: string, path: string, jsonText: string): Promise<T> {
    return this.call<T>(method, path, undefined, {}, jsonText);
  }

  async call<T = any>(method: string, path: string, body?: unknown, options: { anonymous?: boolean } = {}, rawJson?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!options.anonymous) {
      if (!this.token) throw new CliError(`not signed in to ${this.hub}: run \`imagora login --hub ${this.hub} --user NAME\` or set IMAGORA_TOKEN`);
      headers.authorization = `Bearer ${this.token}`;
    }
    const payload = rawJson ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.hub}${path}`, { method, headers, body: payload });
    } catch (error) {
      throw new CliError(`cannot reach ${this.hub}: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = parsed?.error;
      const hint = response.status === 401 && !options.anonymous ? ' (token expired or revoked? run `imagora login` again)' : '';
      throw new CliError(
        error ? `${error.code}: ${error.message}${hint}` : `HTTP ${response.status} from ${path}${hint}`,
        response.status === 409 || response.status === 422 ? 1 : 2,
        error?.details,
      );
    }
    return parsed as T;
  }
}

/** Every command that talks to a hub takes --hub. */
export function withHubOption(command: Command): Command {
  return command.option('--hub <url>', 'hub base URL (default: IMAGORA_HUB, else the last `imagora login`)');
}

export function printJsonOrTable(rows: Array<Record<string, unknown>>, columns: string[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(columns.map((c, i) => c.toUpperCase().padEnd(widths[i])).join('  '));
  for (const row of rows) console.log(columns.map((c, i) => cell(row[c]).padEnd(widths[i])).join('  '));
}

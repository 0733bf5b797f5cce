import { isAbsolute, join, resolve } from 'node:path';

/** A value that must never be printed: toString/toJSON hide it. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
}

export interface ObjectStoreConfig {
  endpoint: string | undefined;
  region: string;
  accessKeyId: Secret | undefined;
  secretAccessKey: Secret | undefined;
  forcePathStyle: boolean;
  quarantineBucket: string;
  sharedBucket: string;
}

export interface ImagoraConfig {
  home: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  databaseUrl: Secret | undefined;
  objectStore: ObjectStoreConfig;
  adminPassword: Secret | undefined;
  signingKeyFile: string;
  tokenTtlSeconds: number;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Approvals a protocol draft needs from committee members other than its authors (0: one-person hub). */
  protocolApprovals: number;
  /** Keyed pseudonyms (UIDs, PatientID, date shifts): the same key gives the same pseudonyms in every submission. */
  pseudonymKeyFile: string;
  upload: { partSizeBytes: number; presignExpirySeconds: number; maxFilesPerSubmission: number; maxFileBytes: number; directUploadMaxBytes: number };
  /** Hours quarantine objects are kept after release or rejection (0: purged at once). */
  quarantineRetentionHours: number;
  /** Files a worker processes at once within one pipeline step. */
  pipelineConcurrency: number;
  /** Anonymous search counts below this are shown as "<floor". */
  countFloor: number;
  /** Lifetime of presigned download URLs in a cohort manifest. */
  downloadUrlSeconds: number;
  /** Largest cohort offered as one streamed ZIP. */
  zipMaxBytes: number;
  /** How often an idle worker asks the queue for work (pg-boss accepts 0.5 s and up). */
  jobPollingIntervalSeconds: number;
  /** A job active this long is taken as crashed and retried (make it longer than the slowest step). */
  jobExpireSeconds: number;
  jobMaintenanceSeconds: number;
  /** Multipart uploads left incomplete longer than this are aborted. */
  staleUploadHours: number;
  /** Protocols published into an empty registry at first start; undefined: the ones shipped in protocols/. */
  seedProtocolsDir: string | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return raw;
}

function bucket(env: Env, name: string, fallback: string): string {
  const value = text(env, name) ?? fallback;
  // S3 bucket naming rules (3–63 lowercase letters, digits, dots, hyphens).
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    throw new ConfigError(name, `"${value}" is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function byteSize(env: Env, name: string, fallback: number, min = 0): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const match = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(raw);
  if (!match) throw new ConfigError(name, `must be a size such as 1mb or 512kb, got "${raw}"`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  const value = Number(match[1]) * factor;
  if (value < min) throw new ConfigError(name, `must be at least ${min} bytes`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the whole configuration once; every problem names its variable. */
export function loadConfig(env: Env, cwd: string = process.cwd()): ImagoraConfig {
  const homeRaw = text(env, 'IMAGORA_HOME') ?? './.imagora';
  const home = isAbsolute(homeRaw) ? homeRaw : resolve(cwd, homeRaw);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const endpoint = url(env, 'S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = text(env, 'S3_ACCESS_KEY_ID') ?? text(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = text(env, 'S3_SECRET_ACCESS_KEY') ?? text(env, 'AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID', 'must be set together with its pair');
  }
  const logLevel = (text(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const adminPassword = text(env, 'IMAGORA_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('IMAGORA_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  const quarantineBucket = bucket(env, 'S3_QUARANTINE_BUCKET', 'quarantine');
  const sharedBucket = bucket(env, 'S3_SHARED_BUCKET', 'shared');
  if (quarantineBucket === sharedBucket) {
    throw new ConfigError('S3_SHARED_BUCKET', 'must differ from S3_QUARANTINE_BUCKET: raw uploads may hold PHI');
  }
  const signingKeyRaw = text(env, 'IMAGORA_SIGNING_KEY_FILE');
  return {
    home,
    host: text(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535),
    publicUrl: url(env, 'IMAGORA_PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    databaseUrl: databaseUrl === undefined ? undefined : new Secret(databaseUrl),
    objectStore: {
      endpoint,
      region: text(env, 'S3_REGION') ?? text(env, 'AWS_REGION') ?? 'us-east-1',
      accessKeyId: accessKeyId === undefined ? undefined : new Secret(accessKeyId),
      secretAccessKey: secretAccessKey === undefined ? undefined : new Secret(secretAccessKey),
      forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', true),
      quarantineBucket,
      sharedBucket,
    },
    adminPassword: adminPassword === undefined ? undefined : new Secret(adminPassword),
    signingKeyFile: signingKeyRaw
      ? isAbsolute(signingKeyRaw)
        ? signingKeyRaw
        : resolve(cwd, signingKeyRaw)
      : join(home, 'keys', 'signing-key.pem'),
    tokenTtlSeconds: integer(env, 'IMAGORA_TOKEN_TTL_SECONDS', 3600, 60, 30 * 24 * 3600),
    bodyLimitBytes: byteSize(env, 'IMAGORA_BODY_LIMIT', 1024 * 1024),
    logLevel: logLevel as ImagoraConfig['logLevel'],
    protocolApprovals: integer(env, 'IMAGORA_PROTOCOL_APPROVALS', 1, 0, 20),
    pseudonymKeyFile: (() => {
      const file = text(env, 'IMAGORA_PSEUDONYM_KEY_FILE');
      return file === undefined ? join(home, 'keys', 'pseudonym.key') : isAbsolute(file) ? file : resolve(cwd, file);
    })(),
    upload: {
      // S3 needs parts of at least 5 MiB (but the last); 8 MiB keeps 10,000 parts enough for 78 GiB files.
      partSizeBytes: byteSize(env, 'IMAGORA_UPLOAD_PART_SIZE', 8 * 1024 * 1024, 8 * 1024 * 1024),
      presignExpirySeconds: integer(env, 'IMAGORA_PRESIGN_EXPIRY_SECONDS', 900, 60, 7 * 24 * 3600),
      maxFilesPerSubmission: integer(env, 'IMAGORA_MAX_FILES_PER_SUBMISSION', 1_000_000, 1, 100_000_000),
      maxFileBytes: byteSize(env, 'IMAGORA_MAX_FILE_SIZE', 64 * 1024 * 1024 * 1024),
      directUploadMaxBytes: byteSize(env, 'IMAGORA_DIRECT_UPLOAD_MAX', 64 * 1024 * 1024),
    },
    quarantineRetentionHours: integer(env, 'IMAGORA_QUARANTINE_RETENTION_HOURS', 0, 0, 24 * 365),
    staleUploadHours: integer(env, 'IMAGORA_STALE_UPLOAD_HOURS', 24, 1, 24 * 365),
    countFloor: integer(env, 'IMAGORA_COUNT_FLOOR', 5, 1, 1000),
    pipelineConcurrency: integer(env, 'IMAGORA_PIPELINE_CONCURRENCY', 4, 1, 64),
    downloadUrlSeconds: integer(env, 'IMAGORA_DOWNLOAD_URL_SECONDS', 900, 60, 7 * 24 * 3600),
    zipMaxBytes: byteSize(env, 'IMAGORA_ZIP_MAX', 2 * 1024 * 1024 * 1024),
    jobExpireSeconds: integer(env, 'IMAGORA_JOB_EXPIRE_SECONDS', 3600, 1, 23 * 3600),
    jobMaintenanceSeconds: integer(env, 'IMAGORA_JOB_MAINTENANCE_SECONDS', 60, 1, 3600),
    jobPollingIntervalSeconds: (() => {
      const raw = text(env, 'IMAGORA_JOB_POLL_SECONDS');
      if (raw === undefined) return 2;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0.5 || value > 60) throw new ConfigError('IMAGORA_JOB_POLL_SECONDS', 'must be a number of seconds from 0.5 to 60');
      return value;
    })(),
    seedProtocolsDir: (() => {
      const dir = text(env, 'IMAGORA_SEED_PROTOCOLS_DIR');
      return dir === undefined ? undefined : isAbsolute(dir) ? dir : resolve(cwd, dir);
    })(),
  };
}

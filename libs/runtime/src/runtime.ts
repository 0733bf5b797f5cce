import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from 'pino';
import { ImagoraConfig } from '@imagora/core';
import {
  createDataSource,
  DataSource,
  EmbeddedPostgresHandle,
  runMigrations,
  startEmbeddedPostgres,
  TypeormOrganizationRepository,
} from '@imagora/persistence';
import { EmbeddedS3Handle, ObjectStore, startEmbeddedS3 } from '@imagora/storage';
import { loadOrCreateSecretKey, loadOrCreateSigningKey, SigningKey } from '@imagora/auth';
import { ALL_QUEUES, JobQueue } from '@imagora/jobs';
import { AccessUseCases, composeAccessUseCases } from './access-use-cases';
import { composeRegistryUseCases, RegistryUseCases } from './registry-use-cases';
import { composeSubmissionUseCases, SubmissionUseCases } from './submission-use-cases';
import { CatalogUseCases, composeCatalogUseCases } from './catalog-use-cases';

export interface Runtime {
  config: ImagoraConfig;
  logger: Logger;
  dataSource: DataSource;
  objectStore: ObjectStore;
  jobs: JobQueue;
  signingKey: SigningKey;
  access: AccessUseCases;
  registry: RegistryUseCases;
  submissions: SubmissionUseCases;
  catalog: CatalogUseCases;
  /** `iss` of the hub's tokens and signatures. */
  issuer: string;
  embedded: { postgres: boolean; objectStore: boolean };
  /** Stops everything this runtime started, in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
  /** Migrate at start (the hub and `imagora serve` do; `imagora migrate` runs them itself). */
  migrate?: boolean;
  jobPollingIntervalSeconds?: number;
}

/**
 * Brings up the infrastructure every process shares: PostgreSQL (DATABASE_URL, else embedded under
 * IMAGORA_HOME/pg), the object store (S3_ENDPOINT, else s3rver under IMAGORA_HOME/objects), the
 * buckets, migrations, the signing key and the job queue.
 */
export async function startRuntime(config: ImagoraConfig, options: RuntimeOptions): Promise<Runtime> {
  const { logger } = options;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    while (stops.length) await stops.pop()!().catch((error) => logger.error({ err: error }, 'error while stopping'));
  };
  try {
    mkdirSync(config.home, { recursive: true });
    let databaseUrl = config.databaseUrl?.reveal();
    let embeddedPostgres: EmbeddedPostgresHandle | undefined;
    if (!databaseUrl) {
      embeddedPostgres = await startEmbeddedPostgres({ dataDir: join(config.home, 'pg'), onLog: (line) => logger.debug({ postgres: line.trim() }) });
      stops.push(() => embeddedPostgres!.stop());
      databaseUrl = embeddedPostgres.url;
      logger.info({ port: embeddedPostgres.port, dataDir: join(config.home, 'pg') }, 'embedded PostgreSQL started');
    }

    let objectStoreOptions = {
      endpoint: config.objectStore.endpoint,
      region: config.objectStore.region,
      accessKeyId: config.objectStore.accessKeyId?.reveal(),
      secretAccessKey: config.objectStore.secretAccessKey?.reveal(),
      forcePathStyle: config.objectStore.forcePathStyle,
    };
    let embeddedS3: EmbeddedS3Handle | undefined;
    if (!config.objectStore.endpoint) {
      embeddedS3 = await startEmbeddedS3({ directory: join(config.home, 'objects') });
      stops.push(() => embeddedS3!.stop());
      objectStoreOptions = { ...objectStoreOptions, endpoint: embeddedS3.endpoint, accessKeyId: embeddedS3.accessKeyId, secretAccessKey: embeddedS3.secretAccessKey, forcePathStyle: true };
      logger.info({ endpoint: embeddedS3.endpoint, directory: join(config.home, 'objects') }, 'embedded S3 server started');
    }

    const dataSource = createDataSource(databaseUrl);
    await dataSource.initialize();
    stops.push(() => dataSource.destroy());
    if (options.migrate !== false) {
      const applied = await runMigrations(dataSource);
      if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    }

    const objectStore = new ObjectStore({ ...objectStoreOptions, buckets: { quarantine: config.objectStore.quarantineBucket, shared: config.objectStore.sharedBucket } });
    stops.push(async () => objectStore.destroy());
    await objectStore.ensureBucket(config.objectStore.quarantineBucket);
    await objectStore.ensureBucket(config.objectStore.sharedBucket);

    const { key: signingKey, created } = loadOrCreateSigningKey(config.signingKeyFile);
    if (created) logger.info({ kid: signingKey.kid }, 'generated the hub signing key');
    const issuer = config.publicUrl ?? `urn:imagora:node:${signingKey.kid}`;
    const { key: pseudonymKey, created: pseudonymKeyCreated } = loadOrCreateSecretKey(config.pseudonymKeyFile);
    if (pseudonymKeyCreated) logger.info('generated the pseudonym key');

    const jobs = new JobQueue({
      connectionString: databaseUrl,
      pollingIntervalSeconds: options.jobPollingIntervalSeconds ?? config.jobPollingIntervalSeconds,
      expireInSeconds: config.jobExpireSeconds,
      maintenanceIntervalSeconds: config.jobMaintenanceSeconds,
      onError: (error) => logger.error({ err: error }, 'job queue error'),
    });
    await jobs.start(ALL_QUEUES);
    stops.push(() => jobs.stop());

    const access = composeAccessUseCases(dataSource, signingKey, issuer, config.tokenTtlSeconds);
    const organizations = new TypeormOrganizationRepository(dataSource);
    const registry = composeRegistryUseCases(dataSource, organizations, access.auditLog, signingKey, issuer, config.protocolApprovals);
    const submissions = composeSubmissionUseCases({ dataSource, objectStore, jobs, organizations, auditLog: access.auditLog, protocols: registry.read, pseudonymKey, config });
    return {
      config,
      logger,
      dataSource,
      objectStore,
      jobs,
      signingKey,
      issuer,
      access,
      registry,
      submissions,
      catalog: composeCatalogUseCases({ dataSource, objectStore, auditLog: access.auditLog, config, hubUrl: config.publicUrl ?? `http://localhost:${config.port}` }),
      embedded: { postgres: embeddedPostgres !== undefined, objectStore: embeddedS3 !== undefined },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

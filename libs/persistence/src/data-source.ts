import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { IMAGORA_SCHEMA } from './schema';

/**
 * Session settings of every hub connection. No JIT: the hub's statements are short (catalog search reads summary
 * cells), and compiling them costs more than it saves (tens of milliseconds per facet query on the planner's row
 * estimates for jsonb functions). 16 MB of work memory: a facet query's grouping sets fit in hash tables instead of
 * one sort per set (a pool of 10 connections stays well under a gigabyte).
 */
export const SESSION_OPTIONS = '-c jit=off -c work_mem=16MB';

export function createDataSource(url: string, options: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    schema: IMAGORA_SCHEMA,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    applicationName: options.applicationName ?? 'imagora',
    extra: { max: options.poolSize ?? 10, options: SESSION_OPTIONS },
  });
}

// Any fixed number: every hub replica takes this lock, so only one runs migrations at a time.
const MIGRATION_LOCK_KEY = 7_146_302_118;

/** Runs the committed migrations (never `synchronize`), serialized across replicas. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await runner.query(`create schema if not exists "${IMAGORA_SCHEMA}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** The SQL that would bring the database in line with the entities: empty when migrations and entities agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<{ up: string[]; down: string[] }> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
}

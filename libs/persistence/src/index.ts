export { createDataSource, runMigrations, pendingSchemaChanges, SESSION_OPTIONS } from './data-source';
export { startEmbeddedPostgres, freeLoopbackPort } from './embedded/embedded-postgres';
export type { EmbeddedPostgresHandle } from './embedded/embedded-postgres';
export * from './repositories';
export { DataSource } from 'typeorm';

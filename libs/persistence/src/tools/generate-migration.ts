/* Writes a migration for the difference between the entities and the committed migrations.
   Usage: node scripts/generate-migration.js Name   (DATABASE_URL: any PostgreSQL server to use as scratch) */
import { Client } from 'pg';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, pendingSchemaChanges, runMigrations } from '../data-source';

async function main(): Promise<void> {
  const name = process.argv[2];
  const serverUrl = process.env.DATABASE_URL;
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('give the migration a PascalCase name');
  if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server to generate against');
  const scratch = `imagora_migration_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${scratch}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${scratch}`;
  const dataSource = createDataSource(url.toString());
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const { up, down } = await pendingSchemaChanges(dataSource);
    if (up.length === 0) {
      process.stdout.write('entities and migrations agree: nothing to generate\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const quote = (sql: string) => '`' + sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.map((q) => `    await queryRunner.query(${quote(q)});`).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...down].reverse().map((q) => `    await queryRunner.query(${quote(q)});`).join('\n')}
  }
}
`;
    const file = join(__dirname, '..', '..', '..', '..', '..', 'libs', 'persistence', 'src', 'migrations', `${timestamp}-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.ts`);
    writeFileSync(file, body);
    process.stdout.write(`wrote ${file}\nadd ${className} to libs/persistence/src/migrations/index.ts\n`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await admin.query(`drop database if exists "${scratch}"`);
    await admin.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

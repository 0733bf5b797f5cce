import { mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/persistence/src/embedded/embedded-postgres';
import { startEmbeddedS3 } from '../../libs/storage/src/embedded-s3';
import { registerTestServices } from './test-services';

// Starts the real servers every test file shares: PostgreSQL (DATABASE_URL, else embedded-postgres)
// and an S3 endpoint (S3_ENDPOINT, else s3rver). Test files create their own databases and buckets.
export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'imagora-test-'));
  chmodSync(root, 0o755);
  const stops: Array<() => Promise<void>> = [];
  try {
    if (!process.env.DATABASE_URL) {
      const pg = await startEmbeddedPostgres({ dataDir: join(root, 'pg'), database: 'imagora_test' });
      stops.push(pg.stop);
      process.env.DATABASE_URL = pg.url;
    }
    if (!process.env.S3_ENDPOINT) {
      const s3 = await startEmbeddedS3({ directory: join(root, 'objects') });
      stops.push(s3.stop);
      process.env.S3_ENDPOINT = s3.endpoint;
      process.env.S3_ACCESS_KEY_ID = s3.accessKeyId;
      process.env.S3_SECRET_ACCESS_KEY = s3.secretAccessKey;
      process.env.S3_REGION = s3.region;
    }
  } catch (error) {
    // jest skips globalTeardown when globalSetup throws: stop what did start.
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
  process.env.IMAGORA_TEST_ROOT = root;
  writeFileSync(join(root, 'env.json'), JSON.stringify({ DATABASE_URL: process.env.DATABASE_URL }));
  registerTestServices(root, stops);
}

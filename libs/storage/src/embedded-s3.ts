import S3rver from 's3rver';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export interface EmbeddedS3Handle {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  stop(): Promise<void>;
}

// s3rver's fixed development credentials: it checks the access key id, never the signature.
const S3RVER_KEY = 'S3RVER';

export async function startEmbeddedS3(options: { directory: string; port?: number }): Promise<EmbeddedS3Handle> {
  const directory = resolve(options.directory);
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, directory, silent: true, resetOnClose: false });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    accessKeyId: S3RVER_KEY,
    secretAccessKey: S3RVER_KEY,
    region: 'us-east-1',
    stop: () => server.close(),
  };
}

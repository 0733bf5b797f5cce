import { AddressInfo } from 'node:net';
import { loadConfig } from '@imagora/core';
import { createLogger, Runtime, seedProtocols, startRuntime } from '@imagora/runtime';
import { createHubApp } from './create-hub-app';

export interface ServeOptions {
  env?: Record<string, string | undefined>;
  /** Runs after the runtime is up and before the HTTP port opens (e.g. the worker, in `imagora serve`). */
  alsoStart?: (runtime: Runtime) => Promise<void>;
  /** Where the banner (URL, docs, first admin password) goes: a person's terminal, never the log. */
  print?: (text: string) => void;
}

export interface RunningHub {
  url: string;
  runtime: Runtime;
  stop(): Promise<void>;
}

/** Starts the whole hub: infrastructure, first-start bootstrap, optional worker, HTTP API. */
export async function serveHub(options: ServeOptions = {}): Promise<RunningHub> {
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const config = loadConfig(options.env ?? process.env);
  const startedAt = Date.now();
  const runtime = await startRuntime(config, { logger: createLogger(config.logLevel) });
  try {
    const bootstrap = await runtime.access.bootstrap.execute({ adminPassword: config.adminPassword?.reveal() });
    // Printed at once, before anything else can fail: a generated password exists nowhere else.
    if (bootstrap.generatedPassword) {
      print(`\nFirst start: created user "${bootstrap.adminUsername}" with password ${bootstrap.generatedPassword}\n(generated and shown only this once; set IMAGORA_ADMIN_PASSWORD to choose it yourself)\n`);
    } else if (bootstrap.created) {
      print(`\nFirst start: created user "${bootstrap.adminUsername}" with the password from IMAGORA_ADMIN_PASSWORD\n`);
    }
    const seeded = await seedProtocols(runtime);
    if (seeded.length) runtime.logger.info({ protocols: seeded }, 'published the shipped protocols');
    if (options.alsoStart) await options.alsoStart(runtime);
    const app = await createHubApp(runtime);
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = config.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    runtime.logger.info({ url, startupMs: Date.now() - startedAt, embedded: runtime.embedded }, 'hub listening');
    print(
      [
        '',
        `Imagora hub ready at ${url}`,
        `  API docs:    ${url}/docs`,
        `  data:        ${config.home}${runtime.embedded.postgres ? ' (embedded PostgreSQL)' : ''}${runtime.embedded.objectStore ? ' (embedded S3)' : ''}`,
        `  admin user:  ${bootstrap.adminUsername}${bootstrap.created ? '' : ' (created on first start)'}`,
        '',
        '',
      ].join('\n'),
    );
    let stopping: Promise<void> | undefined;
    return {
      url,
      runtime,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await runtime.stop();
        })()),
    };
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

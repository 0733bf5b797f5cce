import { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { EXIT_OK, EXIT_PROBLEMS } from '../exit-codes';
import { CliError, HubClient, withHubOption } from '../hub-client';

interface ValidateCommandOptions {
  protocol: string;
  hub?: string;
  format: string;
  maxIssues: string;
  config?: string;
}

const PROTOCOL_REF = /^([a-z0-9][a-z0-9-]*)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** --protocol FILE works offline; NAME@VERSION is fetched from the hub's registry (anonymous read). */
async function loadProtocol(source: string, hub: string | undefined): Promise<unknown> {
  if (await isFile(source)) return readJsonFile(source, 'protocol');
  const ref = PROTOCOL_REF.exec(source);
  if (!ref) throw new CliError(`--protocol ${source}: no such file, and not NAME@VERSION (e.g. lidc-lung-nodule-ct@1.1.0)`);
  const path = `/api/v1/protocols/${encodeURIComponent(ref[1])}/versions/${encodeURIComponent(ref[2])}`;
  const response = await HubClient.fromOptions({ hub }).call<{ document?: unknown }>('GET', path, undefined, { anonymous: true });
  if (!response || typeof response !== 'object' || response.document === undefined) throw new CliError(`the hub answered ${path} without a protocol document`);
  return response.document;
}

function parseMaxIssues(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`--max-issues must be a non-negative integer, got "${text}"`);
  return Number.parseInt(text, 10);
}

// A single self-overwriting line on a terminal; nothing at all when stderr is a pipe or a file.
function progressReporter(): ((progress: { files: number; images: number; records: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (progress) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    process.stderr.write(`\rvalidating: ${progress.files} files, ${progress.images} images, ${progress.records} records`);
  };
}

export function registerValidateCommand(program: Command): void {
  withHubOption(
    program
      .command('validate <dir>')
      .description('validate a dataset folder against a protocol version (exit 0 valid, 1 invalid, 2 usage or I/O error)')
      .requiredOption('--protocol <file|name@version>', 'protocol document file, or NAME@VERSION from the hub registry')
      .option('--format <format>', 'text (grouped by file) or json (schemas/validation-report.schema.json)', 'text')
      .option('--max-issues <n>', 'issues to list; the rest are counted in the summary', '1000')
      .option('--config <file>', 'JSON re-classifying severities by code and path glob (see libs/validation/README.md)'),
  ).action(async (dir: string, options: ValidateCommandOptions) => {
    if (options.format !== 'text' && options.format !== 'json') throw new CliError(`--format must be text or json, got "${options.format}"`);
    const maxIssues = parseMaxIssues(options.maxIssues);
    let directory;
    try {
      directory = await stat(dir);
    } catch (error) {
      throw new CliError(`cannot read dataset folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!directory.isDirectory()) throw new CliError(`${dir} is not a folder`);

    // Loaded on demand: ajv, the DICOM parser and the protocol linter cost start-up time other commands should not pay.
    const [{ validateDatasetDirectory, formatReportText, parseSeverityConfig }, { DomainError }, { boundHeapGrowth }] = await Promise.all([
      import('@imagora/validation'),
      import('@imagora/core'),
      import('@imagora/runtime/heap-growth'),
    ]);
    // A dataset streams through: its garbage must not grow the heap to 4x what the run holds.
    boundHeapGrowth();
    let config;
    if (options.config !== undefined) {
      const parsed = parseSeverityConfig(await readJsonFile(options.config, 'config'));
      if (!parsed.ok) throw new CliError(`config ${options.config} is invalid:\n  ${parsed.problems.join('\n  ')}`);
      config = parsed.config;
    }
    const protocol = await loadProtocol(options.protocol, options.hub);

    const onProgress = progressReporter();
    let report;
    try {
      report = await validateDatasetDirectory(dir, { protocol, maxIssues, config, onProgress });
    } catch (error) {
      if (error instanceof DomainError) {
        const problems = (error.details?.problems as Array<{ pointer?: string; message: string }> | undefined) ?? [];
        const detail = problems.slice(0, 10).map((problem) => `\n  ${problem.pointer || '/'}: ${problem.message}`).join('');
        throw new CliError(`protocol ${options.protocol} is not a valid protocol document (${error.code}): ${error.message}${detail}`);
      }
      throw error;
    } finally {
      if (onProgress) process.stderr.write('\r\x1b[K');
    }
    process.stdout.write(options.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatReportText(report));
    process.exitCode = report.valid ? EXIT_OK : EXIT_PROBLEMS;
  });
}

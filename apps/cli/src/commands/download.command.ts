import { Command } from 'commander';
import { blockedFromDetails, blockedLines } from '../catalog/access-hints';
import { EXIT_PROBLEMS } from '../exit-codes';
import { CliError, HubClient, withHubOption } from '../hub-client';

// `imagora download COHORT_ID --out DIR`: the cohort's files straight from the object store, verified and resumable.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type DownloadOptions = { hub?: string; out: string; concurrency: string; json?: boolean };

export function registerDownloadCommand(program: Command): void {
  withHubOption(program.command('download <cohortId>'))
    .description('download a cohort into DIR/DATASET/vN/PATH: parallel, every sha256 verified, resumable (verified files are skipped)')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--concurrency <n>', 'files at a time (1-64)', '4')
    .option('--json', 'print a JSON summary {files, bytes, skipped, failed, seconds, …}')
    .action(async (cohortId: string, options: DownloadOptions) => {
      if (!UUID.test(cohortId)) throw new CliError(`"${cohortId}" is not a cohort id (a UUID, as \`imagora cohort list\` shows)`);
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new CliError(`--concurrency must be a whole number from 1 to 64, got "${options.concurrency}"`);
      const client = HubClient.fromOptions(options);
      const { runDownload } = await import('../download/run-download');
      let summary;
      try {
        summary = await runDownload({ outDir: options.out, concurrency, fetchManifest: () => client.call('GET', `/api/v1/cohorts/${cohortId}/manifest`) });
      } catch (error) {
        const blocked = error instanceof CliError ? blockedFromDetails(error.details) : undefined;
        if (blocked?.length) throw new CliError(`${error instanceof Error ? error.message : String(error)}\nyou may not download these datasets yet:\n${blockedLines(blocked).join('\n')}`, (error as CliError).exitCode);
        throw error;
      }
      if (options.json) console.log(JSON.stringify(summary, null, 2));
      else {
        const megabytes = (summary.bytes / 1e6).toFixed(1);
        const extras = [summary.resumed ? `${summary.resumed} resumed` : '', summary.replaced ? `${summary.replaced} damaged local cop${summary.replaced === 1 ? 'y' : 'ies'} replaced` : ''].filter(Boolean).join(', ');
        console.log(
          `${summary.files} file(s) in cohort ${summary.cohort}: ${summary.downloaded} downloaded and verified (${megabytes} MB${extras ? `; ${extras}` : ''}), ` +
            `${summary.skipped} already verified, ${summary.failed.length} failed, in ${summary.seconds} s`,
        );
      }
      if (summary.failed.length) {
        process.stderr.write(`imagora: ${summary.failed.length} file(s) failed:\n${summary.failed.map((f) => `  ${f.path}: ${f.reason}`).join('\n')}\n`);
        process.exitCode = EXIT_PROBLEMS;
      }
    });
}

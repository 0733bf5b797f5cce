import { Command, InvalidArgumentError } from 'commander';
import { withHubOption } from '../hub-client';
import type { UploadCommandOptions } from '../upload/run-upload';

// `imagora upload DIR`: the engine is in ../upload/ and loaded on demand (validation, DICOM and de-identification
// code cost start-up time other commands should not pay).

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('expected a whole number of files in flight, 1..64');
  return n;
}

export function registerUploadCommand(program: Command): void {
  withHubOption(
    program
      .command('upload <dir>')
      .description('validate a dataset folder, then upload it as a new submission (resumable: run it again after an interruption)')
      .option('--dataset <org/slug>', 'dataset on the hub (default: "dataset" in DIR/dataset.json)')
      .option('--protocol <name@version>', 'protocol version (default: "protocol" in DIR/dataset.json)')
      .option('--deid-local', 'de-identify DICOM files and remap annotation UIDs here, with your own key, before upload: no PHI leaves the machine')
      .option('--key-file <file>', 'secret key (≥ 16 bytes) for --deid-local')
      .option('--concurrency <n>', 'files in flight', parseConcurrency, 4)
      .option('--wait', 'follow the submission until it awaits review (exit 0) or is invalid/failed (exit 1)')
      .option('--force', 'upload even if local validation finds errors (the hub will mark it invalid)')
      .option('--restart', 'forget the saved progress in DIR/.imagora/ and start a new submission')
      .option('--json', 'print a JSON summary on stdout'),
  ).action(async (dir: string, options: UploadCommandOptions) => {
    const [{ runUpload }, { boundHeapGrowth }] = await Promise.all([import('../upload/run-upload'), import('@imagora/runtime/heap-growth')]);
    // Validation, hashing and de-identification stream the whole dataset through this process.
    boundHeapGrowth();
    process.exitCode = await runUpload(dir, options);
  });
}

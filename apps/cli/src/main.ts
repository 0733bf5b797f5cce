import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands';
import { EXIT_USAGE } from './exit-codes';
import { CliError } from './hub-client';
import { imagoraVersion } from '@imagora/runtime/version';

async function main(argv: string[]): Promise<void> {
  const program = new Command('imagora')
    .description('Imagora: share annotated, de-identified medical-imaging datasets under versioned protocols')
    .version(imagoraVersion())
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    throw error;
  }
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`imagora: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : EXIT_USAGE;
});

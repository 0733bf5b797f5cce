import { Command } from 'commander';
import { registerAccessCommands } from './access.command';
import { registerMigrateCommand } from './migrate.command';
import { registerProtocolCommands } from './protocol.command';
import { registerServeCommand } from './serve.command';
import { registerDeidCommand } from './deid.command';
import { registerValidateCommand } from './validate.command';
import { registerUploadCommand } from './upload.command';
import { registerSubmissionCommands } from './submission.command';
import { registerSearchCommand } from './search.command';
import { registerCohortCommands } from './cohort.command';
import { registerDownloadCommand } from './download.command';
import { registerAuditCommands } from './audit.command';

// Every `imagora` sub-command lives in its own *.command.ts file and is registered here.
export function registerCommands(program: Command): void {
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerAccessCommands(program);
  registerDeidCommand(program);
  registerProtocolCommands(program);
  registerValidateCommand(program);
  registerUploadCommand(program);
  registerSubmissionCommands(program);
  registerSearchCommand(program);
  registerCohortCommands(program);
  registerDownloadCommand(program);
  registerAuditCommands(program);
}

import { Command } from 'commander';

// Every `imagora` sub-command lives in its own *.command.ts file and is registered here.
export function registerCommands(program: Command): void {
  void program;
}

import { Command } from 'commander';
import { EXIT_PROBLEMS } from '../exit-codes';
import { CliError, HubClient, printJsonOrTable, withHubOption } from '../hub-client';

// `imagora audit verify|list` (hub admins): the append-only, hash-chained audit log.

type HubOptions = { hub?: string; json?: boolean };

interface AuditRecordView {
  sequence: string;
  occurredAt: string;
  actorUserId: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  remoteAddress?: string | null;
  details?: Record<string, unknown> | null;
}

/** A 403 from the audit routes means "not a hub admin": say so plainly. */
async function asAdmin<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError && /^AUTH_FORBIDDEN\b/.test(error.message)) {
      throw new CliError(`the audit log is for hub administrators (admins of the root organization): ${error.message}`, error.exitCode, error.details);
    }
    throw error;
  }
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log (hub admins)');

  withHubOption(audit.command('verify'))
    .description('recompute the audit log’s hash chain: exit 0 intact, 1 broken (prints the first broken sequence)')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      const result = await asAdmin(() => HubClient.fromOptions(options).call<{ records: number; firstBrokenSequence: string | null; intact: boolean }>('GET', '/api/v1/audit/verify'));
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else if (result.intact) console.log(`audit log intact: ${result.records} record(s), hash chain verified`);
      else console.log(`audit log BROKEN: the hash chain breaks at sequence ${result.firstBrokenSequence} (of ${result.records} record(s)); that record or one before it was altered or removed`);
      if (!result.intact) process.exitCode = EXIT_PROBLEMS;
    });

  withHubOption(audit.command('list'))
    .description('audit records, oldest first')
    .option('--after <sequence>', 'continue after this sequence number')
    .option('--limit <n>', 'records (1-1000, default 100)')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions & { after?: string; limit?: string }) => {
      if (options.after !== undefined && !/^\d+$/.test(options.after)) throw new CliError(`--after must be a sequence number, got "${options.after}"`);
      if (options.limit !== undefined && (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000)) throw new CliError(`--limit must be a whole number from 1 to 1000, got "${options.limit}"`);
      const params = new URLSearchParams();
      if (options.after) params.set('after', options.after);
      if (options.limit) params.set('limit', options.limit);
      const query = params.toString();
      const rows = await asAdmin(() => HubClient.fromOptions(options).call<AuditRecordView[]>('GET', `/api/v1/audit${query ? `?${query}` : ''}`));
      if (options.json) return console.log(JSON.stringify(rows, null, 2));
      printJsonOrTable(
        rows.map((r) => ({ sequence: r.sequence, at: r.occurredAt, actor: r.actorUserId, action: r.action, target: r.targetType ? `${r.targetType}:${r.targetId ?? ''}` : null, from: r.remoteAddress })),
        ['sequence', 'at', 'actor', 'action', 'target', 'from'],
        false,
      );
    });
}

import { Command } from 'commander';
import { CliError, HubClient, printJsonOrTable, withHubOption } from '../hub-client';

// `imagora submission list|status|approve|reject`: follow submissions, and (stewards) decide on them.

type HubOptions = { hub?: string; json?: boolean };

const STATES = ['open', 'uploaded', 'validating', 'invalid', 'deidentifying', 'verifying', 'awaiting-review', 'approved', 'rejected', 'publishing', 'released', 'failed'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SubmissionView {
  id: string;
  dataset: string;
  protocol: string;
  state: string;
  failureReason: string | null;
  deidLocal: boolean;
  createdAt: string;
  updatedAt: string;
  releasedVersion: number | null;
  reviewReason: string | null;
  validationReport: { valid: boolean; summary: { files: number; images: number; records: number; errors: number; warnings: number }; issues: Array<{ severity: string; code: string; file: string; message: string }> } | null;
  deidReport: {
    files?: number;
    deidentified?: number;
    copied?: number;
    excluded?: Array<{ path: string; reason: string }>;
    flags?: Array<{ path: string; flags: string[] }>;
    failed?: Array<{ path: string; reason: string }>;
    verification?: { files: number; failed: Array<{ path: string; problems: string[] }> };
  } | null;
  events?: Array<{ from: string | null; to: string; actor: string | null; reason: string | null; at: string }>;
}

function submissionPath(id: string, suffix = ''): string {
  if (!UUID.test(id)) throw new CliError(`"${id}" is not a submission id (a UUID, as \`imagora submission list\` shows)`);
  return `/api/v1/submissions/${id}${suffix}`;
}

function printStatus(s: SubmissionView): void {
  const line = (label: string, value: unknown) => console.log(`${label.padEnd(20)}${value === null || value === undefined || value === '' ? '-' : value}`);
  line('submission', s.id);
  line('dataset', s.dataset);
  line('protocol', s.protocol);
  line('state', s.state);
  line('failure reason', s.failureReason);
  line('review reason', s.reviewReason);
  line('released version', s.releasedVersion);
  line('de-identified', s.deidLocal ? 'locally by the contributor (the hub verifies)' : 'by the hub');
  const v = s.validationReport;
  line('validation', v ? `${v.valid ? 'valid' : 'INVALID'}: ${v.summary.errors} error(s), ${v.summary.warnings} warning(s); ${v.summary.files} files, ${v.summary.images} images, ${v.summary.records} records` : null);
  if (v && !v.valid) for (const issue of v.issues.filter((i) => i.severity === 'error').slice(0, 10)) console.log(`    ${issue.file || '(dataset)'}: ${issue.code}: ${issue.message}`);
  const d = s.deidReport;
  if (d) {
    line('de-identification', `${d.deidentified ?? 0} de-identified, ${d.copied ?? 0} copied, ${d.excluded?.length ?? 0} excluded, ${d.failed?.length ?? 0} failed`);
    for (const flagged of d.flags ?? []) console.log(`    flag ${flagged.path}: ${flagged.flags.join(', ')}`);
    for (const excluded of d.excluded ?? []) console.log(`    excluded ${excluded.path}: ${excluded.reason}`);
    for (const failed of d.failed ?? []) console.log(`    failed ${failed.path}: ${failed.reason}`);
    if (d.verification) line('verification', `${d.verification.files} output(s) checked, ${d.verification.failed.length} failed`);
  } else line('de-identification', null);
  if (s.events?.length) {
    console.log('events:');
    printJsonOrTable(s.events.map((e) => ({ at: e.at, from: e.from, to: e.to, actor: e.actor, reason: e.reason })), ['at', 'from', 'to', 'actor', 'reason'], false);
  }
}

export function registerSubmissionCommands(program: Command): void {
  const submission = program.command('submission').description('submissions: follow them, and approve or reject them (stewards)');

  withHubOption(submission.command('list'))
    .description('submissions of your organizations')
    .option('--state <state>', `only this state: ${STATES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (options: HubOptions & { state?: string }) => {
      if (options.state !== undefined && !STATES.includes(options.state)) throw new CliError(`--state must be one of ${STATES.join(', ')}, got "${options.state}"`);
      const query = options.state ? `?state=${encodeURIComponent(options.state)}` : '';
      const rows = await HubClient.fromOptions(options).call<SubmissionView[]>('GET', `/api/v1/submissions${query}`);
      printJsonOrTable(
        rows.map((s) => ({ id: s.id, dataset: s.dataset, protocol: s.protocol, state: s.state, updated: s.updatedAt, ...(options.json ? { failureReason: s.failureReason, deidLocal: s.deidLocal } : {}) })),
        ['id', 'dataset', 'protocol', 'state', 'updated'],
        Boolean(options.json),
      );
    });

  withHubOption(submission.command('status <id>'))
    .description('state, failure reason, validation summary, de-identification flags and every transition')
    .option('--json', 'print JSON')
    .action(async (id: string, options: HubOptions) => {
      const view = await HubClient.fromOptions(options).call<SubmissionView>('GET', submissionPath(id));
      if (options.json) console.log(JSON.stringify(view, null, 2));
      else printStatus(view);
    });

  withHubOption(submission.command('approve <id>'))
    .description('approve a submission awaiting review (stewards): it is published as a new dataset version')
    .option('--reason <text>', 'why (kept with the transition)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: HubOptions & { reason?: string }) => {
      const view = await HubClient.fromOptions(options).call<SubmissionView>('POST', submissionPath(id, '/approve'), options.reason ? { reason: options.reason } : {});
      if (options.json) console.log(JSON.stringify(view, null, 2));
      else console.log(`submission ${view.id} approved: ${view.state} (\`imagora submission status ${view.id}\` follows it to released)`);
    });

  withHubOption(submission.command('reject <id>'))
    .description('reject a submission awaiting review (stewards); its quarantine objects are purged')
    .requiredOption('--reason <text>', 'why (shown to the contributors)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: HubOptions & { reason: string }) => {
      if (!options.reason.trim()) throw new CliError('--reason must not be empty');
      const view = await HubClient.fromOptions(options).call<SubmissionView>('POST', submissionPath(id, '/reject'), { reason: options.reason });
      if (options.json) console.log(JSON.stringify(view, null, 2));
      else console.log(`submission ${view.id} rejected`);
    });
}

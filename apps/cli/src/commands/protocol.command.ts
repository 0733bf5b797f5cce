import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { CliError, HubClient, printJsonOrTable, withHubOption } from '../hub-client';
import { EXIT_PROBLEMS } from '../exit-codes';

type HubOptions = { hub?: string; json?: boolean };

interface ChangeView {
  pointer: string;
  kind: string;
  breaks: string[];
  message: string;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function splitRef(ref: string): { name: string; selector?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), selector: ref.slice(at + 1) };
}

function requireVersionRef(ref: string): { name: string; version: string } {
  const { name, selector } = splitRef(ref);
  if (!selector || !SEMVER.test(selector)) throw new CliError(`expected NAME@VERSION (e.g. lidc-lung-nodule-ct@1.1.0), got "${ref}"`);
  return { name, version: selector };
}

function versionPath(ref: string): string {
  const { name, version } = requireVersionRef(ref);
  return `/api/v1/protocols/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A protocol document from a file, or NAME@VERSION fetched from the hub. */
async function loadDocument(source: string, options: HubOptions): Promise<unknown> {
  const looksLikeRef = /^[a-z0-9-]+@\d/.test(source) && !source.endsWith('.json');
  if (!looksLikeRef) {
    const text = await readText(source);
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`${source} is not valid JSON`);
    }
  }
  return (await HubClient.fromOptions(options).call('GET', versionPath(source), undefined, { anonymous: true })).document;
}

function printChanges(changes: ChangeView[]): void {
  for (const change of changes) {
    const breaks = change.breaks.length ? ` [breaks ${change.breaks.join(', ')}]` : '';
    console.log(`  ${change.pointer || '/'}  ${change.kind}${breaks}\n      ${change.message}`);
  }
}

export function registerProtocolCommands(program: Command): void {
  const protocol = program.command('protocol').description('annotation protocols: lint and diff offline, publish on a hub');

  protocol
    .command('lint <files...>')
    .description('check protocol documents offline (exit 0 ok, 1 problems, 2 unreadable)')
    .option('--json', 'print JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const { lintProtocolDocument } = await import('@imagora/protocols');
      const results = [];
      for (const file of files) {
        const result = lintProtocolDocument(await readText(file));
        results.push({ file, ok: result.ok, problems: result.problems });
      }
      if (options.json) console.log(JSON.stringify(results, null, 2));
      else
        for (const { file, ok, problems } of results) {
          console.log(`${file}: ${ok ? 'ok' : `${problems.length} problem(s)`}`);
          for (const p of problems) console.log(`  ${p.pointer || '/'}  ${p.code}  ${p.message}`);
        }
      if (results.some((r) => !r.ok)) process.exitCode = EXIT_PROBLEMS;
    });

  withHubOption(protocol.command('diff <old> <new>'))
    .description('compare two versions (files or NAME@VERSION on the hub); exit 0 compatible under the mode, 1 breaking')
    .option('--mode <mode>', 'compatibility mode (default: the new version’s declared mode)')
    .option('--json', 'print { compatible, changes: [ { pointer, kind, breaks, message } ] }')
    .action(async (oldSource: string, newSource: string, options: HubOptions & { mode?: string }) => {
      const { checkCompatibility, lintProtocolDocument } = await import('@imagora/protocols');
      const [oldDoc, newDoc] = await Promise.all([loadDocument(oldSource, options), loadDocument(newSource, options)]);
      for (const [source, doc] of [[oldSource, oldDoc], [newSource, newDoc]] as const) {
        const lint = lintProtocolDocument(doc);
        if (!lint.ok) throw new CliError(`${source} is not a valid protocol document: ${lint.problems.map((p) => `${p.pointer} ${p.code}`).join('; ')}`);
      }
      const lintedOld = lintProtocolDocument(oldDoc).document!;
      const lintedNew = lintProtocolDocument(newDoc).document!;
      const result = checkCompatibility(lintedOld, lintedNew, options.mode as never);
      const changes = result.changes.map(({ pointer, kind, breaks, message }) => ({ pointer, kind, breaks, message }));
      if (options.json) console.log(JSON.stringify({ compatible: result.compatible, changes }, null, 2));
      else {
        console.log(`${lintedOld.name}@${lintedOld.version} → ${lintedNew.name}@${lintedNew.version}: ${result.compatible ? 'compatible' : 'BREAKING'} under ${options.mode ?? lintedNew.compatibility ?? 'BACKWARD_TRANSITIVE'}`);
        printChanges(changes);
      }
      if (!result.compatible) process.exitCode = EXIT_PROBLEMS;
    });

  withHubOption(protocol.command('submit <file>'))
    .description('create or update the draft NAME@VERSION from a document and ask the committee to review it')
    .option('--organization <slug>', 'owning organization when the protocol is new')
    .action(async (file: string, options: HubOptions & { organization?: string }) => {
      const client = HubClient.fromOptions(options);
      const text = await readText(file);
      let parsed: { name?: unknown; version?: unknown; title?: unknown };
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`${file} is not valid JSON`);
      }
      if (typeof parsed.name !== 'string' || typeof parsed.version !== 'string') throw new CliError(`${file} has no name and version`);
      const name = encodeURIComponent(parsed.name);
      const existing = await client.call('GET', `/api/v1/protocols/${name}`).catch((error: unknown) => {
        if (error instanceof CliError && /REGISTRY_PROTOCOL_NOT_FOUND/.test(error.message)) return undefined;
        throw error;
      });
      if (!existing) {
        await client.call('POST', '/api/v1/protocols', { name: parsed.name, title: typeof parsed.title === 'string' ? parsed.title : parsed.name, organization: options.organization });
      }
      const path = `/api/v1/protocols/${name}/versions/${encodeURIComponent(parsed.version)}`;
      try {
        await client.callText('PUT', path, text);
      } catch (error) {
        const problems = (error as CliError).details?.problems as Array<{ pointer: string; code: string; message: string }> | undefined;
        if (problems) for (const p of problems) process.stderr.write(`  ${p.pointer || '/'}  ${p.code}  ${p.message}\n`);
        throw error;
      }
      const submitted = await client.call('POST', `${path}/submit`);
      console.log(`${submitted.name}@${submitted.version} is in review (sha256 ${submitted.sha256})`);
    });

  for (const decision of ['approve', 'request-changes'] as const) {
    withHubOption(protocol.command(`${decision} <ref>`))
      .description(decision === 'approve' ? 'approve a draft in review (not your own)' : 'send a draft in review back to its authors')
      .option('--comment <text>', 'review comment')
      .action(async (ref: string, options: HubOptions & { comment?: string }) => {
        await HubClient.fromOptions(options).call('POST', `${versionPath(ref)}/reviews`, { decision, comment: options.comment });
        console.log(`${decision === 'approve' ? 'approved' : 'requested changes to'} ${ref}`);
      });
  }

  withHubOption(protocol.command('publish <ref>'))
    .description('publish a reviewed draft NAME@VERSION; a breaking change under a compatible version number is refused (exit 1)')
    .action(async (ref: string, options: HubOptions) => {
      try {
        const published = await HubClient.fromOptions(options).call('POST', `${versionPath(ref)}/publish`);
        console.log(`published ${published.name}@${published.version} (sha256 ${published.sha256})`);
      } catch (error) {
        const changes = (error as CliError).details?.changes as ChangeView[] | undefined;
        if (changes?.length) {
          process.stderr.write(`${(error as Error).message}\n`);
          printChanges(changes.filter((c) => c.breaks.length > 0));
          process.exitCode = EXIT_PROBLEMS;
          return;
        }
        throw error;
      }
    });

  withHubOption(protocol.command('deprecate <ref>'))
    .description('deprecate a published version')
    .requiredOption('--reason <text>', 'why')
    .option('--replacement <ref>', 'the NAME@VERSION to use instead')
    .action(async (ref: string, options: HubOptions & { reason: string; replacement?: string }) => {
      await HubClient.fromOptions(options).call('POST', `${versionPath(ref)}/deprecate`, { reason: options.reason, replacement: options.replacement });
      console.log(`deprecated ${ref}${options.replacement ? `; use ${options.replacement}` : ''}`);
    });

  withHubOption(protocol.command('get <ref>'))
    .description('print a protocol (NAME: its versions; NAME@VERSION or NAME@RANGE such as ^1.2: the document)')
    .option('--include-deprecated', 'let a range resolve to a deprecated version')
    .option('--json', 'print the whole version record, not just the document')
    .action(async (ref: string, options: HubOptions & { includeDeprecated?: boolean }) => {
      const client = HubClient.fromOptions(options);
      const { name, selector } = splitRef(ref);
      const base = `/api/v1/protocols/${encodeURIComponent(name)}`;
      const anonymous = !process.env.IMAGORA_TOKEN && !client.hasToken();
      if (!selector) {
        const summary = await client.call('GET', base, undefined, { anonymous });
        if (options.json) return console.log(JSON.stringify(summary, null, 2));
        console.log(`${summary.name}: ${summary.title} (${summary.organization})`);
        return printJsonOrTable(summary.versions, ['version', 'status'], false);
      }
      const record = SEMVER.test(selector)
        ? await client.call('GET', `${base}/versions/${encodeURIComponent(selector)}`, undefined, { anonymous })
        : await client.call('GET', `${base}/resolve?range=${encodeURIComponent(selector)}${options.includeDeprecated ? '&includeDeprecated=true' : ''}`, undefined, { anonymous });
      console.log(JSON.stringify(options.json ? record : record.document, null, 2));
    });

  withHubOption(protocol.command('list'))
    .description('list the protocols on a hub with their latest versions')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      const client = HubClient.fromOptions(options);
      const rows = await client.call('GET', '/api/v1/protocols', undefined, { anonymous: !client.hasToken() });
      printJsonOrTable(rows, ['name', 'latestVersion', 'latestStatus', 'organization', 'title'], Boolean(options.json));
    });
}

import Ajv2020 from 'ajv/dist/2020';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runImagora } from '../support/cli';
import { RECORDS_FILE, TEST_PROTOCOL_ID, buildDataset, removeDataset, testProtocol, validRecords, writeNdjson } from '../../libs/validation/src/testing/validation-fixtures';

const reportSchema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'validation-report.schema.json'), 'utf8'));
const conformsToReportSchema = new Ajv2020({ allErrors: true, strict: true }).compile(reportSchema);

describe('imagora validate', () => {
  let work: string;
  let clean: string;
  let broken: string;
  let protocolFile: string;
  // No hub configured for the child: IMAGORA_CONFIG_DIR points at an empty folder.
  const env = () => ({ IMAGORA_CONFIG_DIR: join(work, 'config') });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'imagora-cli-validate-'));
    protocolFile = join(work, 'protocol.json');
    writeFileSync(protocolFile, JSON.stringify(testProtocol()));
    clean = buildDataset();
    broken = buildDataset();
    const records: unknown[] = validRecords(6);
    records[3] = { ...validRecords(6)[3], label: 'tumour' };
    writeNdjson(join(broken, RECORDS_FILE), records);
  });

  afterAll(() => {
    removeDataset(clean);
    removeDataset(broken);
    rmSync(work, { recursive: true, force: true });
  });

  it('exits 0 on a valid dataset and prints a report that conforms to the report schema', async () => {
    const result = await runImagora(['validate', clean, '--protocol', protocolFile, '--format', 'json'], { env: env() });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(conformsToReportSchema(report)).toBe(true);
    expect(report).toMatchObject({ protocol: TEST_PROTOCOL_ID, valid: true, issues: [], summary: { images: 5, records: 20 } });
  });

  it('keeps stderr silent when it is not a terminal', async () => {
    const result = await runImagora(['validate', clean, '--protocol', protocolFile], { env: env() });
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 on an invalid dataset and locates the issue by file, line and pointer', async () => {
    const result = await runImagora(['validate', broken, '--protocol', protocolFile, '--format', 'json'], { env: env() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(conformsToReportSchema(report)).toBe(true);
    expect(report.valid).toBe(false);
    expect(report.issues).toEqual([expect.objectContaining({ code: 'ANNOTATION_UNKNOWN_LABEL', severity: 'error', file: RECORDS_FILE, line: 4, pointer: '/label' })]);
  });

  it('prints text grouped by file by default', async () => {
    const result = await runImagora(['validate', broken, '--protocol', protocolFile], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${RECORDS_FILE}\n  error   ANNOTATION_UNKNOWN_LABEL  line 4 /label:`);
    expect(result.stdout).toContain(`protocol ${TEST_PROTOCOL_ID}: INVALID`);
  });

  it('caps the listed issues with --max-issues and counts the rest', async () => {
    const many = buildDataset(validRecords(10).map((record) => ({ ...record, label: 'tumour' })));
    try {
      const result = await runImagora(['validate', many, '--protocol', protocolFile, '--format', 'json', '--max-issues', '2'], { env: env() });
      const report = JSON.parse(result.stdout);
      expect(report.issues).toHaveLength(2);
      expect(report.summary).toMatchObject({ errors: 10, issuesOmitted: 8 });
    } finally {
      removeDataset(many);
    }
  });

  it('re-classifies severities with --config', async () => {
    const config = join(work, 'downgrade.json');
    writeFileSync(config, JSON.stringify({ warning: [{ code: 'ANNOTATION_UNKNOWN_LABEL', location: 'annotations/**' }] }));
    const result = await runImagora(['validate', broken, '--protocol', protocolFile, '--format', 'json', '--config', config], { env: env() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).issues).toEqual([expect.objectContaining({ code: 'ANNOTATION_UNKNOWN_LABEL', severity: 'warning' })]);
  });

  it('fetches NAME@VERSION from the hub registry', async () => {
    const requests: string[] = [];
    const server: Server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ document: testProtocol(), status: 'published' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await runImagora(['validate', clean, '--protocol', TEST_PROTOCOL_ID, '--hub', hub, '--format', 'json'], { env: env() });
      expect(result.code).toBe(0);
      expect(requests).toEqual(['/api/v1/protocols/ct-cr-findings/versions/1.0.0']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.each([
    ['a folder that does not exist', () => ['validate', join(work, 'missing'), '--protocol', protocolFile], 'cannot read dataset folder'],
    ['no --protocol', () => ['validate', clean], "required option '--protocol"],
    ['an unknown --format', () => ['validate', clean, '--protocol', protocolFile, '--format', 'xml'], '--format must be text or json'],
    ['a negative --max-issues', () => ['validate', clean, '--protocol', protocolFile, '--max-issues', '-1'], '--max-issues must be a non-negative integer'],
    ['a protocol that is neither a file nor NAME@VERSION', () => ['validate', clean, '--protocol', join(work, 'nope.json')], 'not NAME@VERSION'],
    ['NAME@VERSION without a hub', () => ['validate', clean, '--protocol', TEST_PROTOCOL_ID], 'no hub given'],
  ])('exits 2 on %s', async (_name, args, message) => {
    const result = await runImagora(args(), { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('exits 2 on a protocol document that does not lint', async () => {
    const bad = join(work, 'bad-protocol.json');
    writeFileSync(bad, JSON.stringify({ ...testProtocol(), references: { label: 'label' } }));
    const result = await runImagora(['validate', clean, '--protocol', bad], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROTOCOL_INVALID_DOCUMENT');
  });

  it('exits 2 on a config that is not valid', async () => {
    const config = join(work, 'bad-config.json');
    writeFileSync(config, JSON.stringify({ fatal: [] }));
    const result = await runImagora(['validate', clean, '--protocol', protocolFile, '--config', config], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "fatal"');
  });
});

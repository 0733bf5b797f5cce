import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAgainstHistory } from './compatibility-checker';
import { compatibilityModeOf, type ProtocolDocument } from './protocol-document';
import { lintProtocolDocument } from './protocol-linter';
import { compareSemver } from './semver';

// The real-world protocols a fresh hub loads (DESIGN.md, "Protocol documents").
const root = join(__dirname, '..', '..', '..', 'protocols');
const protocols = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => ({
    name: entry.name,
    files: readdirSync(join(root, entry.name))
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({ file: join(entry.name, file), text: readFileSync(join(root, entry.name, file), 'utf8') })),
  }));
const files = protocols.flatMap((protocol) => protocol.files);

describe('shipped protocols', () => {
  it('ships at least three protocols in at least two versions each', () => {
    expect(protocols.length).toBeGreaterThanOrEqual(3);
    for (const protocol of protocols) expect(protocol.files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files.map((entry) => [entry.file, entry.text]))('%s lints clean', (_file, text) => {
    expect(lintProtocolDocument(text).problems).toEqual([]);
  });

  it.each(files.map((entry) => [entry.file, entry.text]))('%s is stored under its name and version', (file, text) => {
    const document = JSON.parse(text) as ProtocolDocument;
    expect(file).toBe(join(document.name, `${document.version}.json`));
  });

  it.each(protocols.map((protocol) => [protocol.name, protocol.files]))('%s evolves compatibly under its declared mode', (_name, entries) => {
    const versions = entries.map((entry) => JSON.parse(entry.text) as ProtocolDocument).sort((a, b) => compareSemver(a.version, b.version));
    for (let index = 1; index < versions.length; index++) {
      const result = checkAgainstHistory(versions.slice(0, index), versions[index], compatibilityModeOf(versions[index]));
      expect(result.against.flatMap((entry) => entry.changes.filter((change) => change.breaks.length > 0 && !entry.compatible))).toEqual([]);
      expect(result.compatible).toBe(true);
      expect(result.against.length).toBeGreaterThan(0);
      // A real evolution, not a copy: the checker sees the annotation or imaging change.
      expect(result.against.at(-1)!.changes.some((change) => change.breaks.length > 0 || change.pointer.startsWith('/annotation'))).toBe(true);
    }
  });
});

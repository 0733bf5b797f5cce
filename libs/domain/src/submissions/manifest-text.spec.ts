import { canonicalJson } from '@imagora/protocols';
import { canonicalManifestText } from './manifest-text';
import { DatasetManifest, ManifestEntry } from './submission.types';

async function text(manifest: DatasetManifest): Promise<string> {
  const { files, ...header } = manifest;
  let out = '';
  for await (const chunk of canonicalManifestText(header, (async function* () { yield* files; })())) out += chunk;
  return out;
}

function entry(i: number, path = `images/${String(i).padStart(6, '0')}.dcm`): ManifestEntry {
  return { path, sha256: i.toString(16).padStart(64, '0'), size: i * 1000, mediaType: 'application/dicom', sopInstanceUid: i % 3 ? `2.25.${i}` : null };
}

describe('canonicalManifestText', () => {
  const header = { dataset: 'north/findings', version: 3, protocol: 'chest@1.0.0', submission: '4f7c1d2e-0000-4000-8000-000000000000', license: 'CC-BY-4.0' };

  it.each([
    ['no files', []],
    ['one file', [entry(1)]],
    ['enough files for several chunks', Array.from({ length: 3000 }, (_, i) => entry(i))],
    ['paths that need escaping', [entry(1, 'images/"files":[]/a.dcm'), entry(2, 'images/ünï\u2028cødé 😀.dcm'), entry(3, 'images/back\\slash.dcm')]],
  ])('gives canonicalJson’s exact text for %s', async (_what, files) => {
    const manifest: DatasetManifest = { ...header, files };
    expect(await text(manifest)).toBe(canonicalJson(manifest));
  });

  it('keeps header values that look like the files member as values', async () => {
    const manifest: DatasetManifest = { ...header, dataset: 'x","files":[]', license: '"files":[]', files: [entry(7)] };
    const produced = await text(manifest);
    expect(produced).toBe(canonicalJson(manifest));
    expect(JSON.parse(produced)).toEqual(manifest);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tags, chunkBuffers, encodingOf, findElement, parseDicom, rawText } from '@imagora/dicom';
import { Deidentifier } from '@imagora/deid';
import { corpusCtWithPixels, writeDicomFile } from '../../../validation/src/testing/validation-fixtures';
import { IN_MEMORY_LIMIT, deidentifyPath, fileSource } from './deidentify-path';

/** The corpus CT slice with a pixel matrix of `columns` × `rows` (16-bit), streamed to disk; its pixel sha256 and patient name. */
function writeLargeCt(target: string, rows: number, columns: number): { pixelSha256: string; patientName: string } {
  const file = corpusCtWithPixels(rows, columns);
  const patientName = rawText(findElement(file.dataset, Tags.PatientName)) ?? '';
  const hash = createHash('sha256');
  for (const piece of chunkBuffers([findElement(file.dataset, Tags.PixelData)!.bulk!], 1 << 20)) hash.update(piece);
  writeDicomFile(target, { meta: file.meta, dataset: file.dataset, encoding: encodingOf(file.transferSyntaxUid) });
  return { pixelSha256: hash.digest('hex'), patientName };
}

describe(deidentifyPath.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'imagora-deid-path-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams the pixel data of a file larger than the in-memory limit unchanged into the de-identified output', () => {
    const input = join(dir, 'large.dcm');
    const { pixelSha256, patientName } = writeLargeCt(input, 2600, 4096);
    expect(statSync(input).size).toBeGreaterThan(IN_MEMORY_LIMIT);
    const output = join(dir, 'large.out.dcm');
    deidentifyPath(new Deidentifier({ key: randomBytes(32) }), input, output);
    const fd = openSync(output, 'r');
    try {
      const out = parseDicom(fileSource(fd, statSync(output).size));
      const pixels = findElement(out.dataset, Tags.PixelData)!;
      expect(pixels.bulk).toBeDefined();
      const hash = createHash('sha256');
      for (let position = pixels.bulk!.start; position < pixels.bulk!.end; position += 1 << 20) hash.update(pixels.bulk!.source.read(position, Math.min(1 << 20, pixels.bulk!.end - position)));
      expect(hash.digest('hex')).toBe(pixelSha256);
      const name = findElement(out.dataset, Tags.PatientName);
      expect(patientName.length).toBeGreaterThan(0);
      expect(rawText(name) ?? '').not.toContain(patientName);
    } finally {
      closeSync(fd);
    }
  });
});

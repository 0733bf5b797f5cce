import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tags, bufferSource, encodingOf, findElement, isBulkRange, parseDicom, rawText, setElement, writeDicom } from '@imagora/dicom';
import { Deidentifier } from '@imagora/deid';
import { IMAGES, corpusFile } from '../../../validation/src/testing/validation-fixtures';
import { IN_MEMORY_LIMIT, deidentifyPath, fileSource } from './deidentify-path';

/** The corpus CT slice with a pixel matrix of `columns` × `rows` (16-bit), its pixel bytes a position pattern. */
function writeLargeCt(target: string, rows: number, columns: number): { pixelSha256: string; patientName: string } {
  const file = parseDicom(bufferSource(readFileSync(corpusFile(IMAGES.ct1.source))));
  const patientName = rawText(findElement(file.dataset, Tags.PatientName)) ?? '';
  const us = (tag: number, value: number) => {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16LE(value);
    setElement(file.dataset, { tag, vr: 'US', value: buffer });
  };
  us(Tags.Rows, rows);
  us(Tags.Columns, columns);
  const size = rows * columns * 2;
  const pixelAt = (position: number, length: number) => Buffer.alloc(Math.min(length, size - position), (position >> 16) & 0xff);
  setElement(file.dataset, { tag: Tags.PixelData, vr: 'OW', bulk: { source: { size, read: pixelAt }, start: 0, end: size } });
  const hash = createHash('sha256');
  for (let position = 0; position < size; position += 1 << 20) hash.update(pixelAt(position, 1 << 20));
  const fd = openSync(target, 'w');
  for (const chunk of writeDicom({ meta: file.meta, dataset: file.dataset, encoding: encodingOf(file.transferSyntaxUid) })) {
    if (!isBulkRange(chunk)) writeSync(fd, chunk);
    else for (let position = chunk.start; position < chunk.end; position += 1 << 20) writeSync(fd, chunk.source.read(position, Math.min(1 << 20, chunk.end - position)));
  }
  closeSync(fd);
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

import { DicomErrorCode, DomainError } from '@imagora/core';
import { bufferSource, DicomItem } from './dicom-dataset';
import { parseDicom } from './dicom-parser';
import { chunkBuffers, chunksSource, chunksToBuffer, writeDicom } from './dicom-writer';
import { readWithDcmjs } from './dcmjs-reader';
import { loadCorpus, readCorpusFile } from './testing/corpus.fixture';

const corpus = loadCorpus();

function parseOrCode(buffer: Buffer): { file?: ReturnType<typeof parseDicom>; code?: string } {
  try {
    return { file: parseDicom(bufferSource(buffer)) };
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code };
    throw error;
  }
}

function comparable(item: DicomItem): unknown[] {
  return item.map((element) => [
    element.tag,
    element.vr,
    element.items ? element.items.map(comparable) : element.bulk ? chunksToBuffer([element.bulk]).toString('base64') : element.value?.toString('base64'),
  ]);
}

describe(parseDicom.name, () => {
  it('reads every corpus file or refuses it with a DicomErrorCode, never an unknown exception', () => {
    const codes = Object.values(DicomErrorCode) as string[];
    for (const entry of corpus) {
      const result = parseOrCode(readCorpusFile(entry));
      if (result.code) expect(codes).toContain(result.code);
    }
  });

  it('reads at least 95 % of the well-formed image and annotation files', () => {
    const good = corpus.filter((entry) => entry.category !== 'malformed');
    const read = good.filter((entry) => parseOrCode(readCorpusFile(entry)).file);
    expect(read.length / good.length).toBeGreaterThan(0.95);
  });

  it('refuses a gzip file as not DICOM', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('zipMR.gz'));
    expect(parseOrCode(readCorpusFile(entry!)).code).toBe(DicomErrorCode.NOT_DICOM);
  });

  it('refuses pixel data longer than the file as truncated', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('MR_truncated.dcm'));
    expect(parseOrCode(readCorpusFile(entry!)).code).toBe(DicomErrorCode.TRUNCATED);
  });

  it('refuses a file meta whose group length disagrees with its content', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('GH364.dcm'));
    expect(parseOrCode(readCorpusFile(entry!)).code).toBe(DicomErrorCode.INVALID_FILE_META);
  });

  it('refuses an invalid item tag inside a sequence as malformed', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('FreezePattern.dcm'));
    expect(parseOrCode(readCorpusFile(entry!)).code).toBe(DicomErrorCode.MALFORMED);
  });

  it('refuses plain text as not DICOM', () => {
    expect(parseOrCode(Buffer.from('hello, this is not an image at all', 'latin1')).code).toBe(DicomErrorCode.NOT_DICOM);
  });

  it('refuses every byte-prefix of a file with a code, never an exception', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const bytes = readCorpusFile(entry);
    for (let length = 0; length < bytes.length; length += 97) {
      const result = parseOrCode(bytes.subarray(0, length));
      expect(result.file !== undefined || result.code !== undefined).toBe(true);
    }
  });
});

describe(writeDicom.name, () => {
  it('writes back every readable corpus file to an identical data set', () => {
    for (const entry of corpus.filter((candidate) => candidate.category !== 'malformed')) {
      const { file } = parseOrCode(readCorpusFile(entry));
      // Bare data sets have no file meta to write back; the de-identifier builds one for them.
      if (!file || !file.hasFileMeta) continue;
      const written = chunksToBuffer(writeDicom({ meta: file.meta, dataset: file.dataset, encoding: file.encoding }));
      const again = parseDicom(bufferSource(written));
      expect(comparable(again.dataset)).toEqual(comparable(file.dataset));
    }
  });

  it('writes the same bytes whatever its size hint (a buffer too small grows, one too large is cut to what is used)', () => {
    let compared = 0;
    for (const entry of corpus.filter((candidate) => candidate.category !== 'malformed')) {
      const { file } = parseOrCode(readCorpusFile(entry));
      if (!file || !file.hasFileMeta) continue;
      const write = (sizeHint?: number) => chunksToBuffer(writeDicom({ meta: file.meta, dataset: file.dataset, encoding: file.encoding, sizeHint }));
      const plain = write();
      for (const sizeHint of [1, (file.pixelDataOffset ?? plain.length) + 1024, 8 << 20]) {
        if (!write(sizeHint).equals(plain)) throw new Error(`${entry.path}: size hint ${sizeHint} changes the output`);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('serves its chunks as a ByteSource (chunksSource, chunkBuffers) with the bytes of the concatenated file', () => {
    let compared = 0;
    for (const entry of corpus.filter((candidate) => candidate.category !== 'malformed')) {
      const { file } = parseOrCode(readCorpusFile(entry));
      if (!file || !file.hasFileMeta) continue;
      const chunks = writeDicom({ meta: file.meta, dataset: file.dataset, encoding: file.encoding });
      const whole = chunksToBuffer(chunks);
      const source = chunksSource(chunks);
      expect(source.size).toBe(whole.length);
      expect(Buffer.concat([...chunkBuffers(chunks, 1000)]).equals(whole)).toBe(true);
      // Reads that straddle chunk boundaries, and a parse through readWindow.
      const step = Math.max(4093, Math.floor(whole.length / 64));
      for (let position = 0; position < whole.length; position += step) {
        if (!source.read(position, 5000).equals(whole.subarray(position, position + 5000))) throw new Error(`${entry.path}: read at ${position} differs`);
      }
      expect(comparable(parseDicom(source).dataset)).toEqual(comparable(parseDicom(bufferSource(whole)).dataset));
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('writes files dcmjs reads without a warning', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const file = parseDicom(bufferSource(readCorpusFile(entry)));
    const written = chunksToBuffer(writeDicom({ meta: file.meta, dataset: file.dataset, encoding: file.encoding }));
    expect(readWithDcmjs(written).dataset.SOPInstanceUID).toBe(entry.SOPInstanceUID);
  });
});

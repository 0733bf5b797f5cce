import { scanDicomHeader } from './header-scan';
import { loadCorpus, readCorpusFile } from './testing/corpus.fixture';

const corpus = loadCorpus();

describe(scanDicomHeader.name, () => {
  it('agrees with index.json on SOP Instance UID, SOP Class, modality and transfer syntax', () => {
    const checked = corpus.filter((entry) => entry.category !== 'malformed' && entry.TransferSyntaxUID && entry.SOPInstanceUID);
    let compared = 0;
    for (const entry of checked) {
      let header;
      try {
        header = scanDicomHeader(readCorpusFile(entry));
      } catch {
        continue;
      }
      expect([entry.path, header.sopInstanceUid]).toEqual([entry.path, entry.SOPInstanceUID]);
      expect([entry.path, header.transferSyntaxUid]).toEqual([entry.path, entry.TransferSyntaxUID]);
      if (entry.Modality) expect([entry.path, header.modality]).toEqual([entry.path, entry.Modality]);
      compared++;
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('stops before pixel data and marks it present', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const header = scanDicomHeader(readCorpusFile(entry));
    expect([header.hasPixelData, header.file.stoppedAtPixelData, header.rows, header.columns]).toEqual([true, true, 128, 128]);
  });

  it('scans a prefix that ends inside the pixel data (the first bytes of a streamed upload)', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const bytes = readCorpusFile(entry);
    const pixelDataOffset = scanDicomHeader(bytes).file.pixelDataOffset!;
    const header = scanDicomHeader(bytes.subarray(0, pixelDataOffset + 64));
    expect([header.hasPixelData, header.file.stoppedAtPixelData, header.file.pixelDataOffset, header.rows, header.sopInstanceUid]).toEqual([true, true, pixelDataOffset, 128, entry.SOPInstanceUID]);
  });

  it('reports presence and non-emptiness of tags given as 8 hex digits', () => {
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const header = scanDicomHeader(readCorpusFile(entry));
    expect([header.has('00100010'), header.hasValue('00100010'), header.has('00400555')]).toEqual([true, true, false]);
  });

  it('collects the referenced SOP Instance UIDs of a segmentation', () => {
    const entry = corpus.find((candidate) => candidate.category === 'annotations' && candidate.Modality === 'SEG' && (candidate.references?.resolved_in_corpus.length ?? 0) > 0)!;
    const header = scanDicomHeader(readCorpusFile(entry));
    const referencedUids = corpus.filter((candidate) => entry.references!.resolved_in_corpus.includes(candidate.path)).map((candidate) => candidate.SOPInstanceUID);
    expect(header.referencedSopInstanceUids).toEqual(expect.arrayContaining(referencedUids));
  });
});

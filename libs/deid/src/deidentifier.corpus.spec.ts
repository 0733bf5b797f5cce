import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeidErrorCode, DicomErrorCode, DomainError } from '@imagora/core';
import { DicomFile, TEXT_VRS, Tags, bufferSource, findElement, parseDicom, rawText, readWithDcmjs, textValues, walkElements } from '@imagora/dicom';
import { CorpusEntry, dcmdumpErrors, ensureDcmdump, loadCorpus, readCorpusFile } from '../../dicom/src/testing/corpus.fixture';
import { NON_IDENTIFYING_VALUES } from './deidentifier';
import { Deidentifier } from './deidentifier';
import { containsToken } from './text-cleaner';
import { verifyDeidentified } from './verifier';

// The de-identifier on every real file of ../shared/corpus (basic profile unless a test says otherwise).

const corpus = loadCorpus();
const key = Buffer.alloc(32, 0x5a);
const basic = new Deidentifier({ key });

interface Outcome {
  readonly entry: CorpusEntry;
  readonly input: Buffer;
  readonly output?: Buffer;
  readonly code?: string;
  readonly message?: string;
}

function run(deidentifier: Deidentifier, entry: CorpusEntry, input = readCorpusFile(entry)): Outcome {
  try {
    return { entry, input, output: deidentifier.deidentifyToBuffer(input).output };
  } catch (error) {
    if (error instanceof DomainError) return { entry, input, code: error.code, message: error.message };
    throw error;
  }
}

const outcomes = corpus.map((entry) => run(basic, entry));
const written = outcomes.filter((outcome) => outcome.output);
const refusalCodes = [...Object.values(DicomErrorCode), ...Object.values(DeidErrorCode)] as string[];

function pixelBytes(file: DicomFile): Buffer | undefined {
  const element = findElement(file.dataset, Tags.PixelData);
  if (!element?.bulk) return undefined;
  return Buffer.from(element.bulk.source.read(element.bulk.start, element.bulk.end - element.bulk.start));
}

function uidOf(buffer: Buffer, tag: number): string | undefined {
  return rawText(findElement(parseDicom(bufferSource(buffer)).dataset, tag))?.trim();
}

describe(Deidentifier.name, () => {
  it('de-identifies at least 90 % of the image and annotation files and refuses the rest with a code', () => {
    const good = outcomes.filter((outcome) => outcome.entry.category !== 'malformed');
    for (const outcome of good) if (!outcome.output) expect(refusalCodes).toContain(outcome.code);
    expect(good.filter((outcome) => outcome.output).length / good.length).toBeGreaterThan(0.9);
  });

  it('refuses malformed files with a code or writes an output that re-parses', () => {
    for (const outcome of outcomes.filter((candidate) => candidate.entry.category === 'malformed')) {
      if (outcome.output) expect(() => parseDicom(bufferSource(outcome.output!))).not.toThrow();
      else expect(refusalCodes).toContain(outcome.code);
    }
  });

  it('refuses truncated pixel data as truncated', () => {
    const outcome = outcomes.find((candidate) => candidate.entry.path.endsWith('3gb-bulk-data-truncated'))!;
    expect(outcome.code).toBe(DicomErrorCode.TRUNCATED);
  });

  it('writes outputs dcmjs reads without any warning', () => {
    const failures: string[] = [];
    for (const outcome of written) {
      // dcmjs itself cannot read some valid inputs (deid/README.md): only outputs of inputs it reads are checked.
      try {
        readWithDcmjs(outcome.input);
      } catch {
        continue;
      }
      try {
        readWithDcmjs(outcome.output!);
      } catch (error) {
        failures.push(`${outcome.entry.path}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('writes outputs DCMTK dcmdump reads whenever it reads the input', () => {
    if (!ensureDcmdump()) {
      console.error('skipped: dcmdump unavailable');
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagora-deid-'));
    try {
      const readable = written.filter((outcome) => (outcome.entry as unknown as { parse: { dcmtk_ok: boolean } }).parse.dcmtk_ok);
      const files = readable.map((outcome, index) => {
        const file = path.join(dir, `${index}.dcm`);
        fs.writeFileSync(file, outcome.output!);
        return file;
      });
      expect(dcmdumpErrors(files)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('copies Pixel Data byte for byte', () => {
    let compared = 0;
    for (const outcome of written) {
      const before = pixelBytes(parseDicom(bufferSource(outcome.input)));
      if (!before) continue;
      const after = pixelBytes(parseDicom(bufferSource(outcome.output!)));
      expect(after?.equals(before)).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(350);
  });

  it('leaves no identifying value listed in index.json in any text attribute of any output', () => {
    const leaks: string[] = [];
    for (const outcome of written) {
      const values = Object.values(outcome.entry.identifying_attributes ?? {})
        .map((value) => String(value).trim().toLowerCase())
        .filter((value) => value.length >= 4 && !NON_IDENTIFYING_VALUES.has(value));
      const file = parseDicom(bufferSource(outcome.output!));
      walkElements(file.dataset, (element) => {
        if (!TEXT_VRS.has(element.vr) || ['CS', 'IS', 'DS', 'AS', 'UI'].includes(element.vr)) return;
        const text = (rawText(element) ?? '').toLowerCase();
        for (const value of values) if (containsToken(text, value)) leaks.push(`${outcome.entry.path} ${element.tag.toString(16)}`);
      });
    }
    expect(leaks).toEqual([]);
  });

  it('leaves no patient name of the input anywhere in the output bytes', () => {
    const leaks: string[] = [];
    for (const outcome of written) {
      const name = rawText(findElement(parseDicom(bufferSource(outcome.input)).dataset, Tags.PatientName))?.trim();
      if (!name || name.length < 4 || NON_IDENTIFYING_VALUES.has(name.toLowerCase())) continue;
      const file = parseDicom(bufferSource(outcome.output!));
      const header = outcome.output!.subarray(0, (file.pixelDataOffset ?? outcome.output!.length) + 132);
      if (header.indexOf(Buffer.from(name, 'latin1')) >= 0) leaks.push(outcome.entry.path);
    }
    expect(leaks).toEqual([]);
  });

  it('passes the verifier for every output', () => {
    const failures = written
      .map((outcome) => ({ path: outcome.entry.path, report: verifyDeidentified(outcome.input, outcome.output!) }))
      .filter((result) => !result.report.ok)
      .map((result) => `${result.path}: ${JSON.stringify(result.report.problems.slice(0, 2))}`);
    expect(failures).toEqual([]);
  });

  it('writes PatientIdentityRemoved, the method, one CID 7050 code per option and a consistent file meta', () => {
    const deidentifier = new Deidentifier({ key, options: ['retain-uids', 'clean-descriptors'] });
    const entry = corpus.find((candidate) => candidate.path.endsWith('CT_small.dcm'))!;
    const file = parseDicom(bufferSource(deidentifier.deidentifyToBuffer(readCorpusFile(entry)).output));
    const codes = findElement(file.dataset, Tags.DeidentificationMethodCodeSequence)!.items!.map((item) => rawText(findElement(item, Tags.CodeValue)));
    expect({
      removed: rawText(findElement(file.dataset, Tags.PatientIdentityRemoved)),
      codes,
      longitudinal: rawText(findElement(file.dataset, Tags.LongitudinalTemporalInformationModified)),
      metaSop: rawText(findElement(file.meta, Tags.MediaStorageSOPInstanceUID)),
      encrypted: findElement(file.dataset, Tags.EncryptedAttributesSequence),
    }).toEqual({
      removed: 'YES',
      codes: ['113100', '113110', '113105'],
      longitudinal: 'REMOVED',
      metaSop: rawText(findElement(file.dataset, Tags.SOPInstanceUID)),
      encrypted: undefined,
    });
  });

  it('gives every file of a study the same new Study Instance UID and each instance its own SOP Instance UID', () => {
    const byStudy = new Map<string, Outcome[]>();
    for (const outcome of written) {
      const study = outcome.entry.StudyInstanceUID;
      if (study) byStudy.set(study, [...(byStudy.get(study) ?? []), outcome]);
    }
    const [, study] = [...byStudy.entries()].find(([, members]) => new Set(members.map((member) => member.entry.SOPInstanceUID)).size >= 3)!;
    const studies = new Set(study.map((outcome) => uidOf(outcome.output!, Tags.StudyInstanceUID)));
    const instances = new Set(study.map((outcome) => uidOf(outcome.output!, Tags.SOPInstanceUID)));
    expect([studies.size, instances.size]).toEqual([1, new Set(study.map((outcome) => outcome.entry.SOPInstanceUID)).size]);
  });

  it('writes byte-identical output for the same key on a second run', () => {
    const again = new Deidentifier({ key: Buffer.from(key) });
    for (const outcome of written.slice(0, 150)) expect(run(again, outcome.entry, outcome.input).output!.equals(outcome.output!)).toBe(true);
  });

  it('writes other UIDs under another key', () => {
    const other = new Deidentifier({ key: Buffer.alloc(32, 0x17) });
    const outcome = written.find((candidate) => candidate.entry.SOPInstanceUID)!;
    expect(uidOf(run(other, outcome.entry, outcome.input).output!, Tags.SOPInstanceUID)).not.toBe(uidOf(outcome.output!, Tags.SOPInstanceUID));
  });

  it('keeps SEG, RTSTRUCT and SR references pointing at the remapped referenced instances', () => {
    const deidentifier = new Deidentifier({ key, options: ['clean-structured-content'] });
    const annotations = corpus.filter((entry) => (entry.references?.resolved_in_corpus.length ?? 0) > 0);
    let checked = 0;
    for (const annotation of annotations) {
      const outcome = run(deidentifier, annotation);
      if (!outcome.output) continue;
      const referenced = new Set<string>();
      walkElements(parseDicom(bufferSource(outcome.output)).dataset, (element) => {
        if (element.tag === Tags.ReferencedSOPInstanceUID) for (const uid of textValues(element)) referenced.add(uid);
      });
      for (const imagePath of annotation.references!.resolved_in_corpus) {
        const image = corpus.find((entry) => entry.path === imagePath)!;
        const remapped = uidOf(run(deidentifier, image).output!, Tags.SOPInstanceUID)!;
        expect([annotation.path, referenced.has(remapped)]).toEqual([annotation.path, true]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('flags the burned-in annotation risk and does not claim identity removed', () => {
    const outcome = written.find((candidate) => candidate.entry.path.endsWith('GREYSCALE_IMAGE.dcm'))!;
    const result = basic.deidentifyToBuffer(outcome.input);
    expect([result.report.flags.includes('burned-in-annotation-risk'), uidOf(result.output, Tags.PatientIdentityRemoved)]).toEqual([true, 'NO']);
  });

  it('shifts the dates of one patient by the same whole-day offset in every file', () => {
    const deidentifier = new Deidentifier({ key, options: ['retain-longitudinal-modified-dates'] });
    const offsets = new Set<number>();
    for (const outcome of written.filter((candidate) => candidate.entry.path.includes('dicomdirtests/98892001')).slice(0, 6)) {
      const before = rawText(findElement(parseDicom(bufferSource(outcome.input)).dataset, Tags.StudyDate))!;
      const after = rawText(findElement(parseDicom(bufferSource(deidentifier.deidentifyToBuffer(outcome.input).output)).dataset, Tags.StudyDate))!;
      const day = (text: string): number => Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8))) / 86_400_000;
      offsets.add(day(after) - day(before));
    }
    expect([offsets.size, [...offsets][0] < 0]).toEqual([1, true]);
  });
});

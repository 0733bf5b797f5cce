import * as fs from 'node:fs';
import * as path from 'node:path';
import { DicomElement, DicomItem, Tags, bufferSource, chunksToBuffer, encodingOf, findElement, parseDicom, rawText, textElement, writeDicom } from '@imagora/dicom';
import { DEID_OPTIONS, DEID_OPTION_NAMES } from '../deid-options';
import { Deidentifier } from '../deidentifier';
import { ProfileRow } from './profile-types';
import { resolveRow } from './profile-resolver';
import { TABLE_E1_1 } from './table-e1-1.generated';

// Table-driven: a synthetic data set carries every attribute of Table E.1-1 with a canary value, at the top
// level and inside a sequence item; each row's resolved action must show in the output.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../../../scripts/generate-deid-profile.js') as { generate: () => string; outputFile: string };

const NESTING_SEQUENCE = 0x0040a375; // Current Requested Procedure Evidence Sequence: not in the table, kept
const key = Buffer.alloc(32, 3);

function tagOf(row: ProfileRow): number {
  if (row.id === 'ggggeeee-where-gggg-is-odd') return 0x00091010;
  return parseInt(row.id.replace(/X/gi, '0'), 16) >>> 0;
}

function canary(row: ProfileRow, index: number): DicomElement {
  const tag = tagOf(row);
  const vr = row.id === 'ggggeeee-where-gggg-is-odd' ? 'LO' : row.vr.slice(0, 2) === '(v' || row.vr === '' ? 'OB' : row.vr.slice(0, 2);
  const id = String(index).padStart(3, '0');
  switch (vr) {
    case 'SQ':
      return { tag, vr, items: [[textElement(Tags.CodeMeaning, 'LO', `CANARY${id}`)]] };
    case 'UI':
      return textElement(tag, vr, `1.2.3.4.${index}`);
    case 'DA':
      return textElement(tag, vr, '20010203');
    case 'DT':
      return textElement(tag, vr, '20010203040506');
    case 'TM':
      return textElement(tag, vr, '040506');
    case 'AS':
      return textElement(tag, vr, '045Y');
    case 'DS':
    case 'IS':
      return textElement(tag, vr, '7');
    case 'US':
      return { tag, vr, value: Buffer.from([7, 0]) };
    case 'OB':
    case 'UN':
      return { tag, vr: 'OB', value: Buffer.from('CANARY' + id, 'latin1') };
    case 'CS':
      return textElement(tag, vr, `CANARY${id}`);
    default:
      return textElement(tag, vr, `CANARY${id}`);
  }
}

function build(rows: readonly ProfileRow[]): { meta: DicomItem; dataset: DicomItem } {
  const top: DicomItem = [];
  const nested: DicomItem = [];
  rows.forEach((row, index) => {
    top.push(canary(row, index));
    nested.push(canary(row, index));
  });
  top.push(textElement(0x00090010, 'LO', 'ACME PRIVATE'));
  top.push(textElement(Tags.SOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.7'));
  top.push({ tag: NESTING_SEQUENCE, vr: 'SQ', items: [nested.filter((element) => element.tag !== 0x00091010 && element.tag !== Tags.SOPInstanceUID)] });
  top.sort((a, b) => a.tag - b.tag);
  const meta = [
    textElement(Tags.MediaStorageSOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    textElement(Tags.MediaStorageSOPInstanceUID, 'UI', '1.2.3.4.999'),
    textElement(Tags.TransferSyntaxUID, 'UI', '1.2.840.10008.1.2.1'),
  ];
  for (const item of top.filter((element) => element.items)) for (const child of item.items!) child.sort((a, b) => a.tag - b.tag);
  return { meta, dataset: top };
}

// Command (0000) and file meta (0002) rows cannot sit in a data set: the engine drops the former and rebuilds the latter.
const isMetaOrCommand = (row: ProfileRow): boolean => row.id.startsWith('0000') || row.id.startsWith('0002');
const DATASET_ROWS = TABLE_E1_1.filter((row) => !isMetaOrCommand(row));
const synthetic = build(DATASET_ROWS);
const input = chunksToBuffer(writeDicom({ ...synthetic, encoding: encodingOf('1.2.840.10008.1.2.1') }));
const inputFile = parseDicom(bufferSource(input));

function outputFor(options: string[]): { top: DicomItem; nested: DicomItem } {
  const file = parseDicom(bufferSource(new Deidentifier({ key, options }).deidentifyToBuffer(input).output));
  return { top: file.dataset, nested: findElement(file.dataset, NESTING_SEQUENCE)!.items![0] };
}

// Attributes the engine writes itself (PS3.15 E.1.1) are checked by their own tests.
const WRITTEN = new Set<number>([Tags.PatientIdentityRemoved, Tags.DeidentificationMethod, Tags.DeidentificationMethodCodeSequence, Tags.LongitudinalTemporalInformationModified]);

function expectAction(row: ProfileRow, options: string[], item: DicomItem, original: DicomItem): void {
  const tag = tagOf(row);
  if (WRITTEN.has(tag)) return;
  const before = findElement(original, tag);
  if (!before) return;
  const after = findElement(item, tag);
  if (row.id === 'ggggeeee-where-gggg-is-odd') {
    // PS3.15 E.3.10: only attributes listed safe survive, and "ACME PRIVATE" lists none.
    expect(after).toBeUndefined();
    return;
  }
  const { action } = resolveRow(row, options as never);
  const value = (element: DicomElement | undefined): string | undefined => (element?.items ? JSON.stringify(element.items.length) : rawText(element));
  switch (action) {
    case 'remove':
      expect(after).toBeUndefined();
      break;
    case 'empty':
      if (tag === Tags.PatientName || tag === Tags.PatientID) expect(value(after)).not.toBe(value(before));
      else expect(after?.items ? after.items.length : after?.value?.length).toBe(0);
      break;
    case 'dummy':
      expect(after).toBeDefined();
      if (after!.items) expect(after!.items).toEqual([[]]);
      else {
        expect(after!.value!.length).toBeGreaterThan(0);
        expect(after!.value!.equals(before.value!)).toBe(false);
      }
      break;
    case 'uid':
      expect(rawText(after)).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
      break;
    case 'keep':
      if (before.items) expect(after?.items?.length).toBe(before.items.length);
      else expect(after?.value?.equals(before.value!)).toBe(true);
      break;
    case 'keep-sequence':
    case 'clean':
      if (before.items) expect(after?.items?.length).toBe(before.items.length);
      else if (!['OB', 'UN', 'OW'].includes(before.vr)) expect(after).toBeDefined();
      break;
    case 'shift':
      if (before.vr === 'DA' || before.vr === 'DT') expect(rawText(after)?.slice(0, 8)).not.toBe(rawText(before)?.slice(0, 8));
      break;
  }
}

describe('Table E.1-1', () => {
  it('matches a fresh generation from ../shared/deid (run scripts/generate-deid-profile.js)', () => {
    expect(fs.readFileSync(generator.outputFile, 'utf8')).toBe(generator.generate());
  });

  it('has all 621 rows of the 2024b edition', () => {
    expect([TABLE_E1_1.length, path.basename(generator.outputFile)]).toEqual([621, 'table-e1-1.generated.ts']);
  });

  it('rebuilds the file meta with only the Part 10 elements, dropping the meta rows of the table', () => {
    const output = parseDicom(bufferSource(new Deidentifier({ key }).deidentifyToBuffer(input).output));
    expect(output.meta.map((element) => element.tag.toString(16))).toEqual(['20000', '20001', '20002', '20003', '20010', '20012', '20013']);
  });

  it('keeps a listed safe private attribute and its creator under retain-safe-private', () => {
    const dataset: DicomItem = [
      textElement(Tags.SOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.4'),
      textElement(0x00190010, 'LO', 'SIEMENS MR HEADER'),
      textElement(0x0019100c, 'IS', '1000'),
      textElement(0x00191010, 'LO', 'PATIENT NAME HERE'),
    ];
    const meta = [textElement(Tags.MediaStorageSOPClassUID, 'UI', '1.2.840.10008.5.1.4.1.1.4'), textElement(Tags.TransferSyntaxUID, 'UI', '1.2.840.10008.1.2.1')];
    const privateInput = chunksToBuffer(writeDicom({ meta, dataset, encoding: encodingOf('1.2.840.10008.1.2.1') }));
    const output = parseDicom(bufferSource(new Deidentifier({ key, options: ['retain-safe-private'] }).deidentifyToBuffer(privateInput).output));
    expect(output.dataset.filter((element) => element.tag >>> 16 === 0x0019).map((element) => rawText(element))).toEqual(['SIEMENS MR HEADER', '1000']);
  });

  const basic = outputFor([]);
  it.each(DATASET_ROWS.map((row) => [row.tag, row.keyword, row] as const))('applies the basic action of %s %s at the top level and nested', (_tag, _keyword, row) => {
    expectAction(row, [], basic.top, inputFile.dataset);
    expectAction(row, [], basic.nested, findElement(inputFile.dataset, NESTING_SEQUENCE)!.items![0]);
  });

  for (const option of DEID_OPTION_NAMES) {
    const column = DEID_OPTIONS[option].column;
    const rows = DATASET_ROWS.filter((row) => row.options[column]);
    const output = outputFor([option]);
    it.each(rows.map((row) => [row.tag, row.keyword, row] as const))(`applies ${option} to %s %s`, (_tag, _keyword, row) => {
      expectAction(row, [option], output.top, inputFile.dataset);
    });
  }
});

import { createHash } from 'node:crypto';
import { DeidErrorCode, DomainError } from '@imagora/core';
import * as dicom from '@imagora/dicom';
import type { ByteSource, DicomElement, DicomFile, DicomItem, OutputChunk } from '@imagora/dicom';
import { BASIC_PROFILE_CODE, DEID_OPTIONS, DeidOptionName, parseDeidOptions } from './deid-options';
import { EffectiveAction, profileRowFor, resolveRow } from './profile/profile-resolver';
import { CID_7050, PROFILE_EDITION } from './profile/table-e1-1.generated';
import { PatientIdentity, Pseudonymizer, isWellKnownUid, shiftDate, shiftDateTime } from './pseudonymizer';
import { DEFAULT_SAFE_PRIVATE_ATTRIBUTES, SafePrivateAttribute, safePrivateKey } from './safe-private';
import { TextCleaner } from './text-cleaner';

// Bound once at load: a CommonJS re-export compiles to a getter, called on every use, and these run for every
// element of every file (a few per cent of a cold run over small files).
const {
  FREE_TEXT_VRS,
  TEXT_VRS,
  Tags,
  binaryValueSize,
  bufferSource,
  chunksToBuffer,
  encodeText,
  findElement,
  isGroupLength,
  isPrivateCreator,
  isPrivateTag,
  lookupTag,
  parseDicom,
  rawText,
  setElement,
  tagElement,
  tagGroup,
  textElement,
  textValues,
  writeDicom,
} = dicom;

// The de-identification engine: DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile
// (Table E.1-1, generated from shared/deid/) and its options. Pure: it takes bytes (or a ByteSource) and returns
// output chunks; top-level Pixel Data stays a byte range of the input, copied verbatim by whoever writes it.

export const DEID_TOOL_NAME = 'Imagora deid';
export const DEID_TOOL_VERSION = '0.1.0';
/** Marker in (0012,0063) that tells a re-run the dates were already shifted. */
const OUR_METHOD_PREFIX = `${DEID_TOOL_NAME} `;
const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';
/** Our implementation class UID (PS3.7 D.3.3.2), a 2.25 UID from a fixed UUID. */
export const IMPLEMENTATION_CLASS_UID = '2.25.152360434632516236208226066779693542853';
const IMPLEMENTATION_VERSION_NAME = 'IMAGORA_DEID_010';

/** Dummy text for action D (PS3.15 Table E.1-1a: "a non-zero length value ... consistent with the VR"). */
export const DUMMY_TEXT = 'ANONYMIZED';
const DUMMY_BY_VR: Record<string, string> = {
  AE: DUMMY_TEXT,
  AS: '000Y',
  CS: DUMMY_TEXT,
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: DUMMY_TEXT,
  LT: DUMMY_TEXT,
  PN: DUMMY_TEXT,
  SH: DUMMY_TEXT,
  ST: DUMMY_TEXT,
  TM: '000000',
  UC: DUMMY_TEXT,
  UR: 'urn:anonymized',
  UT: DUMMY_TEXT,
};

export function dummyTextFor(vr: string): string | undefined {
  return DUMMY_BY_VR[vr];
}

/** Values a de-identified output may legitimately carry: never counted as identifying. */
export const NON_IDENTIFYING_VALUES: ReadonlySet<string> = new Set(
  [...Object.values(DUMMY_BY_VR), 'YES', 'NO', 'REMOVED', 'MODIFIED', 'UNMODIFIED'].map((value) => value.toLowerCase()),
);

/** Numeric VRs: their values (e.g. a weight of 70.0) are not text that could be recognised elsewhere. */
const NUMERIC_VRS: ReadonlySet<string> = new Set(['DS', 'IS', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV', 'AT']);

/** Single-byte or UTF-8 character sets: cutting ASCII text out of a value cannot break a multi-byte code. */
const SAFE_CHARSETS: ReadonlySet<string> = new Set([
  '', 'ISO_IR 6', 'ISO_IR 100', 'ISO_IR 101', 'ISO_IR 109', 'ISO_IR 110', 'ISO_IR 144', 'ISO_IR 127', 'ISO_IR 126',
  'ISO_IR 138', 'ISO_IR 148', 'ISO_IR 166', 'ISO_IR 13', 'ISO_IR 192',
]);

export interface DeidConfig {
  /** The secret key (≥ 16 bytes): same key → same pseudonyms. */
  readonly key: Buffer | Uint8Array;
  /** Option names as on the CLI (`retain-uids`, ...). */
  readonly options?: readonly string[];
  /** Range of the per-patient date shift under retain-longitudinal-modified-dates (days back, default 3650). */
  readonly dateShiftRangeDays?: number;
  /** Private attributes kept under retain-safe-private (default: DEFAULT_SAFE_PRIVATE_ATTRIBUTES). */
  readonly safePrivateAttributes?: readonly SafePrivateAttribute[];
}

export type DeidFlag =
  | 'burned-in-annotation-risk'
  | 'structured-content-replaced'
  | 'graphics-replaced'
  | 'binary-clean-removed'
  | 'already-deidentified';

export interface DeidFileReport {
  readonly originalSopInstanceUid?: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid?: string;
  readonly modality?: string;
  readonly transferSyntaxUid: string;
  readonly options: DeidOptionName[];
  readonly flags: DeidFlag[];
  /** Irregularities of the input the parser handled (missing meta length, CP-246 UN sequence, ...). */
  readonly notes: string[];
  readonly counts: { removed: number; emptied: number; replaced: number; uids: number; cleaned: number; shifted: number };
}

export interface DeidResult {
  /** The output file: buffers and verbatim ranges of the input (top-level pixel data). */
  readonly chunks: OutputChunk[];
  readonly report: DeidFileReport;
  /** Lower-cased original values the output must not contain (for the verifier and leak scans). */
  readonly identifyingValues: string[];
}

type Counts = { -readonly [K in keyof DeidFileReport['counts']]: number };

interface Context {
  readonly options: DeidOptionName[];
  readonly actions: ActionResolver;
  readonly optionSet: ReadonlySet<DeidOptionName>;
  readonly pseudonymizer: Pseudonymizer;
  readonly patient: PatientIdentity;
  readonly dateShiftDays: number | undefined;
  readonly littleEndian: boolean;
  readonly charsetSafe: boolean;
  readonly safePrivate: ReadonlySet<string>;
  readonly identifying: Set<string>;
  readonly pending: { element: DicomElement; mode: 'scrub' | 'clean' }[];
  readonly flags: Set<DeidFlag>;
  readonly counts: Counts;
}

/** The action for any attribute, in the table or not (shared/deid/README.md: "a policy of their own"). */
export function actionFor(tag: number, vr: string, options: readonly DeidOptionName[]): { action: EffectiveAction; retained: boolean } {
  const row = profileRowFor(tag);
  if (row) {
    const resolved = resolveRow(row, options);
    return { action: resolved.action, retained: resolved.action === 'keep' && resolved.option !== undefined };
  }
  if (vr === 'SQ') return { action: 'keep-sequence', retained: false };
  if (vr === 'UI') {
    // UIDs that name a class or a syntax are kept; any other UID may encode an identity and is remapped.
    const keyword = lookupTag(tag)?.keyword ?? '';
    const isClass = /ClassUID$|SyntaxUID$|CodingSchemeUID$|ContextUID$|MappingResourceUID$|CreatorUID$/.test(keyword);
    return { action: isClass ? 'keep' : 'uid', retained: false };
  }
  if (vr === 'DA' || vr === 'DT') {
    // Dates outside the table identify like the listed ones: same treatment as (0008,0020) Study Date.
    if (options.includes('retain-longitudinal-full-dates')) return { action: 'keep', retained: true };
    if (options.includes('retain-longitudinal-modified-dates')) return { action: 'shift', retained: false };
    return { action: 'remove', retained: false };
  }
  if (vr === 'PN') return { action: 'empty', retained: false };
  if (vr === 'UN') return { action: 'remove', retained: false };
  if (FREE_TEXT_VRS.has(vr)) return { action: 'clean', retained: false };
  return { action: 'keep', retained: false };
}

export interface AttributeAction {
  readonly action: EffectiveAction;
  readonly retained: boolean;
}

/**
 * actionFor with a memo, for one option set: the engine and the verifier ask once per element, and the answer
 * only depends on (tag, VR). Bounded: cleared when a run has met more distinct (tag, VR) pairs than it holds.
 */
export class ActionResolver {
  // Keyed by the tag alone (a small integer for every standard tag, so no number is boxed per lookup), each entry
  // a short chain over the VRs the tag was met with (almost always one). The VR strings compared are the
  // parser's interned constants.
  private readonly cache = new Map<number, CachedAction>();
  private cached = 0;

  constructor(readonly options: readonly DeidOptionName[]) {}

  get(tag: number, vr: string): AttributeAction {
    const first = this.cache.get(tag);
    for (let entry = first; entry !== undefined; entry = entry.next) if (entry.vr === vr) return entry.action;
    const resolved = actionFor(tag, vr, this.options);
    if (this.cached >= MAX_CACHED_ACTIONS) {
      this.cache.clear();
      this.cached = 0;
    }
    this.cache.set(tag, { vr, action: resolved, next: this.cached === 0 ? undefined : first });
    this.cached++;
    return resolved;
  }
}

interface CachedAction {
  readonly vr: string;
  readonly action: AttributeAction;
  readonly next: CachedAction | undefined;
}

const MAX_CACHED_ACTIONS = 50_000;
const resolvers = new Map<string, ActionResolver>();

/** The shared ActionResolver of an option set (canonical order, as parseDeidOptions returns it). */
export function actionResolverFor(options: readonly DeidOptionName[]): ActionResolver {
  const key = options.join(',');
  let resolver = resolvers.get(key);
  if (!resolver) {
    resolver = new ActionResolver([...options]);
    resolvers.set(key, resolver);
  }
  return resolver;
}

function uidValues(element: DicomElement): string[] {
  return textValues(element).map((value) => value.replace(/\0/g, ''));
}

function recordValues(context: Context, element: DicomElement): void {
  if (element.items || !element.value || NUMERIC_VRS.has(element.vr) || !TEXT_VRS.has(element.vr)) return;
  const text = rawText(element) ?? '';
  const vr = element.vr;
  forEachValuePart(text, vr === 'PN', (part) => {
    const value = part.trim();
    if (value.length < 4) return;
    if (vr === 'UI' && isWellKnownUid(value)) return;
    const lower = value.toLowerCase();
    if (NON_IDENTIFYING_VALUES.has(lower)) return;
    context.identifying.add(lower);
  });
}

/**
 * Calls `visit` with the whole text, then (when it has several) each backslash-separated value, and for a person
 * name each component too (PS3.5 6.2: a backslash between values, `^` between components, `=` between groups). Parts may
 * repeat: callers add them to a Set. No array or Set is made for the common single-valued text.
 */
export function forEachValuePart(text: string, personName: boolean, visit: (part: string) => void): void {
  visit(text);
  if (text.includes('\\')) for (const part of text.split('\\')) visit(part);
  if (personName && /[\\^=]/.test(text)) for (const part of text.split(/[\\^=]/)) visit(part);
}

/** Records identifying values inside a removed or replaced sequence (by the actions its attributes would get). */
function recordNested(context: Context, items: DicomItem[]): void {
  for (const item of items) {
    for (const element of item) {
      if (isPrivateTag(element.tag)) continue;
      const { action } = context.actions.get(element.tag, element.vr);
      if (element.items) recordNested(context, element.items);
      else if (action !== 'keep' && action !== 'keep-sequence' && action !== 'clean') recordValues(context, element);
    }
  }
}

function dummyElement(context: Context, element: DicomElement): DicomElement {
  const { tag, vr } = element;
  if (tag === Tags.PatientID) return textElement(tag, vr, context.pseudonymizer.patientId(context.patient));
  if (tag === Tags.PatientName) return textElement(tag, 'PN', context.pseudonymizer.patientName(context.patient));
  if (vr === 'UI') {
    const values = uidValues(element).map((uid) => context.pseudonymizer.uid(uid));
    return textElement(tag, vr, values.length ? values.join('\\') : context.pseudonymizer.uid(`dummy|${tag}`));
  }
  const text = DUMMY_BY_VR[vr];
  if (text !== undefined) return textElement(tag, vr, text);
  const size = binaryValueSize(vr) ?? 2;
  return { tag, vr, value: Buffer.alloc(size) };
}

function emptyElement(context: Context, element: DicomElement): DicomElement {
  // PS3.15 Table E.1-1a Z; Patient ID and Name take the keyed pseudonym so one patient's files stay linked.
  if (element.tag === Tags.PatientID || element.tag === Tags.PatientName) return dummyElement(context, element);
  if (element.items) return { tag: element.tag, vr: 'SQ', items: [] };
  return { tag: element.tag, vr: element.vr, value: Buffer.alloc(0) };
}

function shiftElement(context: Context, element: DicomElement): DicomElement | undefined {
  const days = context.dateShiftDays;
  if (days === undefined) return element;
  if (element.tag === Tags.TimezoneOffsetFromUTC) return undefined;
  if (element.vr !== 'DA' && element.vr !== 'DT') return element;
  const shift = element.vr === 'DA' ? shiftDate : shiftDateTime;
  const values = textValues(element);
  if (values.length === 0) return element;
  const shifted = values.map((value) => (value === '' ? '' : shift(value, days)));
  context.counts.shifted++;
  recordValues(context, element);
  // A value that is not a date cannot be shifted, and kept it would leak: empty it (fail safe).
  if (shifted.some((value) => value === undefined)) return { tag: element.tag, vr: element.vr, value: Buffer.alloc(0) };
  return textElement(element.tag, element.vr, shifted.join('\\'));
}

function processPrivate(context: Context, item: DicomItem, element: DicomElement): boolean {
  if (!context.optionSet.has('retain-safe-private') || isPrivateCreator(element.tag)) return false;
  const element16 = tagElement(element.tag);
  if (element16 < 0x1000) return false;
  const creatorTag = ((tagGroup(element.tag) << 16) | (element16 >> 8)) >>> 0;
  const creator = rawText(findElement(item, creatorTag));
  return creator !== undefined && context.safePrivate.has(safePrivateKey(creator, tagGroup(element.tag), element16 & 0xff));
}

function processItem(context: Context, item: DicomItem, depth: number): DicomItem {
  const out: DicomItem = [];
  const keptPrivateBlocks = new Set<number>();
  for (const element of item) {
    const { tag } = element;
    if (depth === 0 && element.bulk) {
      out.push(element);
      continue;
    }
    // Retired group lengths and command elements carry nothing a data set needs (PS3.5 7.2).
    if (isGroupLength(tag) || tagGroup(tag) === 0x0000) continue;
    // Never write an Encrypted Attributes Sequence: it would carry PHI into the shared copy.
    if (tag === Tags.EncryptedAttributesSequence) {
      context.counts.removed++;
      continue;
    }
    if (isPrivateTag(tag)) {
      // PS3.15 Table E.1-1, private attributes: X, unless Retain Safe Private keeps a listed safe one (E.3.10).
      if (processPrivate(context, item, element)) {
        out.push(element);
        keptPrivateBlocks.add(((tagGroup(tag) << 16) | (tagElement(tag) >> 8)) >>> 0);
      } else if (!isPrivateCreator(tag)) {
        context.counts.removed++;
      }
      continue;
    }
    const { action, retained } = context.actions.get(tag, element.vr);
    switch (action) {
      case 'remove':
        context.counts.removed++;
        if (element.items) recordNested(context, element.items);
        else recordValues(context, element);
        break;
      case 'empty':
        context.counts.emptied++;
        if (element.items) recordNested(context, element.items);
        else recordValues(context, element);
        out.push(emptyElement(context, element));
        break;
      case 'dummy':
        context.counts.replaced++;
        if (element.items) {
          // D on a sequence (Content Sequence, Graphic Annotation Sequence): one empty item replaces the content;
          // the Clean Structured Content / Clean Graphics options keep it cleaned instead.
          recordNested(context, element.items);
          context.flags.add(tag === 0x00700001 ? 'graphics-replaced' : 'structured-content-replaced');
          out.push({ tag, vr: 'SQ', items: [[]] });
        } else {
          recordValues(context, element);
          out.push(dummyElement(context, element));
        }
        break;
      case 'uid': {
        if (element.items) {
          out.push({ ...element, items: element.items.map((child) => processItem(context, child, depth + 1)) });
          break;
        }
        const values = uidValues(element);
        const mapped = values.map((uid) => context.pseudonymizer.uid(uid));
        if (mapped.some((uid, index) => uid !== values[index])) {
          context.counts.uids++;
          recordValues(context, element);
          out.push(textElement(tag, 'UI', mapped.join('\\')));
        } else out.push(element);
        break;
      }
      case 'keep':
      case 'keep-sequence':
        if (element.items) {
          out.push({ ...element, items: element.items.map((child) => processItem(context, child, depth + 1)) });
        } else if (retained && element.vr === 'AS' && context.optionSet.has('retain-patient-characteristics')) {
          // HIPAA Safe Harbor: ages over 89 are aggregated into one category (shared/deid/README.md).
          const age = /^(\d{3})Y$/.exec(rawText(element) ?? '');
          out.push(age && Number(age[1]) > 89 ? textElement(tag, 'AS', '090Y') : element);
        } else if (!retained && FREE_TEXT_VRS.has(element.vr)) {
          // A copy: the cleaning pass rewrites its value, and the parsed input must stay as it was read.
          const copy = { ...element };
          out.push(copy);
          context.pending.push({ element: copy, mode: 'scrub' });
        } else {
          out.push(element);
        }
        break;
      case 'clean':
        if (element.items) {
          out.push({ ...element, items: element.items.map((child) => processItem(context, child, depth + 1)) });
        } else if (TEXT_VRS.has(element.vr)) {
          const copy = { ...element };
          out.push(copy);
          context.pending.push({ element: copy, mode: 'clean' });
        } else {
          // Curves and overlay bitmaps cannot be cleaned without looking at them: removed instead.
          context.counts.removed++;
          context.flags.add('binary-clean-removed');
        }
        break;
      case 'shift':
        if (element.items) {
          out.push({ ...element, items: element.items.map((child) => processItem(context, child, depth + 1)) });
        } else if (element.vr === 'DA' || element.vr === 'DT' || tag === Tags.TimezoneOffsetFromUTC) {
          const shifted = shiftElement(context, element);
          if (shifted) out.push(shifted);
          else context.counts.removed++;
        } else if (FREE_TEXT_VRS.has(element.vr)) {
          const copy = { ...element };
          out.push(copy);
          context.pending.push({ element: copy, mode: 'clean' });
        } else {
          out.push(element);
        }
        break;
    }
  }
  if (keptPrivateBlocks.size > 0) {
    for (const element of item) if (keptPrivateBlocks.has(element.tag)) setElement(out, element);
  }
  return out;
}

function burnedInRisk(dataset: DicomItem): boolean {
  // PS3.3 C.7.6.1.1.3: (0028,0301) YES means burned-in text; US, SC, XC and OT often carry it without saying so.
  const burned = rawText(findElement(dataset, Tags.BurnedInAnnotation))?.trim().toUpperCase();
  if (burned === 'YES') return true;
  const modality = rawText(findElement(dataset, Tags.Modality))?.trim().toUpperCase() ?? '';
  return ['US', 'SC', 'XC', 'OT'].includes(modality) && burned !== 'NO';
}

function charsetIsSafe(dataset: DicomItem): boolean {
  const terms = textValues(findElement(dataset, Tags.SpecificCharacterSet));
  return terms.length <= 1 && SAFE_CHARSETS.has(terms[0] ?? '');
}

function codeItem(code: string): DicomItem {
  const entry = CID_7050.find((candidate) => candidate.codeValue === code);
  if (!entry) throw new Error(`CID 7050 has no code ${code}`);
  return [
    textElement(Tags.CodeValue, 'SH', entry.codeValue),
    textElement(Tags.CodingSchemeDesignator, 'SH', entry.codingSchemeDesignator),
    textElement(Tags.CodeMeaning, 'LO', entry.codeMeaning),
  ];
}

export class Deidentifier {
  readonly options: DeidOptionName[];
  private readonly actions: ActionResolver;
  private readonly pseudonymizer: Pseudonymizer;
  private readonly safePrivate: ReadonlySet<string>;

  constructor(config: DeidConfig) {
    this.options = parseDeidOptions(config.options ?? []);
    this.actions = actionResolverFor(this.options);
    this.pseudonymizer = new Pseudonymizer(config.key, config.dateShiftRangeDays ?? 3650);
    this.safePrivate = new Set(
      (config.safePrivateAttributes ?? DEFAULT_SAFE_PRIVATE_ATTRIBUTES).map((entry) =>
        safePrivateKey(entry.creator, entry.group, entry.element),
      ),
    );
  }

  /** The UID function every file and annotation record goes through (identity under retain-uids). */
  remapUid(uid: string): string {
    return this.options.includes('retain-uids') ? uid : this.pseudonymizer.uid(uid);
  }

  /** De-identifies one parsed file. Throws DomainError (DicomErrorCode / DeidErrorCode) when it must refuse. */
  deidentifyFile(file: DicomFile): DeidResult {
    const dataset = file.dataset;
    const sopClassUid = rawText(findElement(dataset, Tags.SOPClassUID))?.trim() || rawText(findElement(file.meta, Tags.MediaStorageSOPClassUID))?.trim();
    if (sopClassUid === DICOMDIR_SOP_CLASS) {
      // A DICOMDIR holds byte offsets of its records and copies of patient data: rebuild it after de-identifying.
      throw new DomainError(DeidErrorCode.UNSUPPORTED_OBJECT, 'DICOMDIR (Media Storage Directory) is not de-identified: rebuild it from the de-identified files');
    }
    if (!sopClassUid) throw new DomainError(DeidErrorCode.UNSUPPORTED_OBJECT, 'no SOP Class UID in the data set or file meta');
    if (file.stoppedAtPixelData) throw new Error('deidentifyFile needs a full parse, not a header-only scan');

    const patient: PatientIdentity = {
      patientId: rawText(findElement(dataset, Tags.PatientID))?.trim() ?? '',
      issuerOfPatientId: rawText(findElement(dataset, Tags.IssuerOfPatientID))?.trim() ?? '',
      patientName: rawText(findElement(dataset, Tags.PatientName))?.trim() ?? '',
    };
    const previousMethods = textValues(findElement(dataset, Tags.DeidentificationMethod));
    const alreadyOurs = previousMethods.some((value) => value.startsWith(OUR_METHOD_PREFIX));
    const shiftDates = this.options.includes('retain-longitudinal-modified-dates');
    const context: Context = {
      options: this.options,
      actions: this.actions,
      optionSet: new Set(this.options),
      pseudonymizer: this.pseudonymizer,
      patient,
      // Re-running on our own output must not shift the dates a second time.
      dateShiftDays: shiftDates && !alreadyOurs ? this.pseudonymizer.dateShiftDays(patient) : undefined,
      littleEndian: file.encoding.littleEndian,
      charsetSafe: charsetIsSafe(dataset),
      safePrivate: this.safePrivate,
      identifying: new Set(),
      pending: [],
      flags: new Set(alreadyOurs ? ['already-deidentified'] : []),
      counts: { removed: 0, emptied: 0, replaced: 0, uids: 0, cleaned: 0, shifted: 0 },
    };
    const risk = burnedInRisk(dataset);
    if (risk) context.flags.add('burned-in-annotation-risk');

    const output = processItem(context, dataset, 0);

    // Second pass: cut every identifying value of this instance out of the free text that stays.
    const cleaner = new TextCleaner(context.identifying);
    for (const { element, mode } of context.pending) {
      const before = element.value?.toString('latin1') ?? '';
      const after = mode === 'clean' ? cleaner.clean(before) : cleaner.scrub(before);
      if (after === before) continue;
      if (!context.charsetSafe) {
        throw new DomainError(
          DeidErrorCode.UNSUPPORTED_CHARACTER_SET,
          'free text must be cleaned but the character set uses code extensions or multi-byte codes: refused rather than corrupted',
          { tag: element.tag.toString(16).padStart(8, '0') },
        );
      }
      element.value = encodeText(after.replace(/[\0 ]+$/, ''), element.vr);
      context.counts.cleaned++;
    }

    // PS3.15 E.1.1: describe what was done.
    for (const tag of [Tags.PatientIdentityRemoved, Tags.DeidentificationMethod, Tags.DeidentificationMethodCodeSequence, Tags.LongitudinalTemporalInformationModified]) {
      const index = output.findIndex((element) => element.tag === tag);
      if (index >= 0) output.splice(index, 1);
    }
    setElement(output, textElement(Tags.PatientIdentityRemoved, 'CS', risk ? 'NO' : 'YES'));
    const methods = [
      ...previousMethods.filter((value) => value !== '' && !context.identifying.has(value.toLowerCase())),
      `${DEID_TOOL_NAME} ${DEID_TOOL_VERSION}`,
      `PS3.15 Table E.1-1 ${PROFILE_EDITION} Basic Profile`,
      ...this.options.map((name) => `option ${name}`),
    ].map((value) => value.slice(0, 64));
    setElement(output, textElement(Tags.DeidentificationMethod, 'LO', methods.join('\\')));
    setElement(output, {
      tag: Tags.DeidentificationMethodCodeSequence,
      vr: 'SQ',
      items: [BASIC_PROFILE_CODE, ...this.options.map((name) => DEID_OPTIONS[name].code)].map(codeItem),
    });
    const longitudinal = shiftDates ? 'MODIFIED' : this.options.includes('retain-longitudinal-full-dates') ? 'UNMODIFIED' : 'REMOVED';
    setElement(output, textElement(Tags.LongitudinalTemporalInformationModified, 'CS', longitudinal));

    // File meta consistent with the data set (PS3.10 7.1): only what Part 10 requires, our implementation UID.
    const originalSop = rawText(findElement(dataset, Tags.SOPInstanceUID))?.trim() || rawText(findElement(file.meta, Tags.MediaStorageSOPInstanceUID))?.trim();
    const newSop = rawText(findElement(output, Tags.SOPInstanceUID))?.trim() ||
      (originalSop ? this.remapUid(originalSop) : this.pseudonymizer.uid(`content|${contentHash(file)}`));
    const meta: DicomItem = [
      { tag: Tags.FileMetaInformationVersion, vr: 'OB', value: Buffer.from([0x00, 0x01]) },
      textElement(Tags.MediaStorageSOPClassUID, 'UI', sopClassUid),
      textElement(Tags.MediaStorageSOPInstanceUID, 'UI', newSop),
      textElement(Tags.TransferSyntaxUID, 'UI', file.transferSyntaxUid),
      textElement(Tags.ImplementationClassUID, 'UI', IMPLEMENTATION_CLASS_UID),
      textElement(Tags.ImplementationVersionName, 'SH', IMPLEMENTATION_VERSION_NAME),
    ];
    // The output header is about the input's (values removed, pseudonyms about as long as the originals).
    const sizeHint = (file.pixelDataOffset ?? file.datasetSource.size) + 1024;
    const chunks = writeDicom({ meta, dataset: output, encoding: file.encoding, sizeHint });
    return {
      chunks,
      identifyingValues: [...context.identifying],
      report: {
        originalSopInstanceUid: originalSop,
        sopInstanceUid: newSop,
        sopClassUid,
        modality: rawText(findElement(dataset, Tags.Modality))?.trim(),
        transferSyntaxUid: file.transferSyntaxUid,
        options: this.options,
        flags: [...context.flags],
        notes: file.notes,
        counts: context.counts,
      },
    };
  }

  /** Parses and de-identifies; the source may be a Buffer or a caller's ByteSource (e.g. a file descriptor). */
  deidentify(input: Buffer | ByteSource): DeidResult {
    const source = Buffer.isBuffer(input) ? bufferSource(input) : input;
    return this.deidentifyFile(parseDicom(source));
  }

  /** Convenience for small files: the whole output as one buffer. */
  deidentifyToBuffer(input: Buffer): { output: Buffer; report: DeidFileReport; identifyingValues: string[] } {
    const result = this.deidentify(input);
    return { output: chunksToBuffer(result.chunks), report: result.report, identifyingValues: result.identifyingValues };
  }
}

/** A stable identity for an instance without any UID: a hash of its header (pixel data excluded). */
function contentHash(file: DicomFile): string {
  const hash = createHash('sha256');
  const end = file.pixelDataOffset ?? file.datasetSource.size;
  for (let position = 0; position < end; position += 1 << 20) {
    hash.update(file.datasetSource.read(position, Math.min(1 << 20, end - position)));
  }
  return hash.digest('hex');
}

import { DomainError } from '@imagora/core';
import * as dicom from '@imagora/dicom';
import type { ByteSource, DicomFile, DicomItem } from '@imagora/dicom';
import { parseDeidOptions } from './deid-options';
import { ActionResolver, NON_IDENTIFYING_VALUES, actionResolverFor, dummyTextFor, forEachValuePart } from './deidentifier';
import { containsToken } from './text-cleaner';

// Bound once at load (a CommonJS re-export compiles to a getter, called on every use): see deidentifier.ts.
const { TEXT_VRS, bufferSource, formatTag, isPrivateTag, parseDicom, rawText } = dicom;

// The verifier (DESIGN.md, De-identification): re-reads an output and fails it if any identifying value of its
// input (values of attributes the profile removes, empties or replaces, ≥ 4 characters) appears in any text
// attribute of the output, or if an attribute whose action is D, Z or X still holds its original value.

export type VerificationProblemKind = 'leak' | 'kept-original' | 'unreadable-output';

export interface VerificationProblem {
  readonly kind: VerificationProblemKind;
  /** Tag (8 hex digits) of the output attribute concerned. */
  readonly tag?: string;
  readonly message: string;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly problems: VerificationProblem[];
  /** How many identifying input values were checked. */
  readonly checkedValues: number;
}

export interface VerifyOptions {
  readonly options?: readonly string[];
  /** Identifying values known from elsewhere (e.g. the engine's own list, a corpus index). */
  readonly extraIdentifyingValues?: readonly string[];
}

const NUMERIC_VRS = new Set(['DS', 'IS', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV', 'AT']);
// Code strings (defined terms such as NONE, AXIAL), ages and numbers are not scanned for leaks: a removed free-text
// value that happens to equal a defined term ("NONE") is no leak, and numbers coincide by chance.
const CODED_OR_NUMERIC_VRS = new Set(['CS', 'AS', 'DS', 'IS']);

interface InputFacts {
  readonly identifying: Set<string>;
  /** tag → original values of attributes whose action is D, Z or X. */
  readonly originals: Map<number, Set<string>>;
  /** Output texts already scanned (lower case) → the value they leak, for UI and for other VRs. */
  readonly uidLeaks: Map<string, string | undefined>;
  readonly textLeaks: Map<string, string | undefined>;
}

function collectInput(item: DicomItem, options: ActionResolver, facts: InputFacts): void {
  for (const element of item) {
    if (isPrivateTag(element.tag)) continue;
    const { action } = options.get(element.tag, element.vr);
    if (element.items) {
      for (const child of element.items) collectInput(child, options, facts);
      continue;
    }
    const identifyingAction = action === 'remove' || action === 'empty' || action === 'dummy' || action === 'uid' || (action === 'shift' && (element.vr === 'DA' || element.vr === 'DT'));
    if (!identifyingAction || !TEXT_VRS.has(element.vr)) continue;
    const text = (rawText(element) ?? '').trim();
    if (text === '') continue;
    if (action === 'remove' || action === 'empty' || action === 'dummy') {
      const set = facts.originals.get(element.tag) ?? new Set<string>();
      set.add(text);
      facts.originals.set(element.tag, set);
    }
    if (NUMERIC_VRS.has(element.vr)) continue;
    forEachValuePart(text, element.vr === 'PN', (part) => {
      const value = part.trim().toLowerCase();
      if (value.length < 4 || NON_IDENTIFYING_VALUES.has(value) || value.startsWith('1.2.840.10008.')) return;
      facts.identifying.add(value);
    });
  }
}

function scanOutput(item: DicomItem, options: ActionResolver, facts: InputFacts, problems: VerificationProblem[]): void {
  for (const element of item) {
    if (element.items) {
      for (const child of element.items) scanOutput(child, options, facts, problems);
      continue;
    }
    if (!TEXT_VRS.has(element.vr) && element.vr !== 'UN') continue;
    const text = (rawText(element) ?? '').trim();
    if (text === '') continue;
    const leakScanned = !CODED_OR_NUMERIC_VRS.has(element.vr);
    // Our own dummy for the VR may coincide with an input that was already a dummy: not a kept original.
    if (text === dummyTextFor(element.vr)) continue;
    const original = facts.originals.get(element.tag);
    if (original?.has(text)) {
      const { action } = options.get(element.tag, element.vr);
      if (action === 'remove' || action === 'empty' || action === 'dummy') {
        problems.push({ kind: 'kept-original', tag: formatTag(element.tag), message: `action ${action} but the original value is still there` });
      }
    }
    if (!leakScanned) continue;
    const leaked = leakedValue(text.toLowerCase(), element.vr === 'UI', facts);
    if (leaked !== undefined) {
      problems.push({ kind: 'leak', tag: formatTag(element.tag), message: `contains an identifying value of the input (${leaked.length} characters)` });
    }
  }
}

/** The first identifying value `lower` contains as a whole token, if any (memoised: code meanings and the like repeat). */
function leakedValue(lower: string, uid: boolean, facts: InputFacts): string | undefined {
  const memo = uid ? facts.uidLeaks : facts.textLeaks;
  if (memo.has(lower)) return memo.get(lower);
  let leaked: string | undefined;
  for (const value of facts.identifying) {
    // In a UID only another UID can leak (digits of a 2.25 pseudonym match short numbers by chance).
    if (uid && !value.includes('.')) continue;
    if (containsToken(lower, value)) {
      leaked = value;
      break;
    }
  }
  memo.set(lower, leaked);
  return leaked;
}

function isDicomFile(input: Buffer | ByteSource | DicomFile): input is DicomFile {
  return !Buffer.isBuffer(input) && 'dataset' in input;
}

/**
 * Verifies one output against its input. Never throws for bad output: an unreadable output is a problem. The
 * input may be given already parsed (the DicomFile the de-identifier read, which it leaves unchanged), so a
 * caller does not parse it twice; the output is always parsed here, from its bytes.
 */
export function verifyDeidentified(
  input: Buffer | ByteSource | DicomFile,
  output: Buffer | ByteSource,
  verifyOptions: VerifyOptions = {},
): VerificationReport {
  const options = actionResolverFor(parseDeidOptions(verifyOptions.options ?? []));
  const facts: InputFacts = { identifying: new Set(), originals: new Map(), uidLeaks: new Map(), textLeaks: new Map() };
  if (isDicomFile(input) && input.stoppedAtPixelData) throw new Error('verifyDeidentified needs a full parse of the input, not a header-only scan');
  const inputFile = isDicomFile(input) ? input : parseDicom(Buffer.isBuffer(input) ? bufferSource(input) : input);
  collectInput(inputFile.dataset, options, facts);
  for (const value of verifyOptions.extraIdentifyingValues ?? []) {
    const lower = value.trim().toLowerCase();
    if (lower.length >= 4 && !NON_IDENTIFYING_VALUES.has(lower)) facts.identifying.add(lower);
  }
  const problems: VerificationProblem[] = [];
  try {
    const outputFile = parseDicom(Buffer.isBuffer(output) ? bufferSource(output) : output);
    scanOutput(outputFile.meta, options, facts, problems);
    scanOutput(outputFile.dataset, options, facts, problems);
  } catch (error) {
    const message = error instanceof DomainError ? `${error.code}: ${error.message}` : String(error);
    problems.push({ kind: 'unreadable-output', message });
  }
  return { ok: problems.length === 0, problems, checkedValues: facts.identifying.size };
}

import { DomainError, ProtocolErrorCode } from '@imagora/core';
import { breaksUnder, isTransitive, type CompatibilityChange, type CompatibilityResult, type Direction } from './compatibility-change';
import { compatibilityModeOf, isCompatibilityMode, type CompatibilityMode, type ProtocolDocument } from './protocol-document';
import { registryId, type AnnotationSchemaResolver } from './registry-ref';
import { compareAnnotationSchemas } from './schema-comparator';
import { allowsBreakingChange, compareSemver, parseSemver } from './semver';

export interface CompatibilityOptions {
  // Follows `imagora:protocol/...` references; without it a changed registry reference is breaking.
  readonly resolver?: AnnotationSchemaResolver;
}

const B: Direction[] = ['BACKWARD'];
const F: Direction[] = ['FORWARD'];
const BOTH: Direction[] = ['BACKWARD', 'FORWARD'];

/**
 * Every change between two versions of a protocol, each with the directions it may break: the
 * annotation schema (see schema-comparator.ts), the label set, the imaging rules, the record
 * references and the descriptive fields. Mode-independent; checkCompatibility applies a mode.
 */
export function diffProtocols(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, options: CompatibilityOptions = {}): CompatibilityChange[] {
  const changes: CompatibilityChange[] = [];
  const add = (pointer: string, kind: string, breaks: Direction[], message: string) => changes.push({ pointer, kind, breaks, message });

  if (oldDocument.name !== newDocument.name) add('/name', 'name-changed', BOTH, `protocol name "${oldDocument.name}" became "${newDocument.name}"; these are different protocols`);
  for (const field of ['title', 'description'] as const) {
    if ((oldDocument[field] ?? '') !== (newDocument[field] ?? '')) add(`/${field}`, `${field}-changed`, [], `${field} changed`);
  }
  if (compatibilityModeOf(oldDocument) !== compatibilityModeOf(newDocument)) {
    add('/compatibility', 'compatibility-mode-changed', [], `compatibility mode ${compatibilityModeOf(oldDocument)} became ${compatibilityModeOf(newDocument)}`);
  }

  diffLabels(oldDocument, newDocument, add);
  diffImaging(oldDocument, newDocument, add);
  diffReferences(oldDocument, newDocument, add);
  diffDeidentification(oldDocument, newDocument, add);

  changes.push(
    ...compareAnnotationSchemas(oldDocument.annotation, newDocument.annotation, '/annotation', {
      resolver: options.resolver,
      oldId: registryId(oldDocument.name, oldDocument.version),
      newId: registryId(newDocument.name, newDocument.version),
    }),
  );
  return changes;
}

type Add = (pointer: string, kind: string, breaks: Direction[], message: string) => void;

// Records name labels by id: old records use old ids (BACKWARD), new records new ids (FORWARD).
function diffLabels(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, add: Add): void {
  const oldLabels = new Map(oldDocument.labels.map((label) => [label.id, label]));
  const newIndex = new Map(newDocument.labels.map((label, index) => [label.id, index]));
  oldDocument.labels.forEach((label, index) => {
    if (!newIndex.has(label.id)) add(`/labels/${index}`, 'label-removed', B, `label "${label.id}" removed; old records that use it become invalid`);
  });
  newDocument.labels.forEach((label, index) => {
    const old = oldLabels.get(label.id);
    if (!old) {
      add(`/labels/${index}`, 'label-added', F, `label "${label.id}" (${label.code.system} ${label.code.value} "${label.code.meaning}") added; old readers do not know it`);
    } else if (old.code.system !== label.code.system || old.code.value !== label.code.value) {
      add(`/labels/${index}/code`, 'label-code-changed', BOTH, `label "${label.id}" now means ${label.code.system} ${label.code.value} instead of ${old.code.system} ${old.code.value}`);
    } else if (old.code.meaning !== label.code.meaning) {
      // Code Meaning is display text for the same concept (PS3.3 Table 8.8-1), not a new concept.
      add(`/labels/${index}/code/meaning`, 'label-meaning-changed', [], `label "${label.id}" display text "${old.code.meaning}" became "${label.code.meaning}"`);
    }
  });
}

/**
 * Imaging rules decide which images records may annotate. An absent list does not restrict; a
 * narrower allow-list strands old records (BACKWARD), a wider one lets new records annotate images
 * old consumers refuse (FORWARD). Required attributes work the other way round.
 */
function diffImaging(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, add: Add): void {
  for (const field of ['modalities', 'sopClasses', 'transferSyntaxes'] as const) {
    const oldList = oldDocument.imaging?.[field];
    const newList = newDocument.imaging?.[field];
    const pointer = `/imaging/${field}`;
    if (oldList === undefined && newList === undefined) continue;
    if (oldList === undefined) {
      add(pointer, `${field}-restricted`, B, `${field} are now restricted to ${newList!.join(', ')}`);
      continue;
    }
    if (newList === undefined) {
      add(pointer, `${field}-unrestricted`, F, `${field} are no longer restricted`);
      continue;
    }
    const removed = oldList.filter((value) => !newList.includes(value));
    const added = newList.filter((value) => !oldList.includes(value));
    if (removed.length > 0) add(pointer, `${singular(field)}-removed`, B, `${field} no longer allowed: ${removed.join(', ')}`);
    if (added.length > 0) add(pointer, `${singular(field)}-added`, F, `${field} newly allowed: ${added.join(', ')}`);
  }
  const oldRequired = oldDocument.imaging?.requiredAttributes ?? [];
  const newRequired = newDocument.imaging?.requiredAttributes ?? [];
  const added = newRequired.filter((tag) => !oldRequired.includes(tag));
  const removed = oldRequired.filter((tag) => !newRequired.includes(tag));
  if (added.length > 0) add('/imaging/requiredAttributes', 'required-attribute-added', B, `images must now carry ${added.map(formatTag).join(', ')}; old records may annotate images without them`);
  if (removed.length > 0) add('/imaging/requiredAttributes', 'required-attribute-removed', F, `images need no longer carry ${removed.map(formatTag).join(', ')}`);
}

function singular(field: string): string {
  return { modalities: 'modality', sopClasses: 'sop-class', transferSyntaxes: 'transfer-syntax' }[field] ?? field;
}

function formatTag(tag: string): string {
  return `(${tag.slice(0, 4)},${tag.slice(4)})`;
}

// A moved pointer means old and new records name their image or label in different places.
function diffReferences(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, add: Add): void {
  for (const key of ['sopInstanceUid', 'frame', 'label', 'coordinates'] as const) {
    const before = oldDocument.references[key];
    const after = newDocument.references[key];
    if (before === after) continue;
    add(`/references/${key}`, 'reference-changed', BOTH, `references.${key} ${before === undefined ? 'added' : `"${before}"`} became ${after === undefined ? 'absent' : `"${after}"`}`);
  }
}

// De-identification governs the images, not the records' validity: reported, never breaking.
function diffDeidentification(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, add: Add): void {
  const before = oldDocument.deidentification;
  const after = newDocument.deidentification;
  const oldOptions = before?.options ?? [];
  const newOptions = after?.options ?? [];
  for (const option of newOptions) if (!oldOptions.includes(option)) add('/deidentification/options', 'deidentification-option-added', [], `de-identification option ${option} added`);
  for (const option of oldOptions) if (!newOptions.includes(option)) add('/deidentification/options', 'deidentification-option-removed', [], `de-identification option ${option} removed`);
  if ((before?.rejectBurnedIn ?? false) !== (after?.rejectBurnedIn ?? false)) {
    add('/deidentification/rejectBurnedIn', 'deidentification-burned-in-changed', [], `rejectBurnedIn ${before?.rejectBurnedIn ?? false} became ${after?.rejectBurnedIn ?? false}`);
  }
  if ((before === undefined) !== (after === undefined)) add('/deidentification', before ? 'deidentification-removed' : 'deidentification-added', [], `de-identification rules ${before ? 'removed' : 'added'}`);
}

function requireMode(mode: string): CompatibilityMode {
  if (!isCompatibilityMode(mode)) throw new DomainError(ProtocolErrorCode.INVALID_COMPATIBILITY_MODE, `"${mode}" is not a compatibility mode`);
  return mode;
}

/** Compatibility of one new version against one old version under a mode (NONE: always compatible). */
export function checkCompatibility(
  oldDocument: ProtocolDocument,
  newDocument: ProtocolDocument,
  mode: CompatibilityMode = compatibilityModeOf(newDocument),
  options: CompatibilityOptions = {},
): CompatibilityResult {
  const checked = requireMode(mode);
  const changes = diffProtocols(oldDocument, newDocument, options);
  return { compatible: !changes.some((change) => breaksUnder(change, checked)), changes };
}

export interface HistoryCheck {
  readonly compatible: boolean;
  readonly mode: CompatibilityMode;
  // One entry per earlier version checked: all of them for *_TRANSITIVE, else the latest only.
  readonly against: Array<{ readonly version: string; readonly compatible: boolean; readonly changes: CompatibilityChange[] }>;
}

/**
 * Checks a new version against the earlier versions of its protocol as a schema registry does:
 * BACKWARD/FORWARD/FULL against the latest earlier version, the *_TRANSITIVE modes against all of
 * them. Versions in `history` at or above the new one are ignored.
 */
export function checkAgainstHistory(
  history: readonly ProtocolDocument[],
  newDocument: ProtocolDocument,
  mode: CompatibilityMode = compatibilityModeOf(newDocument),
  options: CompatibilityOptions = {},
): HistoryCheck {
  const checked = requireMode(mode);
  const earlier = history
    .filter((document) => parseSemver(document.version) && compareSemver(document.version, newDocument.version) < 0)
    .sort((a, b) => compareSemver(a.version, b.version));
  const targets = checked === 'NONE' ? [] : isTransitive(checked) ? earlier : earlier.slice(-1);
  const against = targets.map((document) => {
    const result = checkCompatibility(document, newDocument, checked, options);
    return { version: document.version, compatible: result.compatible, changes: result.changes };
  });
  return { compatible: against.every((entry) => entry.compatible), mode: checked, against };
}

export interface PublicationProblem {
  readonly code: ProtocolErrorCode;
  readonly message: string;
  readonly changes?: CompatibilityChange[];
}

/**
 * The publication rule of DESIGN.md: the version must be new and higher than every published
 * one, and a change that breaks the declared mode needs a major version bump (or a 0.x minor).
 * Returns problems as values; the registry answers 409 with them.
 */
export function checkPublication(
  published: readonly ProtocolDocument[],
  newDocument: ProtocolDocument,
  options: CompatibilityOptions = {},
): PublicationProblem[] {
  const problems: PublicationProblem[] = [];
  const foreign = published.find((document) => document.name !== newDocument.name);
  if (foreign) problems.push({ code: ProtocolErrorCode.NAME_MISMATCH, message: `history contains ${foreign.name}@${foreign.version}, not ${newDocument.name}` });
  const latest = [...published].sort((a, b) => compareSemver(a.version, b.version)).pop();
  if (latest && compareSemver(newDocument.version, latest.version) <= 0) {
    problems.push({ code: ProtocolErrorCode.VERSION_NOT_INCREASED, message: `version ${newDocument.version} is not higher than the latest published ${latest.version}` });
    return problems;
  }
  const history = checkAgainstHistory(published, newDocument, compatibilityModeOf(newDocument), options);
  const breaking = history.against.filter((entry) => !entry.compatible && !allowsBreakingChange(entry.version, newDocument.version));
  if (breaking.length > 0) {
    const mode = compatibilityModeOf(newDocument);
    problems.push({
      code: ProtocolErrorCode.BREAKING_CHANGE,
      message: `${newDocument.version} breaks ${mode} compatibility with ${breaking.map((entry) => entry.version).join(', ')}; publish it as a new major version`,
      changes: breaking.flatMap((entry) => entry.changes.filter((change) => breaksUnder(change, mode)).map((change) => ({ ...change, message: `${change.message} (against ${entry.version})` }))),
    });
  }
  return problems;
}

/** A markdown changelog of the changes between two versions, breaking ones marked. */
export function changelog(oldDocument: ProtocolDocument, newDocument: ProtocolDocument, options: CompatibilityOptions = {}): string {
  const changes = diffProtocols(oldDocument, newDocument, options);
  const mode = compatibilityModeOf(newDocument);
  const heading = `## ${newDocument.name} ${oldDocument.version} → ${newDocument.version}`;
  if (changes.length === 0) return `${heading}\n\nNo changes.\n`;
  const breaking = changes.filter((change) => breaksUnder(change, mode));
  const lines = changes.map((change) => {
    const marker = change.breaks.length === 0 ? '' : ` **breaks ${change.breaks.join(' and ')}**`;
    return `- \`${change.pointer || '/'}\` ${change.kind}: ${escapeMarkdown(change.message)}${marker}`;
  });
  const summary = breaking.length === 0 ? `Compatible under ${mode}.` : `${breaking.length} change(s) break ${mode} compatibility.`;
  return `${heading}\n\n${summary}\n\n${lines.join('\n')}\n`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

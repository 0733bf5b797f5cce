import { DEID_OPTION_NAMES, type DeidOptionName } from '@imagora/core';
// The TypeScript view of a document valid under schemas/protocol.schema.json.
export const COMPATIBILITY_MODES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export const DEFAULT_COMPATIBILITY_MODE: CompatibilityMode = 'BACKWARD_TRANSITIVE';

// PS3.15 Table E.1-1 option columns, by the names the de-identifier uses.
export const DEIDENTIFICATION_OPTIONS = DEID_OPTION_NAMES;
export type DeidentificationOption = DeidOptionName;

export interface CodedConcept {
  readonly system: string;
  readonly value: string;
  readonly meaning: string;
}

export interface ProtocolLabel {
  readonly id: string;
  readonly code: CodedConcept;
}

export interface ImagingRules {
  readonly modalities?: readonly string[];
  readonly sopClasses?: readonly string[];
  readonly requiredAttributes?: readonly string[];
  readonly transferSyntaxes?: readonly string[];
}

export interface RecordReferences {
  readonly sopInstanceUid: string;
  readonly frame?: string;
  readonly label: string;
  readonly coordinates?: string;
}

export interface DeidentificationRules {
  readonly profile: 'basic';
  readonly options?: readonly DeidentificationOption[];
  readonly rejectBurnedIn?: boolean;
}

// A JSON Schema: an object or a boolean (JSON Schema 2020-12 §4.3.2).
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export interface ProtocolDocument {
  readonly $schema?: string;
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly description?: string;
  readonly compatibility?: CompatibilityMode;
  readonly labels: readonly ProtocolLabel[];
  readonly imaging?: ImagingRules;
  readonly annotation: JsonSchema;
  readonly references: RecordReferences;
  readonly deidentification?: DeidentificationRules;
}

export function compatibilityModeOf(document: ProtocolDocument): CompatibilityMode {
  return document.compatibility ?? DEFAULT_COMPATIBILITY_MODE;
}

export function isCompatibilityMode(value: unknown): value is CompatibilityMode {
  return typeof value === 'string' && (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

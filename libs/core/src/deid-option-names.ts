// PS3.15 Annex E options by the names protocols, the CLI and the de-identifier share (shared/deid/README.md).
export const DEID_OPTION_NAMES = [
  'retain-longitudinal-full-dates',
  'retain-longitudinal-modified-dates',
  'retain-patient-characteristics',
  'retain-device-identity',
  'retain-institution-identity',
  'retain-uids',
  'retain-safe-private',
  'clean-descriptors',
  'clean-structured-content',
  'clean-graphics',
] as const;

export type DeidOptionName = (typeof DEID_OPTION_NAMES)[number];

export type AccessPolicy = 'open' | 'registered' | 'controlled';

export interface Dataset {
  id: string;
  organizationId: string;
  organizationSlug: string;
  slug: string;
  title: string;
  description: string;
  license: string;
  accessPolicy: AccessPolicy;
  dataUseAgreement: string | null;
  createdAt: Date;
}

// DESIGN.md "Submission lifecycle".
export const SUBMISSION_STATES = [
  'open',
  'uploaded',
  'validating',
  'invalid',
  'deidentifying',
  'verifying',
  'awaiting-review',
  'approved',
  'rejected',
  'publishing',
  'released',
  'failed',
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** States in which the worker has something to do. */
export const WORKER_STATES: readonly SubmissionState[] = ['uploaded', 'validating', 'deidentifying', 'verifying', 'approved', 'publishing'];

export interface Submission {
  id: string;
  datasetId: string;
  organizationId: string;
  organizationSlug: string;
  datasetSlug: string;
  protocolName: string;
  protocolVersion: string;
  state: SubmissionState;
  /** The step a failed submission failed in: a retry resumes there. */
  failedState: SubmissionState | null;
  failureReason: string | null;
  deidLocal: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  validationReport: unknown | null;
  deidReport: SubmissionDeidReport | null;
  reviewReason: string | null;
  reviewedBy: string | null;
  releasedVersion: number | null;
}

export interface SubmissionDeidReport {
  files: number;
  deidentified: number;
  copied: number;
  excluded: Array<{ path: string; reason: string }>;
  flags: Array<{ path: string; flags: string[] }>;
  failed: Array<{ path: string; reason: string }>;
  verification?: { files: number; failed: Array<{ path: string; problems: string[] }> };
}

export interface SubmissionEvent {
  fromState: SubmissionState | null;
  toState: SubmissionState;
  actorUserId: string | null;
  reason: string | null;
  at: Date;
}

export type SubmissionFileState = 'registered' | 'uploading' | 'stored';

/** What kind of content a file is, by the dataset layout of DESIGN.md. */
export type SubmissionFileKind = 'dicom' | 'annotation' | 'metadata' | 'other';

export interface SubmissionFile {
  id: string;
  submissionId: string;
  path: string;
  size: number;
  sha256: string;
  kind: SubmissionFileKind;
  state: SubmissionFileState;
  quarantineKey: string;
  multipartUploadId: string | null;
  /** The de-identified object in quarantine, its hash and size, set by the de-identification step. */
  outputKey: string | null;
  outputSha256: string | null;
  outputSize: number | null;
  mediaType: string | null;
  sopInstanceUid: string | null;
  /** De-identified header attributes for the catalog (pseudonymized UIDs, modality, …). */
  catalog: CatalogAttributes | null;
  updatedAt: Date;
}

export interface CatalogAttributes {
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  modality: string | null;
  bodyPart: string | null;
  manufacturer: string | null;
  manufacturerModel: string | null;
  sex: string | null;
  age: string | null;
  sliceThickness: number | null;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  transferSyntax: string | null;
  /** Annotation records per label id pointing at this instance. */
  labels?: Record<string, number>;
}

export interface DatasetVersion {
  id: string;
  datasetId: string;
  number: number;
  protocol: string;
  manifestSha256: string;
  manifestKey: string;
  files: number;
  bytes: number;
  releasedAt: Date;
  submissionId: string;
}

export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
  sopInstanceUid: string | null;
}

export interface DatasetManifest {
  dataset: string;
  version: number;
  protocol: string;
  submission: string;
  license: string;
  files: ManifestEntry[];
}

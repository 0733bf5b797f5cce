import { AccessPolicy, CatalogAttributes, Dataset, DatasetVersion, Submission, SubmissionEvent, SubmissionFile, SubmissionState } from './submission.types';

export interface DatasetRepository {
  /** Returns undefined when the organization already has a dataset with this slug. */
  create(input: {
    organizationId: string;
    slug: string;
    title: string;
    description: string;
    license: string;
    accessPolicy: AccessPolicy;
    dataUseAgreement: string | null;
    createdBy: string;
  }): Promise<Dataset | undefined>;
  find(organizationSlug: string, slug: string): Promise<Dataset | undefined>;
  findById(id: string): Promise<Dataset | undefined>;
  list(filter: { organizationIds?: string[] }): Promise<Dataset[]>;
  versions(datasetId: string): Promise<DatasetVersion[]>;
}

export interface NewSubmissionFile {
  path: string;
  size: number;
  sha256: string;
  kind: SubmissionFile['kind'];
}

export type SubmissionFields = Partial<
  Pick<Submission, 'failureReason' | 'failedState' | 'validationReport' | 'deidReport' | 'reviewReason' | 'reviewedBy' | 'releasedVersion'>
>;

export interface ReleaseInput {
  submissionId: string;
  datasetId: string;
  number: number;
  protocol: string;
  manifestSha256: string;
  manifestKey: string;
  /** Media type of a published file whose own is not recorded, by kind (as the manifest lists it). */
  mediaTypes: Record<SubmissionFile['kind'], string>;
  actorUserId: string | null;
}

export interface LabelCount {
  sopInstanceUid: string;
  label: string;
  count: number;
}

export interface SubmissionRepository {
  create(input: { datasetId: string; protocolName: string; protocolVersion: string; deidLocal: boolean; createdBy: string }): Promise<Submission>;
  findById(id: string): Promise<Submission | undefined>;
  list(filter: { organizationIds?: string[]; states?: SubmissionState[]; limit: number }): Promise<Submission[]>;
  /** Compare-and-set of the state with an event row, in one transaction; undefined when the state was not in `from`. */
  transition(id: string, from: SubmissionState[], to: SubmissionState, event: { actorUserId: string | null; reason?: string | null }, fields?: SubmissionFields): Promise<Submission | undefined>;
  update(id: string, fields: SubmissionFields): Promise<void>;
  events(id: string): Promise<SubmissionEvent[]>;
  /** Registers files; a path already registered with other size or sha256 comes back in `conflicts`. */
  registerFiles(submissionId: string, files: NewSubmissionFile[], quarantineKeyOf: (fileId: string) => string): Promise<{ files: SubmissionFile[]; conflicts: string[] }>;
  findFile(submissionId: string, fileId: string): Promise<SubmissionFile | undefined>;
  /**
   * Files in path order by UTF-8 bytes, a page at a time (a dataset is never held in memory whole): all of them, or
   * only those a release publishes (those with a verified output).
   */
  filesPage(submissionId: string, afterPath: string | null, limit: number, which?: 'all' | 'published'): Promise<SubmissionFile[]>;
  /** Forgets the label counts of one annotation file (before it is counted again: counting is then idempotent). */
  clearLabelCounts(fileId: string): Promise<void>;
  /** Adds to the label counts of one annotation file; the release sums them per instance into its catalog rows. */
  addLabelCounts(submissionId: string, fileId: string, counts: LabelCount[]): Promise<void>;
  updateFile(fileId: string, fields: Partial<Pick<SubmissionFile, 'state' | 'multipartUploadId' | 'outputKey' | 'outputSha256' | 'outputSize' | 'mediaType' | 'sopInstanceUid' | 'catalog'>>): Promise<void>;
  fileCounts(submissionId: string): Promise<Record<SubmissionFile['state'], number> & { total: number; bytes: number }>;
  /** Files with a multipart upload started before `before`, across submissions. */
  staleMultipartFiles(before: Date, limit: number): Promise<SubmissionFile[]>;
  /** The submission's dataset version number: allocated once (concurrent publications of a dataset get distinct numbers), then the same on every retry. */
  allocateVersionNumber(submissionId: string, datasetId: string): Promise<number>;
  /**
   * Atomically: the dataset version with its files and catalog rows, read from the published files and label counts
   * (never passed in: a release holds nothing per file in memory), and the submission's move to released. Idempotent.
   */
  release(input: ReleaseInput): Promise<Submission | undefined>;
}

export interface SubmissionJobs {
  /** Asks a worker to advance the submission by one step (idempotent; one job per submission at a time). */
  advance(submissionId: string, requestId?: string): Promise<void>;
}

export interface ProcessedDicom {
  sha256: string;
  size: number;
  flags: string[];
  catalog: CatalogAttributes;
}

/** DICOM work on stored objects: parsing, de-identification and checks need local I/O (an adapter's job). */
export interface DicomObjectProcessor {
  /** De-identifies source into target (verified against its input before it is stored); throws DomainError when refused. */
  deidentify(source: { bucket: string; key: string }, target: { bucket: string; key: string }, options: readonly string[]): Promise<ProcessedDicom>;
  /** Checks an object that is already de-identified (upload --deid-local): returns the problems found. */
  checkDeidentified(source: { bucket: string; key: string }, options: readonly string[]): Promise<{ problems: string[]; processed: ProcessedDicom }>;
  /** The same keyed UID mapping the de-identifier applies to images, for annotation records. */
  remapUid(uid: string): string;
  /** Attributes that differ between a raw object and its de-identified output, for reviewers. */
  headerDiff(raw: { bucket: string; key: string }, deidentified: { bucket: string; key: string }, limit: number): Promise<Array<{ tag: string; keyword: string; before: string; after: string }>>;
}

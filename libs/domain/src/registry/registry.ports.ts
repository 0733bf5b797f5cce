import { Protocol, ProtocolReview, ProtocolSummary, ProtocolVersion, ProtocolVersionStatus } from './registry.types';

export interface NewProtocolVersion {
  protocolId: string;
  version: string;
  documentText: string;
  sha256: string;
  createdBy: string | null;
}

export interface ProtocolRepository {
  /** Returns undefined when the name is taken. */
  createProtocol(input: { name: string; title: string; organizationId: string }): Promise<Protocol | undefined>;
  findProtocol(name: string): Promise<Protocol | undefined>;
  listProtocols(): Promise<ProtocolSummary[]>;
  listVersions(protocolId: string): Promise<ProtocolVersion[]>;
  findVersion(protocolId: string, version: string): Promise<ProtocolVersion | undefined>;
  createVersion(input: NewProtocolVersion): Promise<ProtocolVersion>;
  /** Replaces a draft's content; only versions whose status is one of `allowed` change. Returns the update. */
  updateDraft(versionId: string, change: { documentText: string; sha256: string; editor: string }, allowed: ProtocolVersionStatus[]): Promise<ProtocolVersion | undefined>;
  /** Compare-and-set of the status: undefined when the version was not in `from` any more. */
  transition(
    versionId: string,
    from: ProtocolVersionStatus[],
    to: ProtocolVersionStatus,
    fields?: Partial<Pick<ProtocolVersion, 'submittedAt' | 'publishedAt' | 'publishedBy' | 'deprecatedAt' | 'deprecationReason' | 'replacement' | 'signature'>>,
  ): Promise<ProtocolVersion | undefined>;
  /** Deletes a version that is still a draft or in review; false when it is not (any more). */
  deleteDraft(versionId: string): Promise<boolean>;
  addReview(review: Omit<ProtocolReview, 'id' | 'createdAt' | 'reviewerUsername'>): Promise<ProtocolReview>;
  listReviews(versionId: string): Promise<ProtocolReview[]>;
  /** Runs `work` while holding the protocol's row lock, so two publications of one protocol never interleave. */
  withProtocolLock<T>(protocolId: string, work: (repository: ProtocolRepository) => Promise<T>): Promise<T>;
}

export interface ProtocolSigner {
  /** A compact JWS a mirror can verify against the hub's JWKS. */
  sign(claims: { name: string; version: string; sha256: string }): Promise<string>;
}

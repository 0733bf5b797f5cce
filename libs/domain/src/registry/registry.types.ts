import type { ProtocolDocument } from '@imagora/protocols';

export type ProtocolVersionStatus = 'draft' | 'in-review' | 'published' | 'deprecated';

export interface Protocol {
  id: string;
  name: string;
  title: string;
  organizationId: string;
  organizationSlug: string;
  createdAt: Date;
}

export interface ProtocolVersion {
  id: string;
  protocolId: string;
  name: string;
  version: string;
  status: ProtocolVersionStatus;
  /** The document as submitted (its text is kept verbatim; `sha256` is over its canonical JSON). */
  documentText: string;
  sha256: string;
  createdBy: string | null;
  /** Everyone who wrote this draft: none of them may approve it. */
  editors: string[];
  createdAt: Date;
  updatedAt: Date;
  submittedAt: Date | null;
  publishedAt: Date | null;
  publishedBy: string | null;
  deprecatedAt: Date | null;
  deprecationReason: string | null;
  replacement: string | null;
  /** Compact JWS (ES256, hub key) over the name, version and sha256 of a published version. */
  signature: string | null;
}

export interface ProtocolReview {
  id: string;
  versionId: string;
  reviewerId: string;
  reviewerUsername: string;
  decision: 'approve' | 'request-changes';
  comment: string | null;
  /** The draft content reviewed: an edit after the review makes the approval stale. */
  sha256: string;
  createdAt: Date;
}

export interface ProtocolSummary extends Protocol {
  latestVersion: string | null;
  latestStatus: ProtocolVersionStatus | null;
  versions: Array<{ version: string; status: ProtocolVersionStatus }>;
}

export function documentOf(version: ProtocolVersion): ProtocolDocument {
  return JSON.parse(version.documentText) as ProtocolDocument;
}

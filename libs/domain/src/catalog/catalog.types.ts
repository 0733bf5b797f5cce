export type SearchLevel = 'dataset' | 'study' | 'series' | 'instance';

export interface CatalogQuery {
  protocol?: string[];
  /** Label ids; each must be present on the instance, at least `labelMin` times. */
  label?: string[];
  labelMin?: number;
  modality?: string[];
  bodyPart?: string[];
  sex?: string[];
  ageMin?: number;
  ageMax?: number;
  manufacturer?: string[];
  /** ORGANIZATION/SLUG */
  dataset?: string[];
  organization?: string[];
  text?: string;
}

export const FACET_DIMENSIONS = ['protocol', 'label', 'modality', 'bodyPart', 'sex', 'ageBand', 'manufacturer', 'dataset', 'organization'] as const;
export type FacetDimension = (typeof FACET_DIMENSIONS)[number];

/** A count as shown: the number, or "<5" (the floor) when it is small enough to single someone out. */
export type ShownCount = number | string;

export interface FacetValue {
  value: string;
  count: ShownCount;
}

export interface CatalogHit {
  level: SearchLevel;
  key: string;
  dataset: string;
  datasetTitle: string;
  organization: string;
  version: number;
  protocol: string;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  modality: string | null;
  bodyPart: string | null;
  manufacturer: string | null;
  manufacturerModel: string | null;
  sex: string | null;
  age: string | null;
  sliceThickness: number | null;
  rows: number | null;
  columns: number | null;
  transferSyntax: string | null;
  path: string | null;
  instances: number;
  labels: Record<string, number>;
}

export interface SearchResult {
  level: SearchLevel;
  total: ShownCount;
  facets: Record<FacetDimension, FacetValue[]>;
  /** Absent for anonymous callers: they get counts only. */
  hits?: CatalogHit[];
  nextCursor?: string | null;
  suppressedBelow?: number;
}

export interface DiversityCard {
  instances: number;
  dimensions: Record<'organization' | 'manufacturer' | 'model' | 'modality' | 'sex' | 'ageBand', Array<{ value: string; count: number; share: number }>>;
  warnings: string[];
}

export interface Cohort {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  query: CatalogQuery;
  createdAt: Date;
  instances: number;
  studies: number;
  series: number;
  datasets: Array<{ dataset: string; version: number; policy: string; instances: number }>;
  citation: string;
  diversity: DiversityCard;
}

export interface DownloadFile {
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
  dataset: string;
  version: number;
}

export interface AccessRequest {
  id: string;
  datasetId: string;
  dataset: string;
  userId: string;
  username: string;
  state: 'pending' | 'approved' | 'denied';
  purpose: string;
  decisionReason: string | null;
  decidedBy: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

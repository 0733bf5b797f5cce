import { AccessRequest, CatalogHit, CatalogQuery, Cohort, DownloadFile, FacetDimension, SearchLevel } from './catalog.types';

export interface CatalogSearchPage {
  total: number;
  facets: Record<FacetDimension, Array<{ value: string; count: number }>>;
  hits: CatalogHit[];
  nextCursor: string | null;
}

export interface CatalogRepository {
  search(query: CatalogQuery, options: { level: SearchLevel; limit: number; cursor?: string; sort?: string; countsOnly: boolean }): Promise<CatalogSearchPage>;
  /** Freezes the instances matching a query (latest released versions now) into a new cohort; returns its id. */
  createCohort(input: { ownerId: string; name: string; description: string; query: CatalogQuery }): Promise<string>;
  findCohort(id: string): Promise<Omit<Cohort, 'citation' | 'diversity' | 'datasets'> | undefined>;
  listCohorts(ownerId: string): Promise<Array<Omit<Cohort, 'citation' | 'diversity' | 'datasets'>>>;
  deleteCohort(id: string, ownerId: string): Promise<boolean>;
  /** The datasets the cohort's frozen members come from (no counts: what an access check needs). */
  cohortDatasets(id: string): Promise<Array<{ datasetId: string; dataset: string }>>;
  /** Per-dataset counts and the spread of the cohort's attributes, computed from its frozen members. */
  cohortBreakdown(id: string): Promise<{
    datasets: Array<{ datasetId: string; dataset: string; title: string; version: number; policy: string; organizationId: string; organization: string; instances: number }>;
    studies: number;
    series: number;
    spread: Record<'organization' | 'manufacturer' | 'model' | 'modality' | 'sex' | 'ageBand', Array<{ value: string; count: number }>>;
  }>;
  /** The files to download: the cohort's instances plus the annotation and metadata files of their versions, in path order, a page at a time. */
  cohortFiles(id: string, after: DownloadFile | null, limit: number): Promise<DownloadFile[]>;
  /** The bytes of every file cohortFiles lists. */
  cohortBytes(id: string): Promise<number>;
  /** The cohort's first file (in cohortFiles order) with these bytes, if any. */
  cohortFile(id: string, sha256: string): Promise<DownloadFile | undefined>;
}

export interface AccessRepository {
  acceptedAgreement(datasetId: string, userId: string): Promise<boolean>;
  acceptAgreement(datasetId: string, userId: string, agreementSha256: string): Promise<void>;
  approvedRequest(datasetId: string, userId: string): Promise<boolean>;
  createRequest(input: { datasetId: string; userId: string; purpose: string }): Promise<AccessRequest>;
  findRequest(id: string): Promise<AccessRequest | undefined>;
  listRequests(filter: { organizationIds?: string[]; userId?: string; state?: AccessRequest['state'] }): Promise<AccessRequest[]>;
  decide(id: string, decision: { state: 'approved' | 'denied'; reason: string; decidedBy: string }): Promise<AccessRequest | undefined>;
}

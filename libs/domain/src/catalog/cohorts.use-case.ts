import { Readable } from 'node:stream';
import { CatalogErrorCode, DomainError } from '@imagora/core';
import { AuditLog } from '../access/access.ports';
import { Principal } from '../access/access.types';
import { ObjectStoragePort } from '../shared/object-storage.port';
import { sharedObjectKey } from '../submissions/process-submission.use-case';
import { DatasetRepository } from '../submissions/submission.ports';
import { CatalogRepository } from './catalog.ports';
import { CatalogQuery, Cohort, DownloadFile } from './catalog.types';
import { DatasetAccessUseCase } from './dataset-access.use-case';
import { diversityCard } from './diversity-card';
import { assertCatalogQuery } from './search-catalog.use-case';

export interface DownloadSettings {
  presignExpirySeconds: number;
  /** Largest cohort (bytes) served as one streamed ZIP; bigger ones go through the manifest. */
  zipMaxBytes: number;
  hubUrl: string;
}

export interface DownloadEntry extends DownloadFile {
  url: string;
}

const PAGE = 1000;

/** Frozen cohorts and their reproducible downloads. The same cohort id gives the same files after later releases. */
export class CohortsUseCase {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly datasets: DatasetRepository,
    private readonly access: DatasetAccessUseCase,
    private readonly storage: ObjectStoragePort,
    private readonly audit: AuditLog,
    private readonly settings: DownloadSettings,
  ) {}

  async create(owner: Principal, input: { name: string; description?: string; query: CatalogQuery }): Promise<Cohort> {
    assertCatalogQuery(input.query);
    const name = input.name.trim();
    if (!name || name.length > 200) throw new DomainError(CatalogErrorCode.INVALID_QUERY, 'a cohort needs a name of 1 to 200 characters');
    const id = await this.catalog.createCohort({ ownerId: owner.userId, name, description: input.description?.trim() ?? '', query: input.query });
    const cohort = await this.get(owner, id);
    if (cohort.instances === 0) {
      await this.catalog.deleteCohort(id, owner.userId);
      throw new DomainError(CatalogErrorCode.COHORT_EMPTY, 'no released instance matches this query');
    }
    await this.audit.append({ actorUserId: owner.userId, action: 'cohort.create', targetType: 'cohort', targetId: id, details: { instances: cohort.instances } });
    return cohort;
  }

  async list(owner: Principal) {
    return this.catalog.listCohorts(owner.userId);
  }

  async get(owner: Principal, id: string): Promise<Cohort> {
    const cohort = await this.own(owner, id);
    const breakdown = await this.catalog.cohortBreakdown(id);
    const datasets = breakdown.datasets.map((d) => ({ dataset: d.dataset, version: d.version, policy: d.policy, instances: d.instances }));
    const created = cohort.createdAt.toISOString().slice(0, 10);
    const sources = breakdown.datasets.map((d) => `${d.title} (${d.dataset} v${d.version})`).join('; ');
    const citation = `${cohort.name} [cohort ${cohort.id}], ${cohort.instances} instances from ${sources}. Imagora, ${this.settings.hubUrl}/api/v1/cohorts/${cohort.id}, frozen ${created}.`;
    return { ...cohort, studies: breakdown.studies, series: breakdown.series, datasets, citation, diversity: diversityCard(cohort.instances, breakdown.spread) };
  }

  private async own(owner: Principal, id: string) {
    const cohort = await this.catalog.findCohort(id);
    if (!cohort || cohort.ownerId !== owner.userId) throw new DomainError(CatalogErrorCode.COHORT_NOT_FOUND, `no cohort ${id} of yours`);
    return cohort;
  }

  async delete(owner: Principal, id: string): Promise<void> {
    if (!(await this.catalog.deleteCohort(id, owner.userId))) throw new DomainError(CatalogErrorCode.COHORT_NOT_FOUND, `no cohort ${id} of yours`);
    await this.audit.append({ actorUserId: owner.userId, action: 'cohort.delete', targetType: 'cohort', targetId: id });
  }

  /** Which of the cohort's datasets the caller may not download yet, and how to get access. */
  async blockedDatasets(owner: Principal, id: string): Promise<Array<{ dataset: string; policy: string; how: string }>> {
    // Runs before every manifest and every proxied file: the cohort's datasets only, not its whole breakdown.
    await this.own(owner, id);
    const blocked: Array<{ dataset: string; policy: string; how: string }> = [];
    for (const entry of await this.catalog.cohortDatasets(id)) {
      const dataset = await this.datasets.findById(entry.datasetId);
      if (!dataset) continue;
      const decision = await this.access.decide(owner, dataset);
      if (!decision.allowed) blocked.push({ dataset: entry.dataset, policy: decision.policy, how: decision.how ?? '' });
    }
    return blocked;
  }

  /** The download manifest, a page of files at a time (presigned URLs into the shared bucket). Audited once per call. */
  async *manifest(owner: Principal, id: string, context: { remoteAddress?: string; format: string }): AsyncGenerator<DownloadEntry> {
    await this.requireAccess(owner, id);
    await this.audit.append({ actorUserId: owner.userId, action: 'download.manifest', targetType: 'cohort', targetId: id, details: { format: context.format }, remoteAddress: context.remoteAddress });
    for await (const file of this.files(id)) {
      const url = await this.storage.presignGet(this.storage.buckets.shared, sharedObjectKey(file.sha256), this.settings.presignExpirySeconds, file.path.split('/').pop());
      yield { ...file, url };
    }
  }

  /** One file of the cohort streamed through the hub (HTTP Range supported), for clients that cannot reach the bucket. */
  async openFile(owner: Principal, id: string, sha256: string, range: { start: number; end?: number } | undefined, remoteAddress?: string) {
    await this.requireAccess(owner, id);
    // One indexed lookup: a scan of the cohort per file made a whole download through the hub quadratic.
    const file = await this.catalog.cohortFile(id, sha256);
    if (!file) throw new DomainError(CatalogErrorCode.FILE_NOT_IN_COHORT, `cohort ${id} has no file with sha256 ${sha256}`);
    const end = range ? Math.min(range.end ?? file.size - 1, file.size - 1) : file.size - 1;
    if (range && (range.start >= file.size || range.start > end)) {
      throw new DomainError(CatalogErrorCode.RANGE_NOT_SATISFIABLE, `range starts beyond the ${file.size}-byte file`, { size: file.size });
    }
    await this.audit.append({
      actorUserId: owner.userId,
      action: 'download.file',
      targetType: 'cohort',
      targetId: id,
      details: { sha256, path: file.path, range: range ? `${range.start}-${end}` : null },
      remoteAddress,
    });
    const body = await this.storage.getRangeStream(this.storage.buckets.shared, sharedObjectKey(sha256), range ? range.start : 0, end);
    return { file, body, start: range ? range.start : 0, end };
  }

  /** Every file of a small cohort, for a streamed ZIP. */
  async *zipEntries(owner: Principal, id: string, remoteAddress?: string): AsyncGenerator<{ file: DownloadFile; open: () => Promise<Readable> }> {
    await this.requireAccess(owner, id);
    const bytes = await this.catalog.cohortBytes(id);
    if (bytes > this.settings.zipMaxBytes) {
      throw new DomainError(CatalogErrorCode.TOO_LARGE_FOR_ZIP, `the cohort holds ${bytes} bytes; a ZIP is offered up to ${this.settings.zipMaxBytes}: use the manifest (imagora download)`);
    }
    await this.audit.append({ actorUserId: owner.userId, action: 'download.zip', targetType: 'cohort', targetId: id, details: { bytes }, remoteAddress });
    for await (const file of this.files(id)) {
      yield { file, open: () => this.storage.getStream(this.storage.buckets.shared, sharedObjectKey(file.sha256)) };
    }
  }

  private async requireAccess(owner: Principal, id: string): Promise<void> {
    const blocked = await this.blockedDatasets(owner, id);
    if (blocked.length) {
      throw new DomainError(CatalogErrorCode.ACCESS_REQUIRED, `you may not download ${blocked.map((b) => b.dataset).join(', ')} yet`, { datasets: blocked });
    }
  }

  private async *files(id: string): AsyncGenerator<DownloadFile> {
    let after: DownloadFile | null = null;
    for (;;) {
      const page = await this.catalog.cohortFiles(id, after, PAGE);
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1];
    }
  }
}

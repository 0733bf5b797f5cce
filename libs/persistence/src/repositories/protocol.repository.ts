import { DataSource, EntityManager, In } from 'typeorm';
import { NewProtocolVersion, Protocol, ProtocolRepository, ProtocolReview, ProtocolSummary, ProtocolVersion, ProtocolVersionStatus } from '@imagora/domain';
import { ProtocolEntity, ProtocolReviewEntity, ProtocolVersionEntity } from '../entities';
import { isUniqueViolation } from './postgres-errors';

export class TypeormProtocolRepository implements ProtocolRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly manager: EntityManager = dataSource.manager,
  ) {}

  async createProtocol(input: { name: string; title: string; organizationId: string }): Promise<Protocol | undefined> {
    const repository = this.manager.getRepository(ProtocolEntity);
    try {
      const saved = await repository.save(repository.create(input));
      return this.findProtocol(saved.name);
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async findProtocol(name: string): Promise<Protocol | undefined> {
    const row = await this.manager.getRepository(ProtocolEntity).findOne({ where: { name }, relations: { organization: true } });
    return row ? toProtocol(row) : undefined;
  }

  async listProtocols(): Promise<ProtocolSummary[]> {
    const rows = await this.manager.getRepository(ProtocolEntity).find({ relations: { organization: true }, order: { name: 'ASC' } });
    const versions = rows.length
      ? await this.manager.getRepository(ProtocolVersionEntity).find({ where: { protocolId: In(rows.map((r) => r.id)) }, select: { protocolId: true, version: true, status: true } })
      : [];
    return rows.map((row) => ({
      ...toProtocol(row),
      latestVersion: null,
      latestStatus: null,
      versions: versions.filter((v) => v.protocolId === row.id).map((v) => ({ version: v.version, status: v.status as ProtocolVersionStatus })),
    }));
  }

  async listVersions(protocolId: string): Promise<ProtocolVersion[]> {
    const rows = await this.manager.getRepository(ProtocolVersionEntity).find({ where: { protocolId }, relations: { protocol: true } });
    return rows.map(toVersion);
  }

  async findVersion(protocolId: string, version: string): Promise<ProtocolVersion | undefined> {
    const row = await this.manager.getRepository(ProtocolVersionEntity).findOne({ where: { protocolId, version }, relations: { protocol: true } });
    return row ? toVersion(row) : undefined;
  }

  async createVersion(input: NewProtocolVersion): Promise<ProtocolVersion> {
    const repository = this.manager.getRepository(ProtocolVersionEntity);
    await repository.insert({ ...input, status: 'draft', editors: input.createdBy ? [input.createdBy] : [] });
    return (await this.findVersion(input.protocolId, input.version))!;
  }

  async updateDraft(versionId: string, change: { documentText: string; sha256: string; editor: string }, allowed: ProtocolVersionStatus[]): Promise<ProtocolVersion | undefined> {
    const result = await this.manager
      .createQueryBuilder()
      .update(ProtocolVersionEntity)
      .set({
        documentText: change.documentText,
        sha256: change.sha256,
        // An edited draft goes back to draft: approvals were for the old content.
        status: 'draft',
        editors: () => `(select array_agg(distinct e) from unnest(array_append(editors, :editor::uuid)) as e)`,
      })
      .setParameter('editor', change.editor)
      .where('id = :id and status in (:...allowed)', { id: versionId, allowed })
      .execute();
    return (result.affected ?? 0) > 0 ? this.versionById(versionId) : undefined;
  }

  async transition(
    versionId: string,
    from: ProtocolVersionStatus[],
    to: ProtocolVersionStatus,
    fields: Partial<Pick<ProtocolVersion, 'submittedAt' | 'publishedAt' | 'publishedBy' | 'deprecatedAt' | 'deprecationReason' | 'replacement' | 'signature'>> = {},
  ): Promise<ProtocolVersion | undefined> {
    const result = await this.manager
      .createQueryBuilder()
      .update(ProtocolVersionEntity)
      .set({ status: to, ...fields })
      .where('id = :id and status in (:...from)', { id: versionId, from })
      .execute();
    return (result.affected ?? 0) > 0 ? this.versionById(versionId) : undefined;
  }

  async deleteDraft(versionId: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .delete()
      .from(ProtocolVersionEntity)
      .where('id = :id and status in (:...drafts)', { id: versionId, drafts: ['draft', 'in-review'] })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async addReview(review: Omit<ProtocolReview, 'id' | 'createdAt' | 'reviewerUsername'>): Promise<ProtocolReview> {
    const repository = this.manager.getRepository(ProtocolReviewEntity);
    const saved = await repository.save(repository.create(review));
    return (await this.listReviews(review.versionId)).find((r) => r.id === saved.id)!;
  }

  async listReviews(versionId: string): Promise<ProtocolReview[]> {
    const rows = await this.manager.getRepository(ProtocolReviewEntity).find({ where: { versionId }, relations: { reviewer: true }, order: { createdAt: 'ASC' } });
    return rows.map((row) => ({
      id: row.id,
      versionId: row.versionId,
      reviewerId: row.reviewerId,
      reviewerUsername: row.reviewer!.username,
      decision: row.decision as ProtocolReview['decision'],
      comment: row.comment,
      sha256: row.sha256,
      createdAt: row.createdAt,
    }));
  }

  async withProtocolLock<T>(protocolId: string, work: (repository: ProtocolRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ProtocolEntity).createQueryBuilder('p').setLock('pessimistic_write').where('p.id = :protocolId', { protocolId }).getOne();
      return work(new TypeormProtocolRepository(this.dataSource, manager));
    });
  }

  private async versionById(id: string): Promise<ProtocolVersion | undefined> {
    const row = await this.manager.getRepository(ProtocolVersionEntity).findOne({ where: { id }, relations: { protocol: true } });
    return row ? toVersion(row) : undefined;
  }
}

function toProtocol(row: ProtocolEntity): Protocol {
  return { id: row.id, name: row.name, title: row.title, organizationId: row.organizationId, organizationSlug: row.organization!.slug, createdAt: row.createdAt };
}

function toVersion(row: ProtocolVersionEntity): ProtocolVersion {
  return {
    id: row.id,
    protocolId: row.protocolId,
    name: row.protocol!.name,
    version: row.version,
    status: row.status as ProtocolVersionStatus,
    documentText: row.documentText,
    sha256: row.sha256,
    createdBy: row.createdBy,
    editors: row.editors ?? [],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    submittedAt: row.submittedAt,
    publishedAt: row.publishedAt,
    publishedBy: row.publishedBy,
    deprecatedAt: row.deprecatedAt,
    deprecationReason: row.deprecationReason,
    replacement: row.replacement,
    signature: row.signature,
  };
}

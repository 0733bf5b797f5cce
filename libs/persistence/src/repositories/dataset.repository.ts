import { DataSource, In } from 'typeorm';
import { AccessPolicy, Dataset, DatasetRepository, DatasetVersion } from '@imagora/domain';
import { DatasetEntity, DatasetVersionEntity } from '../entities';
import { isUniqueViolation } from './postgres-errors';

export class TypeormDatasetRepository implements DatasetRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: Parameters<DatasetRepository['create']>[0]): Promise<Dataset | undefined> {
    const repository = this.dataSource.getRepository(DatasetEntity);
    try {
      const saved = await repository.save(repository.create(input));
      return this.findById(saved.id);
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async find(organizationSlug: string, slug: string): Promise<Dataset | undefined> {
    const row = await this.dataSource.getRepository(DatasetEntity).findOne({ where: { slug, organization: { slug: organizationSlug } }, relations: { organization: true } });
    return row ? toDataset(row) : undefined;
  }

  async findById(id: string): Promise<Dataset | undefined> {
    const row = await this.dataSource.getRepository(DatasetEntity).findOne({ where: { id }, relations: { organization: true } });
    return row ? toDataset(row) : undefined;
  }

  async list(filter: { organizationIds?: string[] }): Promise<Dataset[]> {
    const rows = await this.dataSource.getRepository(DatasetEntity).find({
      where: filter.organizationIds ? { organizationId: In(filter.organizationIds) } : {},
      relations: { organization: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map(toDataset);
  }

  async versions(datasetId: string): Promise<DatasetVersion[]> {
    const rows = await this.dataSource.getRepository(DatasetVersionEntity).find({ where: { datasetId }, order: { number: 'ASC' } });
    return rows.map(toDatasetVersion);
  }
}

export function toDatasetVersion(row: DatasetVersionEntity): DatasetVersion {
  return {
    id: row.id,
    datasetId: row.datasetId,
    number: row.number,
    protocol: row.protocol,
    manifestSha256: row.manifestSha256,
    manifestKey: row.manifestKey,
    files: row.files,
    bytes: Number(row.bytes),
    releasedAt: row.releasedAt,
    submissionId: row.submissionId,
  };
}

function toDataset(row: DatasetEntity): Dataset {
  return {
    id: row.id,
    organizationId: row.organizationId,
    organizationSlug: row.organization!.slug,
    slug: row.slug,
    title: row.title,
    description: row.description,
    license: row.license,
    accessPolicy: row.accessPolicy as AccessPolicy,
    dataUseAgreement: row.dataUseAgreement,
    createdAt: row.createdAt,
  };
}

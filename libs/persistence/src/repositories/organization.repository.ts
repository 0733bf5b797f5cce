import { DataSource, Repository } from 'typeorm';
import { Organization, OrganizationRepository } from '@imagora/domain';
import { OrganizationEntity } from '../entities';
import { isUniqueViolation } from './postgres-errors';

export class TypeormOrganizationRepository implements OrganizationRepository {
  private readonly repository: Repository<OrganizationEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(OrganizationEntity);
  }

  async create(input: { slug: string; name: string; isRoot?: boolean }): Promise<Organization | undefined> {
    try {
      return toOrganization(await this.repository.save(this.repository.create({ slug: input.slug, name: input.name, isRoot: input.isRoot ?? false })));
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async findBySlug(slug: string): Promise<Organization | undefined> {
    const row = await this.repository.findOneBy({ slug });
    return row ? toOrganization(row) : undefined;
  }

  async findRoot(): Promise<Organization | undefined> {
    const row = await this.repository.findOneBy({ isRoot: true });
    return row ? toOrganization(row) : undefined;
  }

  async list(): Promise<Organization[]> {
    return (await this.repository.find({ order: { slug: 'ASC' } })).map(toOrganization);
  }
}

function toOrganization(row: OrganizationEntity): Organization {
  return { id: row.id, slug: row.slug, name: row.name, isRoot: row.isRoot, createdAt: row.createdAt };
}

import { DataSource, Repository } from 'typeorm';
import { Membership, MembershipRepository, OrganizationMember } from '@imagora/domain';
import { Role } from '@imagora/core';
import { MembershipEntity } from '../entities';

export class TypeormMembershipRepository implements MembershipRepository {
  private readonly repository: Repository<MembershipEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(MembershipEntity);
  }

  async grant(userId: string, organizationId: string, role: Role): Promise<void> {
    await this.repository.createQueryBuilder().insert().values({ userId, organizationId, role }).orIgnore().execute();
  }

  async revoke(userId: string, organizationId: string, role: Role): Promise<boolean> {
    const result = await this.repository.delete({ userId, organizationId, role });
    return (result.affected ?? 0) > 0;
  }

  async listForUser(userId: string): Promise<Membership[]> {
    const rows = await this.repository.find({ where: { userId }, relations: { organization: true }, order: { role: 'ASC' } });
    return rows.map((row) => ({ organizationId: row.organizationId, organizationSlug: row.organization!.slug, role: row.role as Role }));
  }

  async listForOrganization(organizationId: string): Promise<OrganizationMember[]> {
    const rows = await this.repository.find({ where: { organizationId }, relations: { user: true } });
    return rows
      .map((row) => ({ userId: row.userId, username: row.user!.username, displayName: row.user!.displayName, role: row.role as Role }))
      .sort((a, b) => a.username.localeCompare(b.username) || a.role.localeCompare(b.role));
  }

  countWithRole(organizationId: string, role: Role): Promise<number> {
    return this.repository.countBy({ organizationId, role });
  }
}

import { AccessErrorCode, DomainError, isRole, Role } from '@imagora/core';
import { AuditLog, MembershipRepository, OrganizationRepository, UserRepository } from './access.ports';
import { assertSlug, requireHubAdmin, requireOrganizationAdmin } from './access-policy';
import { Organization, OrganizationMember, Principal } from './access.types';

export class ManageOrganizationsUseCase {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly audit: AuditLog,
  ) {}

  async create(actor: Principal, input: { slug: string; name: string }): Promise<Organization> {
    requireHubAdmin(actor);
    assertSlug(input.slug);
    const created = await this.organizations.create({ slug: input.slug, name: input.name.trim() || input.slug });
    if (!created) throw new DomainError(AccessErrorCode.ORGANIZATION_EXISTS, `organization "${input.slug}" already exists`);
    await this.audit.append({ actorUserId: actor.userId, action: 'organization.create', targetType: 'organization', targetId: created.id, details: { slug: created.slug } });
    return created;
  }

  list(): Promise<Organization[]> {
    return this.organizations.list();
  }

  async members(actor: Principal, organizationSlug: string): Promise<OrganizationMember[]> {
    const organization = await this.organization(organizationSlug);
    if (!actor.isHubAdmin && !actor.memberships.some((m) => m.organizationId === organization.id)) {
      requireOrganizationAdmin(actor, organizationSlug);
    }
    return this.memberships.listForOrganization(organization.id);
  }

  async grant(actor: Principal, input: { organizationSlug: string; username: string; role: string }): Promise<OrganizationMember[]> {
    requireOrganizationAdmin(actor, input.organizationSlug);
    const role = this.role(input.role);
    const organization = await this.organization(input.organizationSlug);
    const user = await this.user(input.username);
    await this.memberships.grant(user.id, organization.id, role);
    await this.audit.append({ actorUserId: actor.userId, action: 'membership.grant', targetType: 'user', targetId: user.id, details: { organization: organization.slug, role } });
    return this.memberships.listForOrganization(organization.id);
  }

  async revoke(actor: Principal, input: { organizationSlug: string; username: string; role: string }): Promise<void> {
    requireOrganizationAdmin(actor, input.organizationSlug);
    const role = this.role(input.role);
    const organization = await this.organization(input.organizationSlug);
    const user = await this.user(input.username);
    // A hub whose root organization loses its last admin can no longer be administered.
    if (role === Role.Admin && organization.isRoot && (await this.memberships.countWithRole(organization.id, Role.Admin)) <= 1) {
      throw new DomainError(AccessErrorCode.LAST_ADMIN, 'the root organization must keep at least one admin');
    }
    const removed = await this.memberships.revoke(user.id, organization.id, role);
    if (!removed) throw new DomainError(AccessErrorCode.MEMBERSHIP_NOT_FOUND, `${user.username} has no role ${role} in ${organization.slug}`);
    await this.audit.append({ actorUserId: actor.userId, action: 'membership.revoke', targetType: 'user', targetId: user.id, details: { organization: organization.slug, role } });
  }

  private role(value: string): Role {
    if (!isRole(value)) throw new DomainError(AccessErrorCode.INVALID_ROLE, `unknown role "${value}"`, { roles: Object.values(Role) });
    return value;
  }

  private async organization(slug: string): Promise<Organization> {
    const organization = await this.organizations.findBySlug(slug);
    if (!organization) throw new DomainError(AccessErrorCode.ORGANIZATION_NOT_FOUND, `no organization "${slug}"`);
    return organization;
  }

  private async user(username: string) {
    const user = await this.users.findByUsername(username);
    if (!user) throw new DomainError(AccessErrorCode.USER_NOT_FOUND, `no user "${username}"`);
    return user;
  }
}

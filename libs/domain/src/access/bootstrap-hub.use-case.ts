import { Role } from '@imagora/core';
import { AuditLog, MembershipRepository, OrganizationRepository, PasswordHasher, UserRepository } from './access.ports';

export const ROOT_ORGANIZATION_SLUG = 'default';
export const FIRST_ADMIN_USERNAME = 'admin';

export interface BootstrapResult {
  /** True only on the very first start, when the root organization and admin were created. */
  created: boolean;
  adminUsername: string;
  /** The admin password when this start generated it: shown once, never stored in clear. */
  generatedPassword?: string;
}

/** First start: the root organization `default` and its first admin. Later starts change nothing. */
export class BootstrapHubUseCase {
  constructor(
    private readonly organizations: OrganizationRepository,
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly generatePassword: () => string,
  ) {}

  async execute(input: { adminPassword?: string }): Promise<BootstrapResult> {
    // Idempotent: a start killed halfway through bootstrap is completed by the next one.
    const existingRoot = await this.organizations.findRoot();
    if (existingRoot && (await this.memberships.countWithRole(existingRoot.id, Role.Admin)) > 0) {
      return { created: false, adminUsername: FIRST_ADMIN_USERNAME };
    }
    const generatedPassword = input.adminPassword === undefined ? this.generatePassword() : undefined;
    const password = input.adminPassword ?? generatedPassword!;
    const root =
      (await this.organizations.create({ slug: ROOT_ORGANIZATION_SLUG, name: 'Default organization', isRoot: true })) ??
      (await this.organizations.findRoot());
    if (!root) throw new Error('root organization could not be created');
    const admin =
      (await this.users.create({ username: FIRST_ADMIN_USERNAME, displayName: 'Administrator', passwordHash: await this.hasher.hash(password) })) ??
      (await this.users.findByUsername(FIRST_ADMIN_USERNAME));
    if (!admin) throw new Error('first admin could not be created');
    await this.memberships.grant(admin.id, root.id, Role.Admin);
    await this.audit.append({ actorUserId: null, action: 'hub.bootstrap', targetType: 'organization', targetId: root.id });
    return { created: true, adminUsername: FIRST_ADMIN_USERNAME, generatedPassword };
  }
}

import { AccessTokenIssuer, ApiKeyRepository, ApiKeySecrets, MembershipRepository, OrganizationRepository, UserRepository } from './access.ports';
import { Principal } from './access.types';
import { Role } from '@imagora/core';

/** Turns a presented bearer credential (JWT or API key) into the caller's current principal. */
export class AuthenticateUseCase {
  constructor(
    private readonly tokens: AccessTokenIssuer,
    private readonly apiKeySecrets: ApiKeySecrets,
    private readonly apiKeys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly memberships: MembershipRepository,
    private readonly organizations: OrganizationRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(credential: string): Promise<Principal | undefined> {
    const apiKey = this.apiKeySecrets.parse(credential);
    if (apiKey) return this.fromApiKey(apiKey.id, apiKey.secret);
    const userId = await this.tokens.verify(credential);
    return userId === undefined ? undefined : this.principalFor(userId, 'token');
  }

  private async fromApiKey(id: string, secret: string): Promise<Principal | undefined> {
    const key = await this.apiKeys.findById(id);
    if (!key || !this.apiKeySecrets.matches(secret, key.secretHash)) return undefined;
    const now = this.now();
    if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return undefined;
    const principal = await this.principalFor(key.userId, 'api-key');
    if (principal) {
      principal.apiKeyId = key.id;
      await this.apiKeys.markUsed(key.id, now);
    }
    return principal;
  }

  private async principalFor(userId: string, authenticatedBy: Principal['authenticatedBy']): Promise<Principal | undefined> {
    const user = await this.users.findById(userId);
    if (!user || user.disabled) return undefined;
    const [memberships, root] = await Promise.all([this.memberships.listForUser(user.id), this.organizations.findRoot()]);
    return {
      userId: user.id,
      username: user.username,
      memberships,
      authenticatedBy,
      isHubAdmin: root !== undefined && memberships.some((m) => m.organizationId === root.id && m.role === Role.Admin),
    };
  }
}

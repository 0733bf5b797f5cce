import { AccessErrorCode, DomainError } from '@imagora/core';
import { ApiKeyRepository, ApiKeySecrets, AuditLog } from './access.ports';
import { ApiKey, Principal } from './access.types';

const MAX_API_KEY_DAYS = 3650;

/** API keys belong to their owner: only the owner creates, lists and revokes them. */
export class ManageApiKeysUseCase {
  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly secrets: ApiKeySecrets,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(owner: Principal, input: { name: string; expiresInDays?: number }): Promise<{ apiKey: ApiKey; plaintext: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new DomainError(AccessErrorCode.INVALID_NAME, 'an API key needs a name of 1 to 100 characters');
    if (input.expiresInDays !== undefined && (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_API_KEY_DAYS)) {
      throw new DomainError(AccessErrorCode.INVALID_EXPIRY, `expiresInDays must be a whole number from 1 to ${MAX_API_KEY_DAYS}`);
    }
    const generated = this.secrets.generate();
    const expiresAt = input.expiresInDays === undefined ? null : new Date(this.now().getTime() + input.expiresInDays * 86_400_000);
    const apiKey = await this.apiKeys.create({ id: generated.id, userId: owner.userId, name, secretHash: generated.secretHash, expiresAt });
    await this.audit.append({ actorUserId: owner.userId, action: 'api-key.create', targetType: 'api-key', targetId: apiKey.id });
    return { apiKey, plaintext: generated.plaintext };
  }

  list(owner: Principal): Promise<ApiKey[]> {
    return this.apiKeys.listForUser(owner.userId);
  }

  async revoke(owner: Principal, id: string): Promise<void> {
    if (!(await this.apiKeys.revoke(id, owner.userId))) {
      throw new DomainError(AccessErrorCode.API_KEY_NOT_FOUND, `you have no active API key ${id}`);
    }
    await this.audit.append({ actorUserId: owner.userId, action: 'api-key.revoke', targetType: 'api-key', targetId: id });
  }
}

import { DataSource, IsNull, Repository } from 'typeorm';
import { ApiKey, ApiKeyRepository, ApiKeyWithSecretHash } from '@imagora/domain';
import { ApiKeyEntity } from '../entities';

export class TypeormApiKeyRepository implements ApiKeyRepository {
  private readonly repository: Repository<ApiKeyEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(ApiKeyEntity);
  }

  async create(input: { id: string; userId: string; name: string; secretHash: string; expiresAt: Date | null }): Promise<ApiKey> {
    return toApiKey(await this.repository.save(this.repository.create({ ...input, lastUsedAt: null, revokedAt: null })));
  }

  async findById(id: string): Promise<ApiKeyWithSecretHash | undefined> {
    const row = await this.repository.findOneBy({ id });
    return row ? { ...toApiKey(row), secretHash: row.secretHash } : undefined;
  }

  async listForUser(userId: string): Promise<ApiKey[]> {
    return (await this.repository.find({ where: { userId }, order: { createdAt: 'DESC' } })).map(toApiKey);
  }

  async revoke(id: string, userId: string): Promise<boolean> {
    const result = await this.repository.update({ id, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.repository.update({ id }, { lastUsedAt: at });
  }
}

function toApiKey(row: ApiKeyEntity): ApiKey {
  return { id: row.id, userId: row.userId, name: row.name, createdAt: row.createdAt, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

import { DataSource, Repository } from 'typeorm';
import { User, UserRepository, UserWithPasswordHash } from '@imagora/domain';
import { UserEntity } from '../entities';
import { isUniqueViolation } from './postgres-errors';

export class TypeormUserRepository implements UserRepository {
  private readonly repository: Repository<UserEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(UserEntity);
  }

  async create(input: { username: string; displayName: string; passwordHash: string }): Promise<User | undefined> {
    try {
      return toUser(await this.repository.save(this.repository.create(input)));
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async findByUsername(username: string): Promise<UserWithPasswordHash | undefined> {
    const row = await this.repository.findOneBy({ username });
    return row ? { ...toUser(row), passwordHash: row.passwordHash } : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    // Not a uuid: no such user (and no SQL error for a crafted token subject).
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    const row = await this.repository.findOneBy({ id });
    return row ? toUser(row) : undefined;
  }

  async list(): Promise<User[]> {
    return (await this.repository.find({ order: { username: 'ASC' } })).map(toUser);
  }

  count(): Promise<number> {
    return this.repository.count();
  }
}

function toUser(row: UserEntity): User {
  return { id: row.id, username: row.username, displayName: row.displayName, disabled: row.disabled, createdAt: row.createdAt };
}

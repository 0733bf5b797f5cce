import { AccessErrorCode, DomainError } from '@imagora/core';
import { AuditLog, PasswordHasher, UserRepository } from './access.ports';
import { assertPassword, assertUsername, requireHubAdmin } from './access-policy';
import { Principal, User } from './access.types';

export class ManageUsersUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  async create(actor: Principal, input: { username: string; password: string; displayName?: string }): Promise<User> {
    requireHubAdmin(actor);
    assertUsername(input.username);
    assertPassword(input.password);
    const created = await this.users.create({
      username: input.username,
      displayName: input.displayName?.trim() || input.username,
      passwordHash: await this.hasher.hash(input.password),
    });
    if (!created) throw new DomainError(AccessErrorCode.USER_EXISTS, `user "${input.username}" already exists`);
    await this.audit.append({ actorUserId: actor.userId, action: 'user.create', targetType: 'user', targetId: created.id, details: { username: created.username } });
    return created;
  }

  async list(actor: Principal): Promise<User[]> {
    requireHubAdmin(actor);
    return this.users.list();
  }
}

import { AuthErrorCode, DomainError } from '@imagora/core';
import { AccessTokenIssuer, AuditLog, PasswordHasher, UserRepository } from './access.ports';

export class LoginUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenIssuer,
    private readonly audit: AuditLog,
  ) {}

  async execute(input: { username: string; password: string; remoteAddress?: string }): Promise<{ token: string; expiresInSeconds: number }> {
    const user = await this.users.findByUsername(input.username);
    // Verify against a throwaway hash when the user is unknown, so timing does not reveal which usernames exist.
    const ok = await this.hasher.verify(input.password, user?.passwordHash ?? (await this.dummyHash()));
    if (!user || !ok || user.disabled) {
      await this.audit.append({ actorUserId: user?.id ?? null, action: 'auth.login-failed', targetType: 'user', targetId: input.username, remoteAddress: input.remoteAddress });
      throw new DomainError(AuthErrorCode.INVALID_CREDENTIALS, 'unknown username or wrong password');
    }
    await this.audit.append({ actorUserId: user.id, action: 'auth.login', targetType: 'user', targetId: user.id, remoteAddress: input.remoteAddress });
    return this.tokens.issue({ userId: user.id, username: user.username });
  }

  private dummy: Promise<string> | undefined;
  private dummyHash(): Promise<string> {
    this.dummy ??= this.hasher.hash('not-a-real-password-for-timing');
    return this.dummy;
  }
}

import { randomBytes } from 'node:crypto';
import {
  AuthenticateUseCase,
  BootstrapHubUseCase,
  LoginUseCase,
  ManageApiKeysUseCase,
  ManageOrganizationsUseCase,
  ManageUsersUseCase,
} from '@imagora/domain';
import {
  DataSource,
  TypeormApiKeyRepository,
  TypeormAuditLog,
  TypeormMembershipRepository,
  TypeormOrganizationRepository,
  TypeormUserRepository,
} from '@imagora/persistence';
import { JwtTokenIssuer, RandomApiKeySecrets, ScryptPasswordHasher, SigningKey } from '@imagora/auth';

export interface AccessUseCases {
  authenticate: AuthenticateUseCase;
  login: LoginUseCase;
  organizations: ManageOrganizationsUseCase;
  users: ManageUsersUseCase;
  apiKeys: ManageApiKeysUseCase;
  bootstrap: BootstrapHubUseCase;
  auditLog: TypeormAuditLog;
}

/** The composition root of the access feature: real adapters plugged into the domain's ports. */
export function composeAccessUseCases(dataSource: DataSource, signingKey: SigningKey, issuer: string, tokenTtlSeconds: number): AccessUseCases {
  const organizations = new TypeormOrganizationRepository(dataSource);
  const users = new TypeormUserRepository(dataSource);
  const memberships = new TypeormMembershipRepository(dataSource);
  const apiKeys = new TypeormApiKeyRepository(dataSource);
  const auditLog = new TypeormAuditLog(dataSource);
  const hasher = new ScryptPasswordHasher();
  const tokens = new JwtTokenIssuer(signingKey, issuer, tokenTtlSeconds);
  const apiKeySecrets = new RandomApiKeySecrets();
  return {
    authenticate: new AuthenticateUseCase(tokens, apiKeySecrets, apiKeys, users, memberships, organizations),
    login: new LoginUseCase(users, hasher, tokens, auditLog),
    organizations: new ManageOrganizationsUseCase(organizations, users, memberships, auditLog),
    users: new ManageUsersUseCase(users, hasher, auditLog),
    apiKeys: new ManageApiKeysUseCase(apiKeys, apiKeySecrets, auditLog),
    bootstrap: new BootstrapHubUseCase(organizations, users, memberships, hasher, auditLog, () => randomBytes(18).toString('base64url')),
    auditLog,
  };
}

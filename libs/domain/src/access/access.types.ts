import { Role } from '@imagora/core';

export interface Organization {
  id: string;
  slug: string;
  name: string;
  isRoot: boolean;
  createdAt: Date;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  createdAt: Date;
}

export interface UserWithPasswordHash extends User {
  passwordHash: string;
}

export interface Membership {
  organizationId: string;
  organizationSlug: string;
  role: Role;
}

export interface OrganizationMember {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeyWithSecretHash extends ApiKey {
  secretHash: string;
}

/** Who is calling: resolved on every request from the token or API key and the current memberships. */
export interface Principal {
  userId: string;
  username: string;
  memberships: Membership[];
  authenticatedBy: 'token' | 'api-key';
  apiKeyId?: string;
  /** Admin of the hub's root organization: may manage organizations and users. */
  isHubAdmin: boolean;
}

export interface AuditEvent {
  actorUserId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  remoteAddress?: string;
}

export interface AuditRecord extends AuditEvent {
  sequence: string;
  occurredAt: Date;
  previousHash: string;
  hash: string;
}

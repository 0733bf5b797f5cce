import { Role } from '@imagora/core';
import {
  ApiKey,
  ApiKeyWithSecretHash,
  AuditEvent,
  AuditRecord,
  Membership,
  Organization,
  OrganizationMember,
  User,
  UserWithPasswordHash,
} from './access.types';

export interface OrganizationRepository {
  /** Returns undefined when the slug is taken. */
  create(input: { slug: string; name: string; isRoot?: boolean }): Promise<Organization | undefined>;
  findBySlug(slug: string): Promise<Organization | undefined>;
  findRoot(): Promise<Organization | undefined>;
  list(): Promise<Organization[]>;
}

export interface UserRepository {
  /** Returns undefined when the username is taken. */
  create(input: { username: string; displayName: string; passwordHash: string }): Promise<User | undefined>;
  findByUsername(username: string): Promise<UserWithPasswordHash | undefined>;
  findById(id: string): Promise<User | undefined>;
  list(): Promise<User[]>;
  count(): Promise<number>;
}

export interface MembershipRepository {
  grant(userId: string, organizationId: string, role: Role): Promise<void>;
  /** Returns whether a membership was removed. */
  revoke(userId: string, organizationId: string, role: Role): Promise<boolean>;
  listForUser(userId: string): Promise<Membership[]>;
  listForOrganization(organizationId: string): Promise<OrganizationMember[]>;
  countWithRole(organizationId: string, role: Role): Promise<number>;
}

export interface ApiKeyRepository {
  create(input: { id: string; userId: string; name: string; secretHash: string; expiresAt: Date | null }): Promise<ApiKey>;
  findById(id: string): Promise<ApiKeyWithSecretHash | undefined>;
  listForUser(userId: string): Promise<ApiKey[]>;
  /** Revokes a key of this user; returns false when the user has no such active key. */
  revoke(id: string, userId: string): Promise<boolean>;
  markUsed(id: string, at: Date): Promise<void>;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<AuditRecord>;
  list(options: { limit: number; afterSequence?: string }): Promise<AuditRecord[]>;
  /** Recomputes the hash chain; returns the first broken sequence number, if any. */
  verify(): Promise<{ records: number; firstBrokenSequence: string | null }>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface AccessTokenIssuer {
  issue(subject: { userId: string; username: string }): Promise<{ token: string; expiresInSeconds: number }>;
  /** Returns the user id the token was issued to, or undefined for any invalid token. */
  verify(token: string): Promise<string | undefined>;
}

export interface ApiKeySecrets {
  /** A new key: its public id, the secret shown once, and the hash to store. */
  generate(): { id: string; plaintext: string; secretHash: string };
  /** Splits a presented key into id and secret, or undefined when it is not shaped like one of ours. */
  parse(presented: string): { id: string; secret: string } | undefined;
  matches(secret: string, secretHash: string): boolean;
}

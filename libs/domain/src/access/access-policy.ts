import { AccessErrorCode, AuthErrorCode, DomainError, Role } from '@imagora/core';
import { Principal } from './access.types';

/** `admin` may act in every role of its own organization. */
export function holdsRole(principal: Principal, role: Role, organizationSlug?: string): boolean {
  return principal.memberships.some(
    (m) => (organizationSlug === undefined || m.organizationSlug === organizationSlug) && (m.role === role || m.role === Role.Admin),
  );
}

export function requireHubAdmin(principal: Principal): void {
  if (!principal.isHubAdmin) {
    throw new DomainError(AuthErrorCode.FORBIDDEN, 'only administrators of the root organization may do this');
  }
}

/** Organization admins manage their own organization; hub admins manage every organization. */
export function requireOrganizationAdmin(principal: Principal, organizationSlug: string): void {
  if (!principal.isHubAdmin && !principal.memberships.some((m) => m.organizationSlug === organizationSlug && m.role === Role.Admin)) {
    throw new DomainError(AuthErrorCode.FORBIDDEN, `requires the admin role in organization "${organizationSlug}"`);
  }
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const USERNAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

export function assertSlug(slug: string): void {
  if (!SLUG.test(slug)) {
    throw new DomainError(AccessErrorCode.INVALID_NAME, `"${slug}" is not a valid organization slug (lowercase letters, digits and '-', at most 64)`);
  }
}

export function assertUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new DomainError(AccessErrorCode.INVALID_NAME, `"${username}" is not a valid username (lowercase letters, digits, '.', '_', '-', at most 64)`);
  }
}

export function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError(AccessErrorCode.WEAK_PASSWORD, `a password needs ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
}

import { AuthErrorCode, DomainError, Role } from '@imagora/core';
import { holdsRole } from '../access/access-policy';
import { Principal } from '../access/access.types';

/** Contributors upload for their organization; stewards review it. Raw uploads may hold PHI: nobody else sees them. */
export function requireContributor(actor: Principal, organizationSlug: string): void {
  if (!holdsRole(actor, Role.Contributor, organizationSlug)) {
    throw new DomainError(AuthErrorCode.FORBIDDEN, `requires the contributor role in organization "${organizationSlug}"`);
  }
}

export function requireSteward(actor: Principal, organizationSlug: string): void {
  if (!holdsRole(actor, Role.Steward, organizationSlug)) {
    throw new DomainError(AuthErrorCode.FORBIDDEN, `requires the steward role in organization "${organizationSlug}"`);
  }
}

/** Contributors and stewards of the owning organization may follow a submission. */
export function canFollowSubmission(actor: Principal, organizationSlug: string): boolean {
  return holdsRole(actor, Role.Contributor, organizationSlug) || holdsRole(actor, Role.Steward, organizationSlug);
}

import { createHash } from 'node:crypto';
import { AuthErrorCode, CatalogErrorCode, DomainError, Role, SubmissionErrorCode } from '@imagora/core';
import { AuditLog } from '../access/access.ports';
import { holdsRole } from '../access/access-policy';
import { Principal } from '../access/access.types';
import { DatasetRepository } from '../submissions/submission.ports';
import { Dataset } from '../submissions/submission.types';
import { AccessRepository } from './catalog.ports';
import { AccessRequest } from './catalog.types';

export interface AccessDecision {
  allowed: boolean;
  policy: Dataset['accessPolicy'];
  /** What the user must do when not allowed. */
  how?: string;
}

/** Per-dataset access policies: open (signed in), registered (data-use agreement accepted), controlled (steward approval). */
export class DatasetAccessUseCase {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly access: AccessRepository,
    private readonly audit: AuditLog,
  ) {}

  async decide(viewer: Principal, dataset: Dataset): Promise<AccessDecision> {
    const reference = `${dataset.organizationSlug}/${dataset.slug}`;
    // The owning organization's members work with their own data.
    if (viewer.memberships.some((m) => m.organizationId === dataset.organizationId)) return { allowed: true, policy: dataset.accessPolicy };
    switch (dataset.accessPolicy) {
      case 'open':
        return { allowed: true, policy: 'open' };
      case 'registered':
        return (await this.access.acceptedAgreement(dataset.id, viewer.userId))
          ? { allowed: true, policy: 'registered' }
          : { allowed: false, policy: 'registered', how: `accept the data-use agreement: POST /api/v1/datasets/${reference}/agreement` };
      case 'controlled':
        return (await this.access.approvedRequest(dataset.id, viewer.userId))
          ? { allowed: true, policy: 'controlled' }
          : { allowed: false, policy: 'controlled', how: `request access and wait for a steward of ${dataset.organizationSlug}: POST /api/v1/datasets/${reference}/access-requests` };
    }
  }

  async acceptAgreement(viewer: Principal, organization: string, slug: string): Promise<void> {
    const dataset = await this.dataset(organization, slug);
    if (dataset.accessPolicy !== 'registered' || !dataset.dataUseAgreement) {
      throw new DomainError(CatalogErrorCode.INVALID_QUERY, `${organization}/${slug} is ${dataset.accessPolicy}: it has no agreement to accept`);
    }
    await this.access.acceptAgreement(dataset.id, viewer.userId, createHash('sha256').update(dataset.dataUseAgreement).digest('hex'));
    await this.audit.append({ actorUserId: viewer.userId, action: 'dataset.agreement-accept', targetType: 'dataset', targetId: dataset.id });
  }

  async requestAccess(viewer: Principal, organization: string, slug: string, purpose: string): Promise<AccessRequest> {
    const dataset = await this.dataset(organization, slug);
    if (dataset.accessPolicy !== 'controlled') throw new DomainError(CatalogErrorCode.INVALID_QUERY, `${organization}/${slug} is ${dataset.accessPolicy}: no request needed`);
    if (!purpose.trim()) throw new DomainError(CatalogErrorCode.INVALID_QUERY, 'say what the data is for (purpose)');
    const request = await this.access.createRequest({ datasetId: dataset.id, userId: viewer.userId, purpose: purpose.trim() });
    await this.audit.append({ actorUserId: viewer.userId, action: 'dataset.access-request', targetType: 'dataset', targetId: dataset.id, details: { request: request.id } });
    return request;
  }

  /** Stewards see the requests for their organizations' datasets; everyone sees their own. */
  async listRequests(viewer: Principal, filter: { state?: AccessRequest['state'] }): Promise<AccessRequest[]> {
    const stewardOf = viewer.memberships.filter((m) => m.role === Role.Steward || m.role === Role.Admin).map((m) => m.organizationId);
    const [mine, theirs] = await Promise.all([
      this.access.listRequests({ userId: viewer.userId, state: filter.state }),
      stewardOf.length ? this.access.listRequests({ organizationIds: stewardOf, state: filter.state }) : Promise.resolve([]),
    ]);
    const byId = new Map([...mine, ...theirs].map((r) => [r.id, r]));
    return [...byId.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async decideRequest(viewer: Principal, id: string, decision: { approve: boolean; reason: string }): Promise<AccessRequest> {
    const request = await this.access.findRequest(id);
    if (!request) throw new DomainError(CatalogErrorCode.REQUEST_NOT_FOUND, `no access request ${id}`);
    const dataset = await this.datasets.findById(request.datasetId);
    if (!dataset || !holdsRole(viewer, Role.Steward, dataset.organizationSlug)) {
      throw new DomainError(AuthErrorCode.FORBIDDEN, `requires the steward role in the organization that owns ${request.dataset}`);
    }
    if (!decision.reason.trim()) throw new DomainError(CatalogErrorCode.INVALID_QUERY, 'a decision needs a reason');
    const decided = await this.access.decide(id, { state: decision.approve ? 'approved' : 'denied', reason: decision.reason.trim(), decidedBy: viewer.userId });
    if (!decided) throw new DomainError(CatalogErrorCode.REQUEST_DECIDED, `access request ${id} was decided already`);
    await this.audit.append({ actorUserId: viewer.userId, action: `dataset.access-${decided.state}`, targetType: 'access-request', targetId: id, details: { dataset: request.dataset, user: request.userId } });
    return decided;
  }

  private async dataset(organization: string, slug: string): Promise<Dataset> {
    const dataset = await this.datasets.find(organization, slug);
    if (!dataset) throw new DomainError(SubmissionErrorCode.DATASET_NOT_FOUND, `no dataset ${organization}/${slug}`);
    return dataset;
  }
}

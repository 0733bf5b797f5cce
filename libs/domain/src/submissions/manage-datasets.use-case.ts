import { DomainError, SubmissionErrorCode } from '@imagora/core';
import { isAcceptedLicense } from '@imagora/validation';
import { AuditLog, OrganizationRepository } from '../access/access.ports';
import { Principal } from '../access/access.types';
import { requireContributor } from './submission-access';
import { DatasetRepository } from './submission.ports';
import { AccessPolicy, Dataset, DatasetVersion } from './submission.types';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const POLICIES: AccessPolicy[] = ['open', 'registered', 'controlled'];

export class ManageDatasetsUseCase {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly organizations: OrganizationRepository,
    private readonly audit: AuditLog,
  ) {}

  async create(
    actor: Principal,
    input: { organization: string; slug: string; title: string; description?: string; license: string; accessPolicy?: AccessPolicy; dataUseAgreement?: string },
  ): Promise<Dataset> {
    requireContributor(actor, input.organization);
    if (!SLUG.test(input.slug)) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `"${input.slug}" is not a dataset slug (lowercase letters, digits, '-')`);
    if (!isAcceptedLicense(input.license)) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `"${input.license}" is not an SPDX license id this hub accepts`);
    const accessPolicy = input.accessPolicy ?? 'registered';
    if (!POLICIES.includes(accessPolicy)) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `access policy must be one of ${POLICIES.join(', ')}`);
    const dataUseAgreement = input.dataUseAgreement?.trim() || null;
    if (accessPolicy !== 'open' && !dataUseAgreement) {
      throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `a ${accessPolicy} dataset needs the text of its data-use agreement`);
    }
    const organization = await this.organizations.findBySlug(input.organization);
    if (!organization) throw new DomainError(SubmissionErrorCode.DATASET_NOT_FOUND, `no organization "${input.organization}"`);
    const created = await this.datasets.create({
      organizationId: organization.id,
      slug: input.slug,
      title: input.title.trim() || input.slug,
      description: input.description?.trim() ?? '',
      license: input.license,
      accessPolicy,
      dataUseAgreement,
      createdBy: actor.userId,
    });
    if (!created) throw new DomainError(SubmissionErrorCode.DATASET_EXISTS, `${input.organization}/${input.slug} already exists`);
    await this.audit.append({ actorUserId: actor.userId, action: 'dataset.create', targetType: 'dataset', targetId: created.id, details: { dataset: `${input.organization}/${input.slug}` } });
    return created;
  }

  /** Datasets are public metadata (titles, licenses, policies); their files are not. */
  list(organizationSlug?: string): Promise<Dataset[]> {
    return organizationSlug ? this.organizations.findBySlug(organizationSlug).then((o) => (o ? this.datasets.list({ organizationIds: [o.id] }) : [])) : this.datasets.list({});
  }

  async get(organizationSlug: string, slug: string): Promise<{ dataset: Dataset; versions: DatasetVersion[] }> {
    const dataset = await this.datasets.find(organizationSlug, slug);
    if (!dataset) throw new DomainError(SubmissionErrorCode.DATASET_NOT_FOUND, `no dataset ${organizationSlug}/${slug}`);
    return { dataset, versions: await this.datasets.versions(dataset.id) };
  }
}

import { AuthErrorCode, DomainError, ProtocolErrorCode, RegistryErrorCode, Role } from '@imagora/core';
import { checkPublication, contentHash, isValidSemver, lintProtocolDocument, parseRegistryRef, type ProtocolDocument } from '@imagora/protocols';
import { AuditLog, OrganizationRepository } from '../access/access.ports';
import { holdsRole } from '../access/access-policy';
import { Principal } from '../access/access.types';
import { prefetchRegistryResolver } from './registry-refs';
import { ProtocolRepository, ProtocolSigner } from './registry.ports';
import { documentOf, Protocol, ProtocolReview, ProtocolVersion } from './registry.types';

export interface RegistrySettings {
  /** Approvals by committee members other than the draft's authors needed to publish (0: a one-person hub). */
  requiredApprovals: number;
}

const EDITABLE: ProtocolVersion['status'][] = ['draft', 'in-review'];

/** Committee work on protocols: drafts, review, publication, deprecation. Published versions never change. */
export class AuthorProtocolsUseCase {
  constructor(
    private readonly protocols: ProtocolRepository,
    private readonly organizations: OrganizationRepository,
    private readonly signer: ProtocolSigner,
    private readonly audit: AuditLog,
    private readonly settings: RegistrySettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createProtocol(actor: Principal, input: { name: string; title: string; organization?: string }): Promise<Protocol> {
    const organizationSlug = input.organization ?? this.onlyCommitteeOrganization(actor);
    this.requireCommittee(actor, organizationSlug);
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(input.name) || input.name.length > 100) {
      throw new DomainError(ProtocolErrorCode.INVALID_DOCUMENT, `"${input.name}" is not a protocol name (lowercase words joined by '-')`);
    }
    const organization = await this.organizations.findBySlug(organizationSlug);
    if (!organization) throw new DomainError(RegistryErrorCode.PROTOCOL_NOT_FOUND, `no organization "${organizationSlug}"`);
    const created = await this.protocols.createProtocol({ name: input.name, title: input.title, organizationId: organization.id });
    if (!created) throw new DomainError(RegistryErrorCode.PROTOCOL_EXISTS, `protocol "${input.name}" already exists`);
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.create', targetType: 'protocol', targetId: created.name });
    return created;
  }

  /** Creates or replaces the draft NAME@VERSION; the document must lint clean and name that version. */
  async putDraft(actor: Principal, name: string, version: string, documentText: string): Promise<ProtocolVersion> {
    const protocol = await this.protocol(name);
    this.requireCommittee(actor, protocol.organizationSlug);
    const document = await this.lintOrThrow(documentText);
    if (document.name !== name || document.version !== version) {
      throw new DomainError(RegistryErrorCode.DOCUMENT_MISMATCH, `the document is ${document.name}@${document.version}, but was sent to ${name}@${version}`);
    }
    const sha256 = contentHash(document);
    const existing = await this.protocols.findVersion(protocol.id, version);
    if (!existing) {
      const created = await this.protocols.createVersion({ protocolId: protocol.id, version, documentText, sha256, createdBy: actor.userId });
      await this.audit.append({ actorUserId: actor.userId, action: 'protocol.draft', targetType: 'protocol-version', targetId: `${name}@${version}`, details: { sha256 } });
      return created;
    }
    if (!EDITABLE.includes(existing.status)) throw immutable(existing);
    const updated = await this.protocols.updateDraft(existing.id, { documentText, sha256, editor: actor.userId }, EDITABLE);
    if (!updated) throw immutable(existing);
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.draft', targetType: 'protocol-version', targetId: `${name}@${version}`, details: { sha256 } });
    return updated;
  }

  async deleteDraft(actor: Principal, name: string, version: string): Promise<void> {
    const { protocol, protocolVersion } = await this.version(name, version);
    this.requireCommittee(actor, protocol.organizationSlug);
    if (!(await this.protocols.deleteDraft(protocolVersion.id))) throw immutable(protocolVersion);
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.draft-delete', targetType: 'protocol-version', targetId: `${name}@${version}` });
  }

  async submitForReview(actor: Principal, name: string, version: string): Promise<ProtocolVersion> {
    const { protocol, protocolVersion } = await this.version(name, version);
    this.requireCommittee(actor, protocol.organizationSlug);
    const submitted = await this.protocols.transition(protocolVersion.id, ['draft'], 'in-review', { submittedAt: this.now() });
    if (!submitted) throw stateError(protocolVersion, 'submit for review', 'draft');
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.submit', targetType: 'protocol-version', targetId: `${name}@${version}` });
    return submitted;
  }

  async review(actor: Principal, name: string, version: string, input: { decision: 'approve' | 'request-changes'; comment?: string }): Promise<ProtocolReview> {
    const { protocol, protocolVersion } = await this.version(name, version);
    this.requireCommittee(actor, protocol.organizationSlug);
    if (protocolVersion.status !== 'in-review') throw stateError(protocolVersion, 'review', 'in-review');
    if (input.decision === 'approve' && protocolVersion.editors.includes(actor.userId)) {
      throw new DomainError(RegistryErrorCode.SELF_REVIEW, 'authors of a draft cannot approve it; another committee member must');
    }
    const review = await this.protocols.addReview({
      versionId: protocolVersion.id,
      reviewerId: actor.userId,
      decision: input.decision,
      comment: input.comment?.trim() || null,
      sha256: protocolVersion.sha256,
    });
    if (input.decision === 'request-changes') await this.protocols.transition(protocolVersion.id, ['in-review'], 'draft');
    await this.audit.append({ actorUserId: actor.userId, action: `protocol.review.${input.decision}`, targetType: 'protocol-version', targetId: `${name}@${version}` });
    return review;
  }

  async publish(actor: Principal, name: string, version: string): Promise<ProtocolVersion> {
    const protocol = await this.protocol(name);
    this.requireCommittee(actor, protocol.organizationSlug);
    const published = await this.protocols.withProtocolLock(protocol.id, async (repository) => {
      const protocolVersion = await repository.findVersion(protocol.id, version);
      if (!protocolVersion) throw versionNotFound(name, version);
      if (protocolVersion.status === 'published' || protocolVersion.status === 'deprecated') throw immutable(protocolVersion);
      const from: ProtocolVersion['status'][] = this.settings.requiredApprovals === 0 ? ['draft', 'in-review'] : ['in-review'];
      if (!from.includes(protocolVersion.status)) throw stateError(protocolVersion, 'publish', 'in-review');
      await this.requireApprovals(repository, protocolVersion);
      const document = await this.lintOrThrow(protocolVersion.documentText, repository);
      return this.publishChecked(repository, protocolVersion, document, actor.userId, from);
    });
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.publish', targetType: 'protocol-version', targetId: `${name}@${version}`, details: { sha256: published.sha256 } });
    return published;
  }

  async deprecate(actor: Principal, name: string, version: string, input: { reason: string; replacement?: string }): Promise<ProtocolVersion> {
    const { protocol, protocolVersion } = await this.version(name, version);
    this.requireCommittee(actor, protocol.organizationSlug);
    if (!input.reason.trim()) throw new DomainError(RegistryErrorCode.INVALID_STATE, 'a deprecation needs a reason');
    if (input.replacement !== undefined) await this.requirePublishedReplacement(input.replacement, `${name}@${version}`);
    const deprecated = await this.protocols.transition(protocolVersion.id, ['published'], 'deprecated', {
      deprecatedAt: this.now(),
      deprecationReason: input.reason.trim(),
      replacement: input.replacement ?? null,
    });
    if (!deprecated) throw stateError(protocolVersion, 'deprecate', 'published');
    await this.audit.append({ actorUserId: actor.userId, action: 'protocol.deprecate', targetType: 'protocol-version', targetId: `${name}@${version}`, details: { reason: input.reason, replacement: input.replacement } });
    return deprecated;
  }

  /** Publishes the shipped protocols into an empty registry at first start, as the system. */
  async seed(organizationId: string, documents: Array<{ documentText: string; title: string }>): Promise<string[]> {
    const seeded: string[] = [];
    for (const { documentText, title } of documents) {
      const document = await this.lintOrThrow(documentText);
      const protocol =
        (await this.protocols.findProtocol(document.name)) ?? (await this.protocols.createProtocol({ name: document.name, title, organizationId }));
      if (!protocol) throw new Error(`protocol ${document.name} could not be created`);
      const existing = await this.protocols.findVersion(protocol.id, document.version);
      if (existing?.status === 'published' || existing?.status === 'deprecated') continue;
      await this.protocols.withProtocolLock(protocol.id, async (repository) => {
        const draft = existing ?? (await repository.createVersion({ protocolId: protocol.id, version: document.version, documentText, sha256: contentHash(document), createdBy: null }));
        await this.publishChecked(repository, draft, document, null, ['draft', 'in-review']);
      });
      seeded.push(`${document.name}@${document.version}`);
    }
    return seeded;
  }

  private async publishChecked(
    repository: ProtocolRepository,
    protocolVersion: ProtocolVersion,
    document: ProtocolDocument,
    publishedBy: string | null,
    from: ProtocolVersion['status'][],
  ): Promise<ProtocolVersion> {
    const history = (await repository.listVersions(protocolVersion.protocolId)).filter((v) => v.status === 'published' || v.status === 'deprecated').map(documentOf);
    const problems = checkPublication(history, document);
    if (problems.length > 0) {
      const breaking = problems.find((p) => p.code === ProtocolErrorCode.BREAKING_CHANGE);
      const first = breaking ?? problems[0];
      throw new DomainError(first.code, first.message, { problems: problems.map((p) => ({ code: p.code, message: p.message })), changes: breaking?.changes ?? [] });
    }
    const sha256 = contentHash(document);
    const signature = await this.signer.sign({ name: document.name, version: document.version, sha256 });
    const published = await repository.transition(protocolVersion.id, from, 'published', { publishedAt: this.now(), publishedBy, signature });
    if (!published) throw stateError(protocolVersion, 'publish', from.join(' or '));
    return published;
  }

  private async requireApprovals(repository: ProtocolRepository, protocolVersion: ProtocolVersion): Promise<void> {
    if (this.settings.requiredApprovals === 0) return;
    const reviews = await repository.listReviews(protocolVersion.id);
    const approvers = new Set(
      reviews
        .filter((r) => r.decision === 'approve' && r.sha256 === protocolVersion.sha256 && !protocolVersion.editors.includes(r.reviewerId))
        .map((r) => r.reviewerId),
    );
    if (approvers.size < this.settings.requiredApprovals) {
      throw new DomainError(
        RegistryErrorCode.NOT_ENOUGH_APPROVALS,
        `${protocolVersion.name}@${protocolVersion.version} has ${approvers.size} of the ${this.settings.requiredApprovals} approvals it needs`,
        { approvals: approvers.size, required: this.settings.requiredApprovals },
      );
    }
  }

  private async requirePublishedReplacement(replacement: string, deprecating: string): Promise<void> {
    const ref = parseRegistryRef(`imagora:protocol/${replacement}`);
    if (!ref || !isValidSemver(ref.version) || replacement === deprecating) {
      throw new DomainError(RegistryErrorCode.INVALID_REPLACEMENT, `replacement must be another published NAME@VERSION, got "${replacement}"`);
    }
    const protocol = await this.protocols.findProtocol(ref.name);
    const version = protocol && (await this.protocols.findVersion(protocol.id, ref.version));
    if (!version || version.status !== 'published') {
      throw new DomainError(RegistryErrorCode.INVALID_REPLACEMENT, `replacement ${replacement} is not a published protocol version`);
    }
  }

  private async lintOrThrow(documentText: string, repository: ProtocolRepository = this.protocols): Promise<ProtocolDocument> {
    let parsed: unknown = documentText;
    try {
      parsed = JSON.parse(documentText);
    } catch {
      /* the linter reports the syntax error with its code */
    }
    const resolver = await prefetchRegistryResolver(repository, parsed);
    const result = lintProtocolDocument(documentText, { resolver });
    if (!result.ok || !result.document) {
      const tooLarge = result.problems.find((p) => p.code === 'PROTOCOL_TOO_LARGE');
      throw new DomainError(tooLarge ? ProtocolErrorCode.TOO_LARGE : ProtocolErrorCode.INVALID_DOCUMENT, tooLarge?.message ?? 'the protocol document has problems', {
        problems: result.problems,
      });
    }
    return result.document;
  }

  private requireCommittee(actor: Principal, organizationSlug: string): void {
    if (!holdsRole(actor, Role.Committee, organizationSlug)) {
      throw new DomainError(AuthErrorCode.FORBIDDEN, `requires the committee role in organization "${organizationSlug}"`);
    }
  }

  private onlyCommitteeOrganization(actor: Principal): string {
    const organizations = [...new Set(actor.memberships.filter((m) => m.role === Role.Committee || m.role === Role.Admin).map((m) => m.organizationSlug))];
    if (organizations.length !== 1) {
      throw new DomainError(AuthErrorCode.FORBIDDEN, organizations.length ? 'say which organization owns the protocol (organization)' : 'requires the committee role');
    }
    return organizations[0];
  }

  private async protocol(name: string): Promise<Protocol> {
    const protocol = await this.protocols.findProtocol(name);
    if (!protocol) throw new DomainError(RegistryErrorCode.PROTOCOL_NOT_FOUND, `no protocol "${name}"`);
    return protocol;
  }

  private async version(name: string, version: string): Promise<{ protocol: Protocol; protocolVersion: ProtocolVersion }> {
    const protocol = await this.protocol(name);
    const protocolVersion = await this.protocols.findVersion(protocol.id, version);
    if (!protocolVersion) throw versionNotFound(name, version);
    return { protocol, protocolVersion };
  }
}

function versionNotFound(name: string, version: string): DomainError {
  return new DomainError(RegistryErrorCode.VERSION_NOT_FOUND, `no version ${version} of protocol "${name}"`);
}

function immutable(version: ProtocolVersion): DomainError {
  return new DomainError(RegistryErrorCode.VERSION_IMMUTABLE, `${version.name}@${version.version} is ${version.status}: published versions never change; make a new version`);
}

function stateError(version: ProtocolVersion, action: string, expected: string): DomainError {
  return new DomainError(RegistryErrorCode.INVALID_STATE, `cannot ${action} ${version.name}@${version.version}: it is ${version.status}, not ${expected}`, { status: version.status });
}

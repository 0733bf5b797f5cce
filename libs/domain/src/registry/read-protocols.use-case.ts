import { DomainError, RegistryErrorCode, Role } from '@imagora/core';
import {
  changelog,
  checkAgainstHistory,
  checkCompatibility,
  compareSemver,
  compatibilityModeOf,
  lintProtocolDocument,
  maxSatisfying,
  type CompatibilityChange,
  type CompatibilityMode,
  type ProtocolProblem,
} from '@imagora/protocols';
import { holdsRole } from '../access/access-policy';
import { Principal } from '../access/access.types';
import { prefetchRegistryResolver } from './registry-refs';
import { ProtocolRepository } from './registry.ports';
import { documentOf, Protocol, ProtocolReview, ProtocolSummary, ProtocolVersion } from './registry.types';

export interface ProtocolVersionView {
  protocol: Protocol;
  version: ProtocolVersion;
  reviews: ProtocolReview[];
}

const RELEASED: ProtocolVersion['status'][] = ['published', 'deprecated'];

/** Reading the registry: anyone (anonymous included) sees published and deprecated versions; committee members also see drafts. */
export class ReadProtocolsUseCase {
  constructor(private readonly protocols: ProtocolRepository) {}

  async list(viewer: Principal | undefined): Promise<ProtocolSummary[]> {
    const all = await this.protocols.listProtocols();
    return all
      .map((summary) => {
        const visible = summary.versions.filter((v) => RELEASED.includes(v.status) || this.seesDrafts(viewer, summary));
        const latestReleased = [...visible].filter((v) => RELEASED.includes(v.status)).sort((a, b) => compareSemver(a.version, b.version)).pop();
        return { ...summary, versions: visible, latestVersion: latestReleased?.version ?? null, latestStatus: latestReleased?.status ?? null };
      })
      .filter((summary) => summary.versions.length > 0 || this.seesDrafts(viewer, summary));
  }

  async get(viewer: Principal | undefined, name: string, version: string): Promise<ProtocolVersionView> {
    const protocol = await this.protocol(name);
    const found = await this.protocols.findVersion(protocol.id, version);
    if (!found || (!RELEASED.includes(found.status) && !this.seesDrafts(viewer, protocol))) {
      throw new DomainError(RegistryErrorCode.VERSION_NOT_FOUND, `no version ${version} of protocol "${name}"`);
    }
    return { protocol, version: found, reviews: await this.protocols.listReviews(found.id) };
  }

  async versions(viewer: Principal | undefined, name: string): Promise<{ protocol: Protocol; versions: ProtocolVersion[] }> {
    const protocol = await this.protocol(name);
    const versions = (await this.protocols.listVersions(protocol.id))
      .filter((v) => RELEASED.includes(v.status) || this.seesDrafts(viewer, protocol))
      .sort((a, b) => compareSemver(a.version, b.version));
    return { protocol, versions };
  }

  /** The highest published version in a semver range; deprecated versions count only when asked for. */
  async resolve(name: string, range: string, options: { includeDeprecated?: boolean } = {}): Promise<ProtocolVersion> {
    const protocol = await this.protocol(name);
    const candidates = (await this.protocols.listVersions(protocol.id)).filter(
      (v) => v.status === 'published' || (options.includeDeprecated && v.status === 'deprecated'),
    );
    const best = maxSatisfying(candidates.map((v) => v.version), range);
    if (!best) {
      const deprecatedMatch = options.includeDeprecated
        ? undefined
        : maxSatisfying((await this.protocols.listVersions(protocol.id)).filter((v) => v.status === 'deprecated').map((v) => v.version), range);
      throw new DomainError(
        RegistryErrorCode.NO_MATCHING_VERSION,
        `no published version of "${name}" satisfies ${range}${deprecatedMatch ? ` (deprecated ${deprecatedMatch} does: add includeDeprecated=true)` : ''}`,
      );
    }
    return candidates.find((v) => v.version === best)!;
  }

  async diff(viewer: Principal | undefined, name: string, from: string, to: string, mode?: string): Promise<{ compatible: boolean; mode: CompatibilityMode; changes: CompatibilityChange[] }> {
    const [older, newer] = await Promise.all([this.get(viewer, name, from), this.get(viewer, name, to)]);
    const newDocument = documentOf(newer.version);
    const checkedMode = (mode ?? compatibilityModeOf(newDocument)) as CompatibilityMode;
    const result = checkCompatibility(documentOf(older.version), newDocument, checkedMode);
    return { ...result, mode: checkedMode };
  }

  /** Markdown changelog between consecutive released versions from `from` (exclusive) up to `to`. */
  async changelog(name: string, range: { from?: string; to?: string } = {}): Promise<string> {
    const protocol = await this.protocol(name);
    const released = (await this.protocols.listVersions(protocol.id)).filter((v) => RELEASED.includes(v.status)).sort((a, b) => compareSemver(a.version, b.version));
    const sections: string[] = [];
    for (let i = 1; i < released.length; i++) {
      const [previous, current] = [released[i - 1], released[i]];
      if (range.from && compareSemver(current.version, range.from) <= 0) continue;
      if (range.to && compareSemver(current.version, range.to) > 0) break;
      sections.push(changelog(documentOf(previous), documentOf(current)));
    }
    return [`# ${protocol.title} (${protocol.name})`, '', ...(sections.length ? sections : ['No changes between released versions yet.\n'])].join('\n');
  }

  /** Dry run of a draft (stored or given) against the released history: lint + compatibility, no state change. */
  async check(
    viewer: Principal | undefined,
    name: string,
    version: string,
    documentText?: string,
  ): Promise<{ ok: boolean; problems: ProtocolProblem[]; compatibility?: ReturnType<typeof checkAgainstHistory> }> {
    const protocol = await this.protocol(name);
    if (!viewer || !holdsRole(viewer, Role.Committee, protocol.organizationSlug)) {
      throw new DomainError(RegistryErrorCode.VERSION_NOT_FOUND, `no draft ${version} of protocol "${name}" visible to you`);
    }
    const text = documentText ?? (await this.get(viewer, name, version)).version.documentText;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* reported by the linter */
    }
    const lint = lintProtocolDocument(text, { resolver: await prefetchRegistryResolver(this.protocols, parsed) });
    if (!lint.ok || !lint.document) return { ok: false, problems: lint.problems };
    if (lint.document.version !== version || lint.document.name !== name) {
      throw new DomainError(RegistryErrorCode.DOCUMENT_MISMATCH, `the document is ${lint.document.name}@${lint.document.version}, not ${name}@${version}`);
    }
    const history = (await this.protocols.listVersions(protocol.id)).filter((v) => RELEASED.includes(v.status)).map(documentOf);
    const compatibility = checkAgainstHistory(history, lint.document);
    return { ok: compatibility.compatible, problems: lint.problems, compatibility };
  }

  private seesDrafts(viewer: Principal | undefined, protocol: Pick<Protocol, 'organizationSlug'>): boolean {
    return viewer !== undefined && holdsRole(viewer, Role.Committee, protocol.organizationSlug);
  }

  private async protocol(name: string): Promise<Protocol> {
    const protocol = await this.protocols.findProtocol(name);
    if (!protocol) throw new DomainError(RegistryErrorCode.PROTOCOL_NOT_FOUND, `no protocol "${name}"`);
    return protocol;
  }
}

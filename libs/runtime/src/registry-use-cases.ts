import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog, AuthorProtocolsUseCase, OrganizationRepository, ReadProtocolsUseCase } from '@imagora/domain';
import { DataSource, TypeormProtocolRepository } from '@imagora/persistence';
import { JwsProtocolSigner, SigningKey } from '@imagora/auth';
import { compareSemver } from '@imagora/protocols';

export interface RegistryUseCases {
  author: AuthorProtocolsUseCase;
  read: ReadProtocolsUseCase;
}

export function composeRegistryUseCases(
  dataSource: DataSource,
  organizations: OrganizationRepository,
  auditLog: AuditLog,
  signingKey: SigningKey,
  issuer: string,
  requiredApprovals: number,
): RegistryUseCases {
  const protocols = new TypeormProtocolRepository(dataSource);
  return {
    author: new AuthorProtocolsUseCase(protocols, organizations, new JwsProtocolSigner(signingKey, issuer), auditLog, { requiredApprovals }),
    read: new ReadProtocolsUseCase(protocols),
  };
}

/**
 * Protocol documents under `dir/<name>/<version>.json`, oldest version first per protocol, so each
 * publication is checked against the ones before it.
 */
export function readProtocolFolder(dir: string): Array<{ documentText: string; title: string; version: string }> {
  const documents: Array<{ documentText: string; title: string; version: string; name: string }> = [];
  for (const name of readdirSync(dir).sort()) {
    const folder = join(dir, name);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      const documentText = readFileSync(join(folder, file), 'utf8');
      const parsed = JSON.parse(documentText) as { title?: string; version?: string };
      documents.push({ documentText, title: parsed.title ?? name, version: parsed.version ?? file.replace(/\.json$/, ''), name });
    }
  }
  return documents.sort((a, b) => a.name.localeCompare(b.name) || compareSemver(a.version, b.version));
}

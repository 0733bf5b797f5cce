import { parseRegistryRef, type AnnotationSchemaResolver, type ProtocolDocument } from '@imagora/protocols';
import { ProtocolRepository } from './registry.ports';
import { documentOf } from './registry.types';

// A chain of registry references longer than this is a loop or an abuse.
const MAX_REFERENCED_VERSIONS = 32;

/** Registry ids (`imagora:protocol/NAME@VERSION`) named by `$ref`s anywhere in a value, without recursion. */
export function registryRefsIn(value: unknown): Array<{ name: string; version: string }> {
  const found = new Map<string, { name: string; version: string }>();
  const stack: unknown[] = [value];
  while (stack.length) {
    const current = stack.pop();
    if (Array.isArray(current)) stack.push(...current);
    else if (current && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key === '$ref' && typeof child === 'string') {
          const ref = parseRegistryRef(child);
          if (ref) found.set(ref.id, { name: ref.name, version: ref.version });
        } else stack.push(child);
      }
    }
  }
  return [...found.values()];
}

/**
 * The linter resolves registry references synchronously: fetch every published annotation schema the
 * document reaches (transitively) first, then answer from memory. Unpublished versions stay unresolved.
 */
export async function prefetchRegistryResolver(repository: ProtocolRepository, document: unknown): Promise<AnnotationSchemaResolver> {
  const schemas = new Map<string, unknown>();
  const pending = registryRefsIn((document as ProtocolDocument | undefined)?.annotation ?? document);
  while (pending.length && schemas.size < MAX_REFERENCED_VERSIONS) {
    const ref = pending.pop()!;
    const key = `${ref.name}@${ref.version}`;
    if (schemas.has(key)) continue;
    const protocol = await repository.findProtocol(ref.name);
    const version = protocol && (await repository.findVersion(protocol.id, ref.version));
    if (!version || (version.status !== 'published' && version.status !== 'deprecated')) {
      schemas.set(key, undefined);
      continue;
    }
    const annotation = documentOf(version).annotation;
    schemas.set(key, annotation);
    pending.push(...registryRefsIn(annotation));
  }
  return (name, version) => schemas.get(`${name}@${version}`);
}

// Registry ids name one immutable published protocol version's annotation schema:
// imagora:protocol/NAME@VERSION, optionally followed by a fragment ("#/$defs/point").
const REGISTRY_REF =
  /^imagora:protocol\/([a-z0-9]+(?:-[a-z0-9]+)*)@((?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)(#.*)?$/;

export interface RegistryRef {
  readonly name: string;
  readonly version: string;
  readonly id: string;
  readonly fragment: string;
}

export function parseRegistryRef(ref: string): RegistryRef | undefined {
  const match = REGISTRY_REF.exec(ref);
  if (!match) return undefined;
  return { name: match[1], version: match[2], id: registryId(match[1], match[2]), fragment: match[3] ?? '' };
}

export function registryId(name: string, version: string): string {
  return `imagora:protocol/${name}@${version}`;
}

// Given a name and version, the caller's registry returns that published version's annotation
// schema, or undefined when there is no such published version.
export type AnnotationSchemaResolver = (name: string, version: string) => unknown;

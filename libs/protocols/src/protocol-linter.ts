import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import metaSchema from '../../../schemas/protocol.schema.json';
import { createAnnotationAjv, createMetaSchemaAjv, dialectOf, SUPPORTED_DIALECT_URIS, type SchemaDialect } from './annotation-ajv';
import { contentHash } from './canonical-json';
import { DEFAULT_LIMITS, findExcessNesting, measureJsonValue, type DocumentLimits } from './json-limits';
import { getAtPointer, isJsonPointer, joinJsonPointer, parseFragmentPointer, parseJsonPointer } from './json-pointer';
import type { JsonSchema, ProtocolDocument } from './protocol-document';
import { problem, ProtocolProblemCode, type ProtocolProblem } from './protocol-problem';
import { UnsafePatternError } from './re2-regexp';
import { parseRegistryRef, registryId, type AnnotationSchemaResolver } from './registry-ref';
import { walkSchema } from './schema-walker';

export interface LintOptions {
  readonly limits?: Partial<DocumentLimits>;
  // Resolves `imagora:protocol/NAME@VERSION` references; without it such references are unresolved.
  readonly resolver?: AnnotationSchemaResolver;
}

export interface LintResult {
  readonly ok: boolean;
  readonly document?: ProtocolDocument;
  readonly problems: ProtocolProblem[];
}

export interface CompiledProtocol {
  readonly ok: boolean;
  readonly document?: ProtocolDocument;
  readonly problems: ProtocolProblem[];
  readonly hash?: string;
  readonly validate?: ValidateFunction;
  readonly compileMs?: number;
}

// A registry chain longer than this is a loop or an abuse; real protocols reference a handful.
const MAX_REGISTRY_SCHEMAS = 32;

let metaValidator: ValidateFunction | undefined;
function validateAgainstMetaSchema(value: unknown): ErrorObject[] {
  metaValidator ??= createMetaSchemaAjv().compile(metaSchema as AnySchemaObject);
  return metaValidator(value) ? [] : [...(metaValidator.errors ?? [])];
}

/**
 * Lints a protocol document from untrusted text or an already-parsed value: limits first (size,
 * nesting, value count), then the meta-schema, then the annotation schema (dialect, references,
 * safe regular expressions, compile budget), label ids and record references.
 */
export function lintProtocolDocument(input: unknown, options: LintOptions = {}): LintResult {
  const { ok, document, problems } = compileProtocolDocument(input, options);
  return { ok, document, problems };
}

// lintProtocolDocument plus the compiled annotation validator, for the validator cache.
export function compileProtocolDocument(input: unknown, options: LintOptions = {}): CompiledProtocol {
  const limits: DocumentLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const failed = (...problems: ProtocolProblem[]): CompiledProtocol => ({ ok: false, problems });

  let value: unknown = input;
  if (typeof input === 'string') {
    const bytes = Buffer.byteLength(input, 'utf8');
    if (bytes > limits.maxBytes) {
      return failed(problem(ProtocolProblemCode.TOO_LARGE, '', `document is ${bytes} bytes; the limit is ${limits.maxBytes}`));
    }
    const offset = findExcessNesting(input, limits.maxDepth);
    if (offset >= 0) {
      return failed(problem(ProtocolProblemCode.TOO_DEEP, '', `document nests deeper than ${limits.maxDepth} levels (at character ${offset})`));
    }
    try {
      value = JSON.parse(input);
    } catch (error) {
      return failed(problem(ProtocolProblemCode.NOT_JSON, '', `not JSON: ${(error as Error).message}`));
    }
  }

  const shape = measureJsonValue(value, limits.maxDepth, limits.maxNodes);
  if (!shape.ok) {
    const code = { depth: ProtocolProblemCode.TOO_DEEP, nodes: ProtocolProblemCode.TOO_COMPLEX, 'not-json': ProtocolProblemCode.NOT_JSON }[shape.reason];
    return failed(problem(code, shape.pointer, shape.detail));
  }
  if (typeof input !== 'string') {
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > limits.maxBytes) {
      return failed(problem(ProtocolProblemCode.TOO_LARGE, '', `document is ${bytes} bytes as JSON; the limit is ${limits.maxBytes}`));
    }
  }

  const schemaErrors = validateAgainstMetaSchema(value);
  if (schemaErrors.length > 0) return failed(...schemaErrors.map(metaSchemaProblem));
  const document = value as ProtocolDocument;

  const problems: ProtocolProblem[] = [...lintLabels(document), ...lintReferences(document)];
  const compiled = compileAnnotation(document, limits, options.resolver);
  problems.push(...compiled.problems);
  if (compiled.validate) problems.push(...lintReferenceReachability(document));

  const ok = problems.length === 0;
  return {
    ok,
    document,
    problems,
    hash: ok ? contentHash(document) : undefined,
    validate: ok ? compiled.validate : undefined,
    compileMs: compiled.compileMs,
  };
}

function metaSchemaProblem(error: ErrorObject): ProtocolProblem {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
        : '';
  return problem(ProtocolProblemCode.SCHEMA_INVALID, error.instancePath, `${error.instancePath || 'document'} ${error.message ?? 'is invalid'}${extra}`);
}

function lintLabels(document: ProtocolDocument): ProtocolProblem[] {
  const seen = new Map<string, number>();
  const problems: ProtocolProblem[] = [];
  document.labels.forEach((label, index) => {
    const first = seen.get(label.id);
    if (first !== undefined) {
      problems.push(problem(ProtocolProblemCode.DUPLICATE_LABEL, `/labels/${index}/id`, `label id "${label.id}" is already used by /labels/${first}`));
    } else {
      seen.set(label.id, index);
    }
  });
  return problems;
}

function lintReferences(document: ProtocolDocument): ProtocolProblem[] {
  const problems: ProtocolProblem[] = [];
  for (const [key, pointer] of Object.entries(document.references)) {
    if (!isJsonPointer(pointer)) {
      problems.push(problem(ProtocolProblemCode.INVALID_POINTER, `/references/${key}`, `"${pointer}" is not an RFC 6901 JSON Pointer`));
    } else if (pointer === '') {
      problems.push(problem(ProtocolProblemCode.INVALID_POINTER, `/references/${key}`, 'a reference must point inside the record, not at the whole record'));
    }
  }
  return problems;
}

/**
 * A reference pointer is unreachable when the annotation schema cannot let a record have a value
 * there: some step names a property that a closed object (additionalProperties false, no matching
 * declaration) forbids. Only plain `properties` and local `$ref` steps are followed; anything
 * cleverer is given the benefit of the doubt, since this is a lint for typos.
 */
function lintReferenceReachability(document: ProtocolDocument): ProtocolProblem[] {
  const problems: ProtocolProblem[] = [];
  const root = document.annotation;
  for (const [key, pointer] of Object.entries(document.references)) {
    const tokens = parseJsonPointer(pointer);
    if (!tokens) continue;
    let schema: unknown = root;
    for (const token of tokens) {
      schema = followLocalRefs(schema, root);
      if (schema === false) break;
      if (typeof schema !== 'object' || schema === null) {
        schema = true;
        break;
      }
      const node = schema as Record<string, unknown>;
      const properties = node['properties'] as Record<string, unknown> | undefined;
      if (properties && Object.prototype.hasOwnProperty.call(properties, token)) {
        schema = properties[token];
      } else if (/^(?:0|[1-9][0-9]*)$/.test(token) && (node['items'] !== undefined || node['prefixItems'] !== undefined)) {
        schema = true;
        break;
      } else if (node['additionalProperties'] === false && node['patternProperties'] === undefined) {
        schema = false;
        break;
      } else {
        schema = true;
        break;
      }
    }
    if (followLocalRefs(schema, root) === false) {
      problems.push(
        problem(ProtocolProblemCode.REFERENCE_UNREACHABLE, `/references/${key}`, `no record valid under the annotation schema can have a value at "${pointer}"`),
      );
    }
  }
  return problems;
}

function followLocalRefs(schema: unknown, root: unknown): unknown {
  for (let hops = 0; hops < 32; hops++) {
    if (typeof schema !== 'object' || schema === null) return schema;
    const ref = (schema as Record<string, unknown>)['$ref'];
    if (typeof ref !== 'string' || !ref.startsWith('#')) return schema;
    const tokens = parseFragmentPointer(ref.slice(1));
    if (!tokens) return true;
    schema = getAtPointer(root, tokens);
  }
  return true;
}

interface AnnotationCompilation {
  readonly problems: ProtocolProblem[];
  readonly validate?: ValidateFunction;
  readonly compileMs?: number;
}

function compileAnnotation(document: ProtocolDocument, limits: DocumentLimits, resolver?: AnnotationSchemaResolver): AnnotationCompilation {
  const selfId = registryId(document.name, document.version);
  const dialect = dialectOf(document.annotation);
  if (!dialect) {
    return {
      problems: [
        problem(
          ProtocolProblemCode.UNSUPPORTED_DIALECT,
          '/annotation/$schema',
          `annotation $schema must be one of ${SUPPORTED_DIALECT_URIS.join(', ')} (or absent for 2020-12)`,
        ),
      ],
    };
  }

  const problems: ProtocolProblem[] = [];
  const registrySchemas = new Map<string, JsonSchema>();
  const pending: Array<{ schema: JsonSchema; base: string; id: string }> = [{ schema: document.annotation, base: '/annotation', id: selfId }];
  while (pending.length > 0) {
    const { schema, base, id } = pending.pop()!;
    for (const ref of collectExternalRefs(schema, base, problems)) {
      const target = parseRegistryRef(ref.value);
      if (!target) {
        problems.push(
          problem(ProtocolProblemCode.REMOTE_REF, ref.pointer, `"${ref.value}" is a remote reference; only local "#..." and "imagora:protocol/NAME@VERSION#..." references are allowed`),
        );
        continue;
      }
      if (target.id === selfId || target.id === id || registrySchemas.has(target.id)) continue;
      if (registrySchemas.size >= MAX_REGISTRY_SCHEMAS) {
        problems.push(problem(ProtocolProblemCode.TOO_COMPLEX, ref.pointer, `more than ${MAX_REGISTRY_SCHEMAS} registry schemas referenced`));
        continue;
      }
      const resolved = resolver?.(target.name, target.version);
      if (resolved === undefined) {
        problems.push(problem(ProtocolProblemCode.REF_UNRESOLVED, ref.pointer, `the registry has no published ${target.name}@${target.version}`));
        continue;
      }
      const shape = measureJsonValue(resolved, limits.maxDepth, limits.maxNodes);
      if (!shape.ok || (typeof resolved !== 'boolean' && (typeof resolved !== 'object' || resolved === null || Array.isArray(resolved)))) {
        problems.push(problem(ProtocolProblemCode.REF_UNRESOLVED, ref.pointer, `${target.id} did not resolve to a usable JSON Schema`));
        continue;
      }
      if (dialectOf(resolved) !== dialect) {
        problems.push(problem(ProtocolProblemCode.UNSUPPORTED_DIALECT, ref.pointer, `${target.id} uses a different JSON Schema dialect than this annotation schema`));
        continue;
      }
      registrySchemas.set(target.id, resolved as JsonSchema);
      pending.push({ schema: resolved as JsonSchema, base: ref.pointer, id: target.id });
    }
  }
  if (problems.length > 0) return { problems };

  return compileWithBudget(document.annotation, dialect, selfId, registrySchemas, limits);
}

interface FoundRef {
  readonly value: string;
  readonly pointer: string;
}

// References whose target is outside the schema itself; local ones are checked for well-formed pointers.
function collectExternalRefs(schema: JsonSchema, base: string, problems: ProtocolProblem[]): FoundRef[] {
  const declaredIds = new Set<string>();
  const refs: FoundRef[] = [];
  walkSchema(schema, ({ schema: node, pointer }) => {
    if (typeof node !== 'object') return;
    const id = node['$id'];
    if (typeof id === 'string') declaredIds.add(id.split('#')[0]);
    for (const keyword of ['$ref', '$dynamicRef', '$recursiveRef']) {
      const value = node[keyword];
      if (typeof value === 'string') refs.push({ value, pointer: base + joinJsonPointer(pointer, keyword) });
    }
  });
  return refs.filter((ref) => {
    const hash = ref.value.indexOf('#');
    const resource = hash < 0 ? ref.value : ref.value.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.value.slice(hash + 1);
    if (fragment.startsWith('/') && !parseFragmentPointer(fragment)) {
      problems.push(problem(ProtocolProblemCode.INVALID_POINTER, ref.pointer, `"${ref.value}" has a malformed JSON Pointer fragment`));
      return false;
    }
    return resource !== '' && !declaredIds.has(resource);
  });
}

function compileWithBudget(
  annotation: JsonSchema,
  dialect: SchemaDialect,
  selfId: string,
  registrySchemas: Map<string, JsonSchema>,
  limits: DocumentLimits,
): AnnotationCompilation {
  const started = performance.now();
  let validate: ValidateFunction;
  try {
    const ajv = createAnnotationAjv(dialect);
    for (const [id, schema] of registrySchemas) ajv.addSchema(withId(schema, id), id);
    // The annotation answers to its own registry id when it declares none, so
    // "imagora:protocol/<self>@<version>#/$defs/x" works as well as "#/$defs/x".
    const own = typeof annotation === 'object' && annotation['$id'] === undefined ? withId(annotation, selfId) : annotation;
    validate = ajv.compile(own as AnySchemaObject);
  } catch (error) {
    return { problems: [compileProblem(error)] };
  }
  const compileMs = performance.now() - started;
  // ajv compiles synchronously, so the budget is enforced by the input limits (size, depth,
  // value count, registry fan-out) that bound the work, and checked here so an unexpectedly
  // slow schema is refused rather than cached.
  if (compileMs > limits.compileTimeoutMs) {
    return {
      problems: [
        problem(ProtocolProblemCode.COMPILE_TIMEOUT, '/annotation', `compiling the annotation schema took ${Math.round(compileMs)} ms; the budget is ${limits.compileTimeoutMs} ms`),
      ],
      compileMs,
    };
  }
  return { problems: [], validate, compileMs };
}

function withId(schema: JsonSchema, id: string): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  return { ...schema, $id: id };
}

function compileProblem(error: unknown): ProtocolProblem {
  if (error instanceof UnsafePatternError) {
    return problem(ProtocolProblemCode.UNSAFE_REGEX, '/annotation', `${error.message}; rewrite it without lookaround or backreferences`);
  }
  const message = error instanceof Error ? error.message : String(error);
  const missingRef = (error as { missingRef?: string }).missingRef;
  if (missingRef !== undefined || /can't resolve reference/.test(message)) {
    return problem(ProtocolProblemCode.REF_UNRESOLVED, '/annotation', message);
  }
  return problem(ProtocolProblemCode.ANNOTATION_INVALID, '/annotation', `annotation schema does not compile: ${message}`);
}

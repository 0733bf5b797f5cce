import type { ErrorObject, ValidateFunction } from 'ajv';
import { DomainError, ProtocolErrorCode } from '@imagora/core';
import { contentHash } from './canonical-json';
import type { DocumentLimits } from './json-limits';
import { parseJsonPointer } from './json-pointer';
import type { ProtocolDocument } from './protocol-document';
import { compileProtocolDocument } from './protocol-linter';
import { ProtocolProblemCode } from './protocol-problem';
import type { AnnotationSchemaResolver } from './registry-ref';

export enum RecordIssueCode {
  // The record does not satisfy the protocol's annotation schema.
  SCHEMA = 'RECORD_SCHEMA',
  // The label id at references.label is not one of the protocol's labels.
  UNKNOWN_LABEL = 'RECORD_UNKNOWN_LABEL',
  // The coordinates at references.coordinates are not column,row pairs.
  ODD_COORDINATES = 'RECORD_ODD_COORDINATES',
}

export interface RecordIssue {
  readonly code: RecordIssueCode;
  // RFC 6901 pointer into the record (ajv's instancePath).
  readonly instancePath: string;
  // The JSON Schema keyword that failed, for schema issues.
  readonly keyword?: string;
  readonly message: string;
}

export interface RecordValidation {
  readonly valid: boolean;
  readonly issues: readonly RecordIssue[];
}

const VALID: RecordValidation = Object.freeze({ valid: true, issues: Object.freeze([]) as readonly RecordIssue[] });

function readPointer(record: unknown, tokens: readonly string[]): unknown {
  let current = record;
  for (let index = 0; index < tokens.length; index++) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[tokens[index]];
  }
  return current;
}

/** One compiled protocol version: validates annotation records against it. */
export class ProtocolValidator {
  private readonly labelIds: ReadonlySet<string>;
  private readonly labelTokens: readonly string[];
  private readonly labelPointer: string;
  private readonly coordinateTokens?: readonly string[];
  private readonly coordinatePointer?: string;

  constructor(
    readonly document: ProtocolDocument,
    readonly hash: string,
    private readonly validate: ValidateFunction,
    readonly compileMs: number,
  ) {
    this.labelIds = new Set(document.labels.map((label) => label.id));
    this.labelPointer = document.references.label;
    this.labelTokens = parseJsonPointer(document.references.label) ?? [];
    this.coordinatePointer = document.references.coordinates;
    this.coordinateTokens = this.coordinatePointer === undefined ? undefined : parseJsonPointer(this.coordinatePointer);
  }

  /**
   * The hot path: one ajv call and two pointer reads for a valid record, and a shared frozen
   * result, so it stays within a few percent of bare ajv. Issues are values, never exceptions.
   */
  validateRecord(record: unknown): RecordValidation {
    const schemaValid = this.validate(record);
    const label = readPointer(record, this.labelTokens);
    const labelKnown = typeof label !== 'string' || this.labelIds.has(label);
    const coordinates = this.coordinateTokens === undefined ? undefined : readPointer(record, this.coordinateTokens);
    const coordinatesPaired = !Array.isArray(coordinates) || coordinates.length % 2 === 0;
    if (schemaValid && labelKnown && coordinatesPaired) return VALID;

    const issues: RecordIssue[] = schemaValid ? [] : (this.validate.errors ?? []).map(schemaIssue);
    if (!labelKnown) {
      issues.push({ code: RecordIssueCode.UNKNOWN_LABEL, instancePath: this.labelPointer, message: `label "${label as string}" is not in the protocol's label set` });
    }
    if (!coordinatesPaired) {
      issues.push({
        code: RecordIssueCode.ODD_COORDINATES,
        instancePath: this.coordinatePointer!,
        message: `coordinates must be column,row pairs; got ${(coordinates as unknown[]).length} numbers`,
      });
    }
    return { valid: false, issues };
  }
}

function schemaIssue(error: ErrorObject): RecordIssue {
  const detail =
    error.keyword === 'additionalProperties'
      ? ` (${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.map((value) => JSON.stringify(value)).join(', ')})`
        : '';
  return { code: RecordIssueCode.SCHEMA, instancePath: error.instancePath, keyword: error.keyword, message: `${error.message ?? 'is invalid'}${detail}` };
}

export interface ValidatorCacheOptions {
  // Least-recently-used entries beyond this are dropped (compiled validators hold generated code).
  readonly maxEntries?: number;
  readonly resolver?: AnnotationSchemaResolver;
  readonly limits?: Partial<DocumentLimits>;
}

/**
 * Compiled validators keyed by the document's content hash (sha256 of its RFC 8785 canonical
 * JSON), so the same published version is compiled once however many times it is requested, and
 * an edited draft never reuses a stale validator.
 */
export class ProtocolValidatorCache {
  private readonly entries = new Map<string, ProtocolValidator>();
  private readonly maxEntries: number;

  constructor(private readonly options: ValidatorCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 64);
  }

  get size(): number {
    return this.entries.size;
  }

  // A validator already compiled under this content hash, if any.
  peek(hash: string): ProtocolValidator | undefined {
    const entry = this.entries.get(hash);
    if (entry) this.touch(hash, entry);
    return entry;
  }

  /** The validator of a protocol document; lints and compiles it on first use. */
  get(document: unknown): ProtocolValidator {
    let hash: string | undefined;
    try {
      hash = contentHash(document);
    } catch {
      // Not canonicalisable (too deep, NaN, ...): let the linter say exactly why below.
    }
    const cached = hash === undefined ? undefined : this.peek(hash);
    if (cached) return cached;

    const compiled = compileProtocolDocument(document, { resolver: this.options.resolver, limits: this.options.limits });
    if (!compiled.ok || !compiled.validate || !compiled.document || !compiled.hash) {
      const tooLarge = compiled.problems.some((p) => p.code === ProtocolProblemCode.TOO_LARGE);
      throw new DomainError(
        tooLarge ? ProtocolErrorCode.TOO_LARGE : ProtocolErrorCode.INVALID_DOCUMENT,
        `protocol document has ${compiled.problems.length} problem(s): ${compiled.problems[0]?.message ?? 'invalid'}`,
        { problems: compiled.problems },
      );
    }
    const validator = new ProtocolValidator(compiled.document, compiled.hash, compiled.validate, compiled.compileMs ?? 0);
    this.touch(compiled.hash, validator);
    return validator;
  }

  private touch(hash: string, validator: ProtocolValidator): void {
    this.entries.delete(hash);
    this.entries.set(hash, validator);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

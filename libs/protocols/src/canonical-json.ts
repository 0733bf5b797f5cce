import { createHash } from 'node:crypto';
import { DomainError, ProtocolErrorCode } from '@imagora/core';

// Deeper than any document the linter accepts; keeps the recursive serializer far from the stack limit.
const MAX_CANONICAL_DEPTH = 1000;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values protocol documents contain: object
 * members sorted by UTF-16 code units, no whitespace, ECMAScript number serialisation.
 * Two documents that differ only in key order or spacing get the same text and so the same hash.
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, 0);
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function serialize(value: unknown, depth: number): string {
  if (depth > MAX_CANONICAL_DEPTH) {
    throw new DomainError(ProtocolErrorCode.NOT_JSON, `value nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // RFC 8785 §3.2.2.3: NaN and infinities have no JSON form.
    if (!Number.isFinite(value)) throw new DomainError(ProtocolErrorCode.NOT_JSON, `${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return '[' + value.map((item) => serialize(item, depth + 1)).join(',') + ']';
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      if (object[key] === undefined) continue;
      members.push(JSON.stringify(key) + ':' + serialize(object[key], depth + 1));
    }
    return '{' + members.join(',') + '}';
  }
  throw new DomainError(ProtocolErrorCode.NOT_JSON, `a ${typeof value} is not a JSON value`);
}

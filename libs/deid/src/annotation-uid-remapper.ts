import { DeidErrorCode, DomainError } from '@imagora/core';

// Annotation records (JSON) point at DICOM instances by UID at the JSON Pointers a protocol declares in its
// `references` (RFC 6901). De-identification remaps them with the same UID function as the DICOM files, so a
// record still points at its (pseudonymised) image.

export interface AnnotationRemapResult<T> {
  readonly record: T;
  /** Pointers that resolved to nothing, or to something other than a UID string (or array of them). */
  readonly unresolved: string[];
  readonly remapped: number;
}

/** Parses an RFC 6901 pointer into reference tokens (`~1` → `/`, `~0` → `~`). */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/') || /~[^01]|~$/.test(pointer)) {
    throw new DomainError(DeidErrorCode.INVALID_JSON_POINTER, `"${pointer}" is not an RFC 6901 JSON Pointer`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Returns a copy of `record` with the UID(s) at each pointer replaced by `remapUid(uid)`. */
export function remapAnnotationUids<T>(record: T, pointers: readonly string[], remapUid: (uid: string) => string): AnnotationRemapResult<T> {
  const copy = structuredClone(record) as unknown as Json;
  const unresolved: string[] = [];
  let remapped = 0;
  for (const pointer of pointers) {
    const tokens = parseJsonPointer(pointer);
    if (tokens.length === 0) {
      throw new DomainError(DeidErrorCode.INVALID_JSON_POINTER, 'a reference must point inside the record, not at the whole record');
    }
    let parent: Json = copy;
    for (const token of tokens.slice(0, -1)) {
      parent = step(parent, token);
      if (parent === undefined) break;
    }
    const last = tokens[tokens.length - 1];
    const container = parent as Json;
    const target = container === undefined ? undefined : step(container, last);
    if (typeof target === 'string') {
      assign(container, last, remapUid(target));
      remapped++;
    } else if (Array.isArray(target) && target.every((value) => typeof value === 'string')) {
      assign(container, last, (target as string[]).map((uid) => remapUid(uid)));
      remapped += target.length;
    } else {
      unresolved.push(pointer);
    }
  }
  return { record: copy as unknown as T, unresolved, remapped };
}

function step(value: Json, token: string): Json {
  if (Array.isArray(value)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return undefined as unknown as Json;
    return value[Number(token)];
  }
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, token)) return value[token];
  return undefined as unknown as Json;
}

function assign(container: Json, token: string, value: Json): void {
  if (Array.isArray(container)) container[Number(token)] = value;
  else if (container !== null && typeof container === 'object') container[token] = value;
}

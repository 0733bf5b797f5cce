import { joinJsonPointer } from './json-pointer';

export interface DocumentLimits {
  // UTF-8 bytes of the document text (or of its JSON serialisation when given a value).
  readonly maxBytes: number;
  // Nesting of arrays and objects; the document root is depth 1.
  readonly maxDepth: number;
  // JSON values of every kind, counted once each.
  readonly maxNodes: number;
  // Wall-clock budget for compiling the annotation schema.
  readonly compileTimeoutMs: number;
}

export const DEFAULT_LIMITS: DocumentLimits = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxNodes: 100_000,
  compileTimeoutMs: 2_000,
};

export type ShapeVerdict =
  | { readonly ok: true; readonly nodes: number; readonly depth: number }
  | { readonly ok: false; readonly reason: 'depth' | 'nodes' | 'not-json'; readonly pointer: string; readonly detail: string };

/**
 * Finds the first point where JSON text nests deeper than maxDepth, without parsing it, so a
 * 100,000-deep document is refused before JSON.parse or any walker sees it. Returns the character
 * offset, or -1. Strings are skipped with their escapes; malformed text is left to JSON.parse.
 */
export function findExcessNesting(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > maxDepth) return index;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return -1;
}

/**
 * Measures depth and size of an already-parsed value with an explicit stack (no recursion, so
 * no stack overflow however deep the input) and stops at the first limit crossed. Also refuses
 * values JSON cannot carry (functions, undefined, NaN, class instances), which callers that pass
 * objects instead of text could otherwise smuggle in.
 */
export function measureJsonValue(value: unknown, maxDepth: number, maxNodes: number): ShapeVerdict {
  const stack: Array<{ value: unknown; depth: number; pointer: string }> = [{ value, depth: 1, pointer: '' }];
  let nodes = 0;
  let deepest = 0;
  while (stack.length > 0) {
    const { value: current, depth, pointer } = stack.pop()!;
    nodes++;
    if (nodes > maxNodes) return { ok: false, reason: 'nodes', pointer, detail: `more than ${maxNodes} JSON values` };
    if (current === null || typeof current === 'string' || typeof current === 'boolean') continue;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return { ok: false, reason: 'not-json', pointer, detail: `${current} is not a JSON number` };
      continue;
    }
    if (typeof current !== 'object') return { ok: false, reason: 'not-json', pointer, detail: `a ${typeof current} is not a JSON value` };
    if (depth > maxDepth) return { ok: false, reason: 'depth', pointer, detail: `nesting deeper than ${maxDepth} levels` };
    deepest = Math.max(deepest, depth);
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index], depth: depth + 1, pointer: joinJsonPointer(pointer, index) });
      }
      continue;
    }
    const prototype = Object.getPrototypeOf(current);
    if (prototype !== Object.prototype && prototype !== null) {
      return { ok: false, reason: 'not-json', pointer, detail: 'only plain objects are JSON objects' };
    }
    const entries = Object.entries(current as Record<string, unknown>);
    for (let index = entries.length - 1; index >= 0; index--) {
      stack.push({ value: entries[index][1], depth: depth + 1, pointer: joinJsonPointer(pointer, entries[index][0]) });
    }
  }
  return { ok: true, nodes, depth: deepest };
}

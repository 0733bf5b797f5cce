// RFC 6901 JSON Pointer: "" or a sequence of "/"-prefixed reference tokens in which "~" is
// only ever followed by "0" (for "~") or "1" (for "/").
const WELL_FORMED = /^(?:\/(?:[^~/]|~[01])*)*$/;

export function isJsonPointer(value: string): boolean {
  return WELL_FORMED.test(value);
}

// Returns undefined for a malformed pointer rather than throwing: callers report it as a problem.
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (!isJsonPointer(pointer)) return undefined;
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function escapeJsonPointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function joinJsonPointer(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((token) => '/' + escapeJsonPointerToken(token)).join('');
}

// RFC 6901 §6: a pointer inside a URI fragment is percent-encoded ("#/a%20b").
export function parseFragmentPointer(fragment: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
  return parseJsonPointer(decoded);
}

export function getAtPointer(value: unknown, tokens: readonly string[]): unknown {
  let current: unknown = value;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      // RFC 6901 §4: array indexes are decimal without leading zeros.
      if (!/^(?:0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import { RE2JS } from 're2js';

// Thrown while ajv compiles a schema whose `pattern`/`patternProperties` the linear-time engine
// cannot run (lookaround, backreferences, repeat counts over 1000). The linter turns it into a
// PROTOCOL_UNSAFE_REGEX problem; it never leaves the library.
export class UnsafePatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${JSON.stringify(pattern)} cannot run on the linear-time engine: ${reason}`);
    this.name = 'UnsafePatternError';
  }
}

/**
 * Compiles a JSON Schema `pattern` (ECMA-262 syntax, unanchored search: JSON Schema 2020-12
 * validation §6.3.3) with RE2 semantics, so matching is linear in the input and a committee
 * schema cannot ReDoS the hub. Known differences from ECMA-262: `\s` is ASCII whitespace only
 * and `.` also matches "\r", "\u2028" and "\u2029".
 */
export function compileLinearPattern(pattern: string): RegExpLike {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    throw new UnsafePatternError(pattern, error instanceof Error ? error.message : String(error));
  }
  // ajv caches compiled patterns in its scope under `toString()`: without a distinct string every
  // pattern of a schema would share the first one's matcher.
  const source = `/${pattern}/re2`;
  const matcher: RegExpLike & { toString(): string } = { test: (input: string) => compiled.test(input), toString: () => source };
  return matcher;
}

// ajv's `code.regExp` hook; `code` only matters for standalone code generation, which we do not use.
export const linearRegExpEngine: RegExpEngine = Object.assign((pattern: string) => compileLinearPattern(pattern), {
  code: 'require("re2js").RE2JS',
});

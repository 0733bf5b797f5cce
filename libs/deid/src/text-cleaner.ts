// Cleaning free text (PS3.15 Table E.1-1a action C: "replace with values of similar meaning known not to
// identify"): every identifying value of the same instance is cut out, and under the clean options also the
// patterns that identify by themselves (e-mail addresses, phone numbers, calendar dates).

const CLEAN_PATTERNS: readonly RegExp[] = [
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
  /\+?\d[\d ()-]{7,}\d/g,
  /\b\d{4}[-./]\d{2}[-./]\d{2}\b/g,
  /\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b/g,
  /\b(19|20)\d{6}\b/g,
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class TextCleaner {
  private readonly pattern: RegExp | undefined;

  /** `identifying`: values (any case) that must not survive in any text of the instance. */
  constructor(identifying: Iterable<string>) {
    const values = [...new Set([...identifying].map((value) => value.toLowerCase()))].sort((a, b) => b.length - a.length);
    // Whole tokens only (not inside a longer word or number), so "0010" is not cut out of "CT00101".
    this.pattern = values.length ? new RegExp(`(?<![a-z0-9])(?:${values.map(escapeRegExp).join('|')})(?![a-z0-9])`, 'gi') : undefined;
  }

  /** Removes the instance's identifying values. */
  scrub(text: string): string {
    if (!this.pattern) return text;
    this.pattern.lastIndex = 0;
    return this.pattern.test(text) ? text.replace(this.pattern, '') : text;
  }

  /** Scrub plus the identifying patterns, for attributes whose action is C. */
  clean(text: string): string {
    let result = this.scrub(text);
    for (const pattern of CLEAN_PATTERNS) result = result.replace(pattern, '');
    return result;
  }
}

/** True when `needle` (lower case) occurs in `haystack` (lower case) as a whole token. */
export function containsToken(haystack: string, needle: string): boolean {
  let index = haystack.indexOf(needle);
  while (index >= 0) {
    const before = index === 0 ? '' : haystack[index - 1];
    const after = haystack[index + needle.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    index = haystack.indexOf(needle, index + 1);
  }
  return false;
}

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

const NON_LATIN1 = /[^\u0000-\u00ff]/; // eslint-disable-line no-control-regex -- the Latin-1 range starts at NUL

/** [A-Za-z0-9]: what `(?<![a-z0-9])` with the `i` flag refuses next to a value. */
function isAsciiAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class TextCleaner {
  /** Lower-cased values, longest first (the alternation prefers the longest value at a position). */
  private readonly values: string[];
  private compiled: RegExp | undefined;
  // One instance's texts repeat (code meanings, labels): each distinct text is scrubbed once.
  private readonly scrubbed = new Map<string, string>();
  private readonly cleaned = new Map<string, string>();

  /** True when a value has characters outside Latin-1 (then the RegExp is used, see scrubUncached). */
  private readonly unicode: boolean;

  /** `identifying`: values (any case) that must not survive in any text of the instance. */
  constructor(identifying: Iterable<string>) {
    this.values = [...new Set([...identifying].map((value) => value.toLowerCase()))].sort((a, b) => b.length - a.length);
    this.unicode = this.values.some((value) => NON_LATIN1.test(value));
  }

  // Whole tokens only (not inside a longer word or number), so "0010" is not cut out of "CT00101". Built on first
  // use: most instances have no free text that contains any of their values.
  private get pattern(): RegExp {
    this.compiled ??= new RegExp(`(?<![a-z0-9])(?:${this.values.map(escapeRegExp).join('|')})(?![a-z0-9])`, 'gi');
    return this.compiled;
  }

  /** Removes the instance's identifying values. */
  scrub(text: string): string {
    if (this.values.length === 0) return text;
    const known = this.scrubbed.get(text);
    if (known !== undefined) return known;
    const result = this.scrubUncached(text);
    this.scrubbed.set(text, result);
    return result;
  }

  private scrubUncached(text: string): string {
    if (this.unicode || NON_LATIN1.test(text)) {
      // Outside Latin-1, lower-casing and the `i` flag's case folding can disagree: let the RegExp decide.
      const pattern = this.pattern;
      pattern.lastIndex = 0;
      return pattern.test(text) ? text.replace(pattern, '') : text;
    }
    // A match needs the value as a substring: when none occurs (the usual case) nothing more is done.
    const lower = text.toLowerCase();
    const candidates = this.values.filter((value) => value !== '' && lower.includes(value));
    if (candidates.length === 0) return text;
    // The RegExp's semantics by hand (it costs more to compile than to run): left to right, at each position the
    // first (longest) value that matches there as a whole token is cut, and the scan resumes after it. In Latin-1
    // text lower-casing keeps positions and agrees with the `i` flag, so comparing with `lower` is the same test.
    let result = '';
    let kept = 0;
    for (let position = 0; position < text.length; ) {
      let matched = 0;
      if (position === 0 || !isAsciiAlphanumeric(text.charCodeAt(position - 1))) {
        for (const value of candidates) {
          const end = position + value.length;
          if (lower.startsWith(value, position) && (end === text.length || !isAsciiAlphanumeric(text.charCodeAt(end)))) {
            matched = value.length;
            break;
          }
        }
      }
      if (matched === 0) {
        position++;
        continue;
      }
      result += text.slice(kept, position);
      position += matched;
      kept = position;
    }
    return kept === 0 ? text : result + text.slice(kept);
  }

  /** Scrub plus the identifying patterns, for attributes whose action is C. */
  clean(text: string): string {
    const known = this.cleaned.get(text);
    if (known !== undefined) return known;
    let result = this.scrub(text);
    for (const pattern of CLEAN_PATTERNS) result = result.replace(pattern, '');
    this.cleaned.set(text, result);
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

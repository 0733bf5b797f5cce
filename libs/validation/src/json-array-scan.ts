export interface ArrayScan {
  // 1-based line on which each top-level element starts.
  readonly lines: number[];
  // Indexes of elements that nest deeper than the limit (the element itself is depth 1).
  readonly tooDeep: Set<number>;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * One pass over a JSON array's text: where each element starts (for line numbers in issues) and which
 * elements nest too deep to validate. Malformed text is left for JSON.parse to describe.
 */
export function scanJsonArray(text: string, maxDepth: number): ArrayScan {
  const lines: number[] = [];
  const tooDeep = new Set<number>();
  let line = 1;
  let depth = 0;
  let expectElement = false;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x0a) line++;
    if (expectElement && !WHITESPACE.has(char) && char !== 0x5d) {
      lines.push(line);
      expectElement = false;
    }
    if (char === 0x22) {
      for (index++; index < length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) index++;
        else if (inner === 0x22) break;
        else if (inner === 0x0a) line++;
      }
    } else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth === 1 && char === 0x5b) expectElement = true;
      // Depth 1 is the array itself, so an element at depth d of its own sits at depth d + 1.
      else if (depth - 1 > maxDepth && lines.length > 0) tooDeep.add(lines.length - 1);
    } else if (char === 0x7d || char === 0x5d) depth--;
    else if (char === 0x2c && depth === 1) expectElement = true;
  }
  return { lines, tooDeep };
}

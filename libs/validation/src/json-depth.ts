/**
 * The first character offset at which JSON text nests deeper than maxDepth, or -1. One pass over the
 * string without parsing, so a record nested 100,000 deep is refused before ajv (whose generated code
 * recurses for recursive schemas) sees it. Strings are skipped with their escapes.
 */
export function excessNestingOffset(text: string, maxDepth: number): number {
  // A text of n characters cannot open more than n/2 levels and still close them; shorter texts are
  // at most as deep as their bracket count, so the scan is skipped when it cannot find anything.
  if (text.length <= maxDepth) return -1;
  let depth = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22) {
      // Skip the string: find its closing quote, honouring backslash escapes.
      for (index++; index < length; index++) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) index++;
        else if (inner === 0x22) break;
      }
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > maxDepth) return index;
    } else if (char === 0x7d || char === 0x5d) depth--;
  }
  return -1;
}

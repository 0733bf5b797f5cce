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

/**
 * True when a parsed JSON value nests deeper than maxDepth (the value itself is depth 1). An explicit
 * stack, no recursion, and it only ever walks containers down to maxDepth + 1, so a value nested
 * 100,000 deep costs 65 steps; a typical record costs a handful. Cheaper than scanning the text,
 * which costs a step per character.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth) return true;
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index++) {
        const child: unknown = current[index];
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child: unknown = (current as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          stack.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

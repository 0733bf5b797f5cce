import { COMPATIBILITY_MODES, type CompatibilityMode } from './protocol-document';

// BACKWARD: the new schema accepts every record valid under the old one (old data stays valid).
// FORWARD: the old schema accepts every record valid under the new one (old readers cope).
export type Direction = 'BACKWARD' | 'FORWARD';

export interface CompatibilityChange {
  // RFC 6901 pointer into the new document (or the old one, for something removed).
  readonly pointer: string;
  // Stable kind, e.g. "required-added", "enum-value-removed", "unsupported-keyword".
  readonly kind: string;
  // Directions this change may break; empty for a change that breaks neither.
  readonly breaks: Direction[];
  readonly message: string;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  readonly changes: CompatibilityChange[];
}

export const BOTH_DIRECTIONS: readonly Direction[] = ['BACKWARD', 'FORWARD'];

export function requiredDirections(mode: CompatibilityMode): Direction[] {
  switch (mode) {
    case 'BACKWARD':
    case 'BACKWARD_TRANSITIVE':
      return ['BACKWARD'];
    case 'FORWARD':
    case 'FORWARD_TRANSITIVE':
      return ['FORWARD'];
    case 'FULL':
    case 'FULL_TRANSITIVE':
      return [...BOTH_DIRECTIONS];
    case 'NONE':
      return [];
  }
}

export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

export function breaksUnder(change: CompatibilityChange, mode: CompatibilityMode): boolean {
  const directions = requiredDirections(mode);
  return change.breaks.some((direction) => directions.includes(direction));
}

export { COMPATIBILITY_MODES };

// Counts per key (modality, label, reader …) with a cap on distinct keys: hostile input with a million
// distinct labels must not grow the summary, so keys past the cap are counted under OTHER_KEY.
export const OTHER_KEY = '(other)';
export const MAX_COUNTED_KEYS = 1000;
export const MAX_COUNTED_KEY_LENGTH = 256;

export class BoundedCounter {
  // A mutable cell per key: one hash lookup per add for a known key, not a get and a set.
  private readonly counts = new Map<string, { count: number }>();

  constructor(private readonly maxKeys = MAX_COUNTED_KEYS) {}

  add(key: string): void {
    this.cell(key).count++;
  }

  /**
   * Where key is counted: its own cell, or OTHER_KEY's once the cap is reached (for good: keys are never
   * dropped). A caller may keep the cell and count on it directly.
   */
  cell(key: string): { count: number } {
    let cell = this.counts.get(key);
    if (cell !== undefined) return cell;
    if (this.counts.size < this.maxKeys && key.length <= MAX_COUNTED_KEY_LENGTH) {
      cell = { count: 0 };
      this.counts.set(key, cell);
      return cell;
    }
    let other = this.counts.get(OTHER_KEY);
    if (other === undefined) {
      other = { count: 0 };
      this.counts.set(OTHER_KEY, other);
    }
    return other;
  }

  toJSON(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const key of [...this.counts.keys()].sort()) result[key] = this.counts.get(key)!.count;
    return result;
  }
}

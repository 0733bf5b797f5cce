// Counts per key (modality, label, reader …) with a cap on distinct keys: hostile input with a million
// distinct labels must not grow the summary, so keys past the cap are counted under OTHER_KEY.
export const OTHER_KEY = '(other)';

export class BoundedCounter {
  // A mutable cell per key: one hash lookup per add for a known key, not a get and a set.
  private readonly counts = new Map<string, { count: number }>();

  constructor(private readonly maxKeys = 1000) {}

  add(key: string): void {
    const cell = this.counts.get(key);
    if (cell !== undefined) cell.count++;
    else if (this.counts.size < this.maxKeys && key.length <= 256) this.counts.set(key, { count: 1 });
    else {
      const other = this.counts.get(OTHER_KEY);
      if (other !== undefined) other.count++;
      else this.counts.set(OTHER_KEY, { count: 1 });
    }
  }

  toJSON(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const key of [...this.counts.keys()].sort()) result[key] = this.counts.get(key)!.count;
    return result;
  }
}

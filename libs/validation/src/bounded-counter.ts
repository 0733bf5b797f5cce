// Counts per key (modality, label, reader …) with a cap on distinct keys: hostile input with a million
// distinct labels must not grow the summary, so keys past the cap are counted under OTHER_KEY.
export const OTHER_KEY = '(other)';

export class BoundedCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxKeys = 1000) {}

  add(key: string): void {
    const current = this.counts.get(key);
    if (current !== undefined) this.counts.set(key, current + 1);
    else if (this.counts.size < this.maxKeys && key.length <= 256) this.counts.set(key, 1);
    else this.counts.set(OTHER_KEY, (this.counts.get(OTHER_KEY) ?? 0) + 1);
  }

  toJSON(): Record<string, number> {
    const result: Record<string, number> = {};
    for (const key of [...this.counts.keys()].sort()) result[key] = this.counts.get(key)!;
    return result;
  }
}

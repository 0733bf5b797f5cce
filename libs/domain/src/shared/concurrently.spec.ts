import { forEachConcurrently } from './concurrently';

async function* numbers(n: number) {
  for (let i = 0; i < n; i++) yield i;
}

describe(forEachConcurrently.name, () => {
  it('visits every item once with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrently(numbers(50), 4, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      seen.push(i);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it('rethrows the first failure and starts no new work after it', async () => {
    const started: number[] = [];
    await expect(
      forEachConcurrently(numbers(100), 2, async (i) => {
        started.push(i);
        if (i === 5) throw new Error('boom');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }),
    ).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(10);
  });
});

/**
 * Runs `work` on every item of an async iterable with at most `limit` in flight, pulling items only as slots free
 * up (so a long listing is never held in memory). The first failure stops new work and is rethrown once the
 * work already started has settled.
 */
export async function forEachConcurrently<T>(items: AsyncIterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Lanes share one iterator; its next() calls are serialized by awaiting each before working.
  await Promise.all(Array.from({ length: Math.max(1, limit) }, lane));
  if (failure) throw failure.error;
}

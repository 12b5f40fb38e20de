/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.error;
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Longest job first: with bounded concurrency, starting the biggest copies first keeps one large
 * collection from becoming a long tail after everything else has finished. Results keep the
 * input order.
 */
export async function mapLargestFirst<T, R>(
  items: readonly T[],
  size: (item: T) => number,
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const order = items.map((item, index) => ({ item, index })).sort((a, b) => size(b.item) - size(a.item));
  const results = await mapBounded(order, limit, ({ item }) => fn(item));
  const byIndex = new Array<R>(items.length);
  order.forEach(({ index }, k) => {
    byIndex[index] = results[k] as R;
  });
  return byIndex;
}

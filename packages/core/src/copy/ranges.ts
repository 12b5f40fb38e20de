import type { Collection, Document } from "mongodb";

/**
 * Splitting a collection into `_id` ranges that together hold every document exactly once,
 * whatever the `_id` values are.
 *
 * Query operators compare with type bracketing: `{_id: {$gte: "m", $lt: ObjectId(...)}}`
 * matches nothing, because no string is less than an ObjectId *as a query*. Aggregation
 * comparisons (`$expr`) use the total BSON order instead (MinKey < null < numbers < strings <
 * objects < ... < ObjectId < bool < date < ... < MaxKey), and the server still turns them into
 * `_id` index bounds. Split points are therefore chosen by sorting a sample on the server (the
 * same order) and every range is an `$expr` on half-open bounds, so a range may span types.
 */

export interface IdRange {
  /** Inclusive; undefined = from the smallest `_id`. */
  from?: unknown;
  /** Exclusive; undefined = to the largest `_id`. */
  to?: unknown;
}

/** Sampled `_id`s per range: enough for ranges of similar size without scanning the collection. */
const SAMPLES_PER_RANGE = 32;

/** Half-open ranges covering all `_id`s, at most `k` of them. */
export async function splitById<T extends Document>(
  collection: Collection<T>,
  k: number,
  comment?: string,
  maxTimeMS?: number,
): Promise<IdRange[]> {
  if (k <= 1) return [{}];
  const sample = await collection
    .aggregate<{ _id: unknown }>(
      // $sample may return a document twice: group before sorting so that bounds are distinct.
      [{ $sample: { size: k * SAMPLES_PER_RANGE } }, { $group: { _id: "$_id" } }, { $sort: { _id: 1 } }],
      {
        ...(comment ? { comment } : {}),
        ...(maxTimeMS ? { maxTimeMS } : {}),
        // The sampled values are only handed back to the server as bounds: keep their exact types.
        promoteLongs: false,
        promoteValues: false,
        promoteBuffers: false,
        bsonRegExp: true,
      },
    )
    .toArray();
  return rangesFromSortedSample(
    sample.map((d) => d._id),
    k,
  );
}

/**
 * Boundaries at the quantiles of a sample the server sorted and de-duplicated. A small sample
 * can give fewer ranges than asked.
 */
export function rangesFromSortedSample(ids: readonly unknown[], k: number): IdRange[] {
  const bounds: unknown[] = [];
  for (let i = 1; i < k; i++) {
    const at = Math.floor((i * ids.length) / k);
    if (at <= 0 || at >= ids.length) continue;
    if (bounds.length && bounds[bounds.length - 1] === ids[at]) continue;
    bounds.push(ids[at]);
  }
  const ranges: IdRange[] = [];
  for (let i = 0; i <= bounds.length; i++) {
    ranges.push({
      ...(i > 0 ? { from: bounds[i - 1] } : {}),
      ...(i < bounds.length ? { to: bounds[i] } : {}),
    });
  }
  return ranges;
}

/**
 * The `$match` stage of one range. Bounds are wrapped in `$literal`: an `_id` such as the
 * string "$x" or `{ $add: [...] }` would otherwise be read as an expression.
 */
export function rangeMatch(range: IdRange): Document | undefined {
  const conditions: Document[] = [];
  if (range.from !== undefined) conditions.push({ $gte: ["$_id", { $literal: range.from }] });
  if (range.to !== undefined) conditions.push({ $lt: ["$_id", { $literal: range.to }] });
  if (conditions.length === 0) return undefined;
  return { $match: { $expr: conditions.length === 1 ? conditions[0] : { $and: conditions } } };
}

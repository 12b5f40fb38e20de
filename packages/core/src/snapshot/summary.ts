import type { CollectionReport } from "../copy/engine";
import { type PauseTiming, renderGantt } from "../gantt";
import { table } from "../markdown";

/**
 * The end of a restore's or producer's job summary: one row per collection, then the timeline of
 * the copies, where the bar that ends last is the collection that decided the total time.
 */
export function copiesSection(
  collections: readonly CollectionReport[],
  /** The throttle's pauses, drawn under the copies. */
  pauses: readonly PauseTiming[] = [],
): string {
  const rows = collections.map((c) => [c.name, c.documents, c.indexes, c.seconds.toFixed(2), c.method]);
  const parts = [table(["collection", "documents", "indexes", "seconds", "method"], rows)];
  const timed = collections.flatMap((c) =>
    c.startedAt !== undefined && c.endedAt !== undefined
      ? [{ name: c.name, method: c.method, startMs: c.startedAt, endMs: c.endedAt }]
      : [],
  );
  if (timed.length) parts.push(renderGantt(timed, pauses.length ? { pauses } : {}));
  return `${parts.join("\n\n")}\n`;
}

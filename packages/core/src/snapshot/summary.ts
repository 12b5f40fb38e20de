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
  // A differential restore also says how each collection was judged, and how long that took.
  const checked = collections.some((c) => c.check);
  const rows = collections.map((c) => [
    c.name,
    c.documents,
    c.indexes,
    c.seconds.toFixed(2),
    c.method,
    ...(checked ? [checkText(c.check)] : []),
  ]);
  const parts = [
    table(["collection", "documents", "indexes", "seconds", "method", ...(checked ? ["check"] : [])], rows),
  ];
  const timed = collections.flatMap((c) =>
    c.startedAt !== undefined && c.endedAt !== undefined
      ? [{ name: c.name, method: c.method, startMs: c.startedAt, endMs: c.endedAt }]
      : [],
  );
  if (timed.length) parts.push(renderGantt(timed, pauses.length ? { pauses } : {}));
  return `${parts.join("\n\n")}\n`;
}

function checkText(check: CollectionReport["check"]): string {
  if (!check) return "";
  const how = check.proof === "none" ? "" : `${check.proof}: `;
  return `${how}${check.reason} (${check.seconds.toFixed(2)} s)`;
}

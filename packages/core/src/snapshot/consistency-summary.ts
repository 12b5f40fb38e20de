import { code, formatUtc, table } from "../markdown";
import { formatTime } from "../mongo/cluster-time";
import type { ConsistencyOutcome } from "./catch-up";

/** One line: what moment the snapshot holds (for the log, the summary's facts and the command line). */
export function consistencyLine(c: ConsistencyOutcome): string {
  if (c.consistency === "point-in-time" && c.consistentAt)
    return `Point in time: every collection as of ${formatUtc(c.consistentAtDate)} (cluster time ${formatTime(c.consistentAt)})`;
  return `Per-collection: each collection as of its own copy${c.reason ? ` (${c.reason})` : ""}`;
}

/** The job summary's consistency section: the line, then what the catch-up read again and what it cost. */
export function consistencySection(c: ConsistencyOutcome, totalMs: number): string {
  const parts = [`**Consistency.** ${consistencyLine(c)}.`];
  const u = c.catchUp;
  if (u) {
    const share = totalMs > 0 ? ` (${((100 * u.ms) / totalMs).toFixed(1)} % of the run)` : "";
    parts.push(
      `Change stream watched from ${formatUtc(timeOf(u.startedAt.t))} (${u.events} events). ` +
        `The catch-up read ${u.documents} changed document(s) again (${u.removed} no longer in the snapshot) ` +
        `in ${u.passes.length} pass(es), ${(u.ms / 1000).toFixed(1)} s${share}` +
        (u.restarted.length
          ? `; copied again whole after index or option changes: ${u.restarted.map(code).join(", ")}`
          : "") +
        ".",
    );
    const rows = Object.entries(u.changed)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => [name, n, u.counts[name] ?? ""]);
    if (rows.length) parts.push(table(["collection", "changed documents read again", "documents now"], rows));
    if (u.passes.length > 1)
      parts.push(
        table(
          ["pass", "read", "documents", "removed", "seconds"],
          u.passes.map((p, i) => [
            i + 1,
            p.kind === "point-in-time"
              ? `as of ${formatTime(p.at)}${p.missed ? " (window missed)" : ""}`
              : "latest data",
            p.documents,
            p.removed,
            (p.ms / 1000).toFixed(2),
          ]),
        ),
      );
  }
  return `${parts.join("\n\n")}\n\n`;
}

const timeOf = (seconds: number) => new Date(seconds * 1000);

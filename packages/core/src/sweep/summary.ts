import { code, formatBytes, formatUtc, table } from "../markdown";
import { shownName } from "./candidates";
import type { LastRestore, SweepReport, SweepRow } from "./run";

/**
 * The sweep's job summary: every candidate with its pull request, state, labels, size, last
 * restore and decision, and the storage of PR databases before and after. A dry run has the
 * same rows and decisions; only the "done" column says what it would do.
 */
export function sweepSummary(r: SweepReport): string {
  const head = `### pr-snapshots: sweep of the ${code(`${r.prefix}_pr_<number>`)} databases${
    r.dryRun ? " (dry run: nothing dropped or commented)" : ""
  }`;
  const storage =
    `Storage of PR databases (on disk, with indexes): **${formatBytes(r.before.bytes)}** in ${r.before.databases} before, ` +
    `**${formatBytes(r.after.bytes)}** in ${r.after.databases} after${r.dryRun ? " the drops it would make" : ""}; ` +
    `${r.dryRun ? "it would free" : "freed"} ${formatBytes(r.bytesFreed)}.`;
  const settings =
    `keep-closed-days ${r.keepClosedDays}${r.keepClosedDays === 0 ? " (locked databases never expire)" : ""}, ` +
    `remind-days ${r.remindDays}; ` +
    (r.leaseMode === "take"
      ? "each drop holds the database's one-writer lease."
      : "the lease privilege is missing: each database's lease was checked read-only.");
  const rows = r.rows.map((row) => [
    code(row.database),
    `#${row.number}`,
    state(row),
    row.pr.status === "found" ? row.pr.labels.map(code).join(" ") || "none" : "",
    row.size ? `${formatBytes(row.size.onDisk)} (${formatBytes(row.size.dataSize)} data)` : "unknown",
    lastRestore(row.lastRestore),
    `${row.decision.action === "drop" ? "**drop**" : "keep"}: ${row.decision.rule}`,
    done(row),
  ]);
  const sections = [
    head,
    [`- ${storage}`, `- ${settings}`, ...r.failures.map((f) => `- ⚠️ ${f}`)].join("\n"),
    rows.length
      ? table(["Database", "PR", "State", "Labels", "Size", "Last restore", "Decision", "Done"], rows)
      : `No database is named ${code(`${r.prefix}_pr_<number>`)}.`,
  ];
  if (r.ignored.length) {
    sections.push(
      `Not candidates (the target rules or the name rule them out):\n\n${r.ignored
        .map((i) => `- ${code(shownName(i.database))}: ${shownName(i.why)}`)
        .join("\n")}`,
    );
  }
  return `${sections.join("\n\n")}\n`;
}

function state(row: SweepRow): string {
  const pr = row.pr;
  if (pr.status === "not-found") return "not found";
  if (pr.status === "unreadable") return `unreadable: ${pr.why}`;
  return pr.closedAt ? `${pr.state} ${formatUtc(pr.closedAt)}` : pr.state;
}

function lastRestore(l: LastRestore | undefined): string {
  if (!l) return "none (seed data or empty)";
  if (l.source !== "snapshot") return `source ${code(l.source)}`;
  if (l.status === "restoring") return `unfinished, started ${formatUtc(l.startedAt)}`;
  return `${formatUtc(l.restoredAt)} (snapshot of ${formatUtc(l.snapshotTimestamp)})`;
}

function done(row: SweepRow): string {
  const what =
    row.outcome === "busy"
      ? `kept for now: ${row.note ?? "its lease is held"}`
      : row.outcome === "failed"
        ? `⚠️ drop failed: ${row.note ?? ""}`
        : row.outcome;
  const c = row.comment;
  if (!c) return what;
  const link = c.url ? `[${c.kind}](${c.url})` : code(c.kind);
  return `${what}; ${link} ${c.status}${c.note ? ` (${c.note})` : ""}`;
}

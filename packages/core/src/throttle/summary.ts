import type { PauseTiming } from "../gantt";
import { table } from "../markdown";
import { millis, type SignalName, seconds } from "./decide";
import type { ThrottleReport } from "./throttle";

/** The throttle's part of a restore's or producer's job summary: time paused, each signal's peak. */

const WORDS: Record<SignalName, string> = {
  lag: "majority lag",
  latency: "probe latency",
  "flow-control": "flow control",
  tickets: "no tickets",
  unreadable: "signals unreadable",
};

export function pauseTimings(report: ThrottleReport | undefined): PauseTiming[] {
  return (report?.pauses ?? []).map((p) => ({ why: WORDS[p.signal], startMs: p.startMs, endMs: p.endMs }));
}

/** Shown in job summaries; values are numbers and our own words (no data from the database). */
export function throttleSection(report: ThrottleReport | undefined): string {
  if (!report) return "";
  const n = report.pauses.length;
  const { min, max } = report.window;
  const how = `copies went in chunks of at most ${report.chunkMb} MB, ${min === max ? `${max}` : `${min} to ${max}`} collection${max === 1 ? "" : "s"} at a time`;
  const head = report.aborted
    ? `**Stopped by the throttle**: ${report.aborted}.`
    : n
      ? `Paused ${n === 1 ? "once" : `${n} times`}, ${seconds(report.pausedMs)} in total; ${how}.`
      : `Never paused; ${how}.`;
  const multi = report.peaks.length > 1;
  const rows: string[][] = [];
  for (const p of report.peaks) {
    const at = multi && p.where ? `${p.where}: ` : "";
    const latency = report.latency.find((l) => l.where === p.where);
    rows.push([
      `${at}majority lag`,
      `${seconds(report.maxLagMs)} (critical ${seconds(report.criticalLagMs)})`,
      p.lagMs !== undefined ? seconds(p.lagMs) : unavailable(p.unavailable, "majority lag"),
    ]);
    rows.push([
      `${at}probe latency`,
      latency
        ? `${millis(latency.maxMs)} (${[
            latency.criticalMs !== undefined ? `critical ${millis(latency.criticalMs)}` : "no critical level",
            ...(p.baselineMs !== undefined ? [`baseline ${millis(p.baselineMs)}`] : []),
          ].join("; ")})`
        : "—",
      p.latencyMs !== undefined ? millis(p.latencyMs) : unavailable(p.unavailable, "probe latency"),
    ]);
    rows.push([
      `${at}flow control`,
      "engaged",
      p.flowControlEngaged !== undefined || p.flowControlEngagements !== undefined
        ? p.flowControlEngaged || (p.flowControlEngagements ?? 0) > 0
          ? `engaged${p.flowControlEngagements ? ` (${p.flowControlEngagements}×)` : ""}`
          : "never engaged"
        : unavailable(p.unavailable, "flow control"),
    ]);
    rows.push([
      `${at}storage-engine tickets`,
      "none available",
      p.ticketsMin !== undefined
        ? `fewest available: ${p.ticketsMin}`
        : unavailable(p.unavailable, "tickets"),
    ]);
  }
  const parts = ["#### Throttle", "", head, "", table(["signal", "pauses at", "peak during the copy"], rows)];
  if (n) {
    const longest = [...report.pauses]
      .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))
      .slice(0, 10);
    parts.push(
      "",
      table(
        ["paused at", "seconds", "why"],
        longest
          .sort((a, b) => a.startMs - b.startMs)
          .map((p) => [
            new Date(p.startMs).toISOString().slice(11, 19),
            ((p.endMs - p.startMs) / 1000).toFixed(1),
            p.reason,
          ]),
      ),
    );
    if (n > longest.length) parts.push("", `The ${longest.length} longest of ${n} pauses.`);
  }
  parts.push(
    "",
    "To copy flat out, set the input `throttle: off` (or `copy.throttle: off` in the config file).",
  );
  // Followed by the copies' table and timeline, which end the summary.
  return `${parts.join("\n")}\n\n`;
}

/** Why a signal was not read, from the reader's notes ("flow control and tickets: serverStatus refused"). */
function unavailable(why: readonly string[], signal: string): string {
  const u = why.find((w) => (w.split(":")[0] ?? "").includes(signal));
  return u ? `not read (${u.slice(u.indexOf(":") + 1).trim()})` : "not read";
}

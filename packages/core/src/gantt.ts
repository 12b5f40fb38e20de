/** A Mermaid Gantt chart of per-collection copies, for job summaries (GitHub renders Mermaid). */

export interface CopyTiming {
  name: string;
  method: string;
  /** Epoch milliseconds. */
  startMs: number;
  endMs: number;
}

export interface GanttOptions {
  title?: string;
  /** At most this many copies are drawn, the longest ones (default 30). */
  limit?: number;
  /** Times the throttle held the copies back, drawn in a section of their own (the longest 30). */
  pauses?: readonly PauseTiming[];
}

/** A time the copies waited (throttle/throttle.ts), and why in a word: "majority lag". */
export interface PauseTiming {
  why: string;
  startMs: number;
  endMs: number;
}

const DEFAULT_LIMIT = 30;

/**
 * Words the Gantt lexer reads as a statement when a line starts with them; a task named like
 * this would silently become a setting or a section.
 */
const LEADING_KEYWORD =
  /^(gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|accdescription|acctitle|accdescr|section|href|call|click|\d{4}-\d\d-\d\d)/i;

/**
 * Text that Mermaid shows as written. `:` ends a task's name, `#…;` is an entity code, `;` ends a
 * statement and `%` starts a comment, so those become entity codes (`#58;`), which Mermaid turns
 * back into the character when it draws. Line breaks become spaces.
 */
export function mermaidText(text: string): string {
  const flat = text.replace(/[\r\n\t]+/g, " ").trim();
  const escaped = flat.replace(/[#:;%]/g, (c) => `#${c.charCodeAt(0)};`);
  if (!escaped) return "(unnamed)";
  return LEADING_KEYWORD.test(escaped) ? `#${escaped.charCodeAt(0)};${escaped.slice(1)}` : escaped;
}

/**
 * A fenced `mermaid` Gantt block: one bar per copy, grouped by copy method, on a clock-time axis.
 * The copy that finished last is marked critical: it is the one that decided the total time.
 * With more than `limit` copies only the longest are drawn, and a line after the block says how
 * many were left out.
 */
export function renderGantt(copies: readonly CopyTiming[], options: GanttOptions = {}): string {
  const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
  const duration = (c: CopyTiming) => Math.max(0, c.endMs - c.startMs);
  const shown = [...copies]
    .sort((a, b) => duration(b) - duration(a) || a.startMs - b.startMs)
    .slice(0, limit)
    .sort((a, b) => a.startMs - b.startMs || duration(b) - duration(a) || a.name.localeCompare(b.name));
  const last = shown.reduce<CopyTiming | undefined>((l, c) => (!l || c.endMs > l.endMs ? c : l), undefined);
  const methods = [...new Set(shown.map((c) => c.method))];
  const lines = [
    "```mermaid",
    "gantt",
    ...(options.title ? [`  title ${mermaidText(options.title)}`] : []),
    // Epoch milliseconds in and clock time out: copies take seconds to minutes.
    "  dateFormat x",
    "  axisFormat %H:%M:%S",
    // The marker would sit at the time the summary is viewed, far right of any copy.
    "  todayMarker off",
  ];
  for (const method of methods) {
    lines.push(`  section ${mermaidText(method)}`);
    for (const c of shown.filter((x) => x.method === method)) {
      const start = Math.round(c.startMs);
      const end = Math.max(start, Math.round(c.endMs));
      lines.push(`    ${mermaidText(c.name)} :${c === last ? "crit, " : ""}${start}, ${end}`);
    }
  }
  const pauses = [...(options.pauses ?? [])]
    .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs) || a.startMs - b.startMs)
    .slice(0, limit)
    .sort((a, b) => a.startMs - b.startMs);
  if (pauses.length) {
    // Greyed out ("done"): time no copy advanced.
    lines.push("  section throttle pauses");
    for (const p of pauses) {
      const start = Math.round(p.startMs);
      const end = Math.max(start, Math.round(p.endMs));
      lines.push(`    ${mermaidText(`paused (${p.why})`)} :done, ${start}, ${end}`);
    }
  }
  lines.push("```");
  const left = copies.length - shown.length;
  if (left > 0) {
    lines.push(
      "",
      `${left} shorter ${left === 1 ? "copy is" : "copies are"} not shown (the ${shown.length} longest are).`,
    );
  }
  const unshown = (options.pauses?.length ?? 0) - pauses.length;
  if (unshown > 0)
    lines.push(
      "",
      `${unshown} shorter ${unshown === 1 ? "pause is" : "pauses are"} not shown (the ${pauses.length} longest are).`,
    );
  return lines.join("\n");
}

/** Small Markdown helpers for job summaries and PR comments. */

export function escapeCell(value: unknown): string {
  return String(value ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const head = `| ${headers.map(escapeCell).join(" | ")} |`;
  const rule = `| ${headers.map(() => "---").join(" | ")} |`;
  const body = rows.map((r) => `| ${r.map(escapeCell).join(" | ")} |`);
  return [head, rule, ...body].join("\n");
}

/**
 * Inline code that stays inline code whatever the text: a backtick would end the span and a line
 * break would end the paragraph (names from a database are shown with this), so backticks become
 * quotes and control characters are shown as escapes.
 */
export function code(text: string): string {
  return `\`${String(text)
    .replace(/`/g, "'")
    .replace(CONTROL, (c) =>
      c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )}\``;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A timestamp as people read it in comments: 2026-11-22 03:00 UTC. */
export function formatUtc(date: Date | string | undefined): string {
  if (date === undefined || date === "") return "unknown";
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return String(date);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A size as people read it: binary units, three significant digits (`0 B`, `512 B`, `1.50 KiB`, `12.3 MiB`). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // 1023.95 KiB would print as "1024 KiB": one unit up instead.
  if (Math.round(value) >= 1024 && unit < units.length - 1) return `1.00 ${units[unit + 1]}`;
  return `${value >= 100 ? value.toFixed(0) : value.toPrecision(3)} ${units[unit]}`;
}

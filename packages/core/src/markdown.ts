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

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** A timestamp as people read it in comments: 2026-11-22 03:00 UTC. */
export function formatUtc(date: Date | string | undefined): string {
  if (date === undefined || date === "") return "unknown";
  const d = typeof date === "string" ? new Date(date) : date;
  if (Number.isNaN(d.getTime())) return String(date);
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

import { code } from "../markdown";

/** The policy hash as people see it: enough characters to tell policies apart at a glance. */
export function shortPolicy(hash: string): string {
  return hash.slice(0, 12);
}

/** What the `preview` and `db-restored` comments (and summaries) say about masked or subset data. */
export function maskedDataNote(
  maskingPolicy: string | undefined,
  subset: Record<string, number> | undefined,
): string[] {
  const notes: string[] = [];
  if (maskingPolicy)
    notes.push(
      `🛡️ The data is **masked**: personal fields were replaced on the production side before anything was written (masking policy ${code(shortPolicy(maskingPolicy))}).`,
    );
  const kept = Object.entries(subset ?? {});
  if (kept.length)
    notes.push(
      `✂️ It is a **subset** of production: ${kept.map(([c, n]) => `${code(c)} keeps ${n.toLocaleString("en-US")} documents`).join(", ")}.`,
    );
  return notes;
}

import { UserError } from "../errors";
import { code, escapeCell, formatBytes } from "../markdown";
import { maskedDataNote, shortPolicy } from "../masking/describe";
import type { DatabaseSize } from "../mongo/size";
import type { LabelNames } from "../settings";
import type { Consistency } from "../snapshot/consistency";
import { takenMoment } from "../snapshot/data-moment";
import type { RefreshPolicy } from "../snapshot/refresh";

export interface UrlTemplate {
  name: string;
  url: string;
}

export interface TemplateValues {
  number: number;
  sha: string;
  database: string;
}

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;
const KNOWN = new Set(["number", "sha", "database"]);

/** Fills `{number}`, `{sha}` and `{database}`; any other placeholder is a configuration error. */
export function expandTemplate(template: string, values: TemplateValues, what: string): string {
  const unknown = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "").filter((p) => !KNOWN.has(p));
  if (unknown.length) {
    throw new UserError(
      `${what} "${template}" uses ${unknown.map((u) => `{${u}}`).join(", ")}; only {number}, {sha} and {database} are available.`,
    );
  }
  return template.replace(PLACEHOLDER, (_, key: string) => String(values[key as keyof TemplateValues]));
}

/** URL lines of the `urls` input: `Name=https://pr-{number}.example.com`. */
export function parseUrlLines(lines: readonly string[]): UrlTemplate[] {
  return lines.map((line) => {
    const eq = line.indexOf("=");
    if (eq <= 0 || eq === line.length - 1) {
      throw new UserError(`urls: "${line}" must look like Name=https://pr-{number}.example.com`);
    }
    return { name: line.slice(0, eq).trim(), url: line.slice(eq + 1).trim() };
  });
}

export interface PreviewModel {
  number: number;
  headSha: string;
  database: string;
  snapshotDatabase?: string;
  namespace: string;
  urls: UrlTemplate[];
  useSnapshot: boolean;
  locked: boolean;
  /** When the data in (or about to be in) the database was taken from production. */
  snapshotTimestamp?: Date;
  /** The snapshot's masking policy (sha256 of its rules), when its data is masked. */
  maskingPolicy?: string;
  /** Kept documents of the collections the snapshot holds a subset of. */
  subset?: Record<string, number>;
  /** CONTRACT §13: a point-in-time snapshot is consistent at `consistentAtDate`. */
  consistency?: Consistency;
  consistentAtDate?: Date;
  labels: LabelNames;
  /** restore.refresh: `new-snapshot` keeps the data across syncs until a newer snapshot exists. */
  refresh?: RefreshPolicy;
  /** The PR database's size (dbStats), when the action could read it. */
  size?: DatabaseSize;
}

/** The body of the sticky `preview` comment (the marker line is added when it is posted). */
export function renderPreviewComment(m: PreviewModel): string {
  const values = { number: m.number, sha: m.headSha, database: m.database };
  const short = m.headSha.slice(0, 7);
  const source = m.useSnapshot
    ? `🗄️ Production snapshot${m.snapshotDatabase ? ` (${code(m.snapshotDatabase)} → ${code(m.database)})` : ""}, ${
        m.snapshotTimestamp
          ? takenMoment({
              timestamp: m.snapshotTimestamp,
              ...(m.consistency ? { consistency: m.consistency } : {}),
              ...(m.consistentAtDate ? { consistentAtDate: m.consistentAtDate } : {}),
            })
          : "taken **Not yet available**"
      }${m.maskingPolicy ? `, masked (policy ${code(shortPolicy(m.maskingPolicy))})` : ""}`
    : "🌱 Seed data";
  const rows: [string, string][] = [
    ["Namespace", code(expandTemplate(m.namespace, values, "The namespace template"))],
    ["Database", code(m.database)],
    ...(m.size ? [["Size", describeSize(m.size)] as [string, string]] : []),
    ["Data source", source],
    ["Commit", short ? code(short) : "(unknown)"],
    ["Database lock", m.locked ? `🔒 locked by ${code(m.labels.lock)}` : "🔓 not locked"],
  ];
  const urls = m.urls.map(
    (u) => `- **${escapeCell(u.name)}**: ${expandTemplate(u.url, values, `The URL template for ${u.name}`)}`,
  );
  return [
    "## 🚀 Preview environment",
    "",
    "| Setting | Value |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${escapeCell(v)} |`),
    ...(urls.length ? ["", "### URLs (available once the deployment finishes)", "", ...urls] : []),
    "",
    "### Notes",
    "",
    ...notes(m).map((n) => `- ${n}`),
    "",
    `<sub>Updated for commit ${short ? code(short) : "(unknown)"}. This comment is edited in place on every sync.</sub>`,
  ].join("\n");
}

/** dbStats in words: what the documents amount to, and what they and their indexes take on disk. */
export function describeSize(size: DatabaseSize): string {
  return (
    `${formatBytes(size.dataSize)} of data; ${formatBytes(size.onDisk)} on disk ` +
    `(${formatBytes(size.storageSize)} storage + ${formatBytes(size.indexSize)} indexes)`
  );
}

function notes(m: PreviewModel): string[] {
  const { preview, snapshot, lock } = m.labels;
  const [U, L, P] = [code(snapshot), code(lock), code(preview)];
  if (m.locked) {
    return [
      `🔒 The database is **locked**: pushes do not refresh it, and closing or merging this PR keeps it.`,
      `Adding or removing ${U} is reverted while locked. To change the data source, remove ${L} first.`,
      `To unlock, remove ${L}. On a closed PR, removing ${L} deletes the database.`,
    ];
  }
  const out = m.useSnapshot
    ? [
        ...maskedDataNote(m.maskingPolicy, m.subset),
        m.refresh === "new-snapshot"
          ? "A sync restores the database only when a newer production snapshot has been published, replacing its data; until then syncs keep it."
          : "Each sync restores the database from the latest production snapshot, replacing its data.",
        `Remove ${U} to switch to seed data (the database is reset).`,
      ]
    : [`Add ${U} to use a copy of production data instead (the database is replaced).`];
  if (m.useSnapshot && !m.snapshotTimestamp) {
    out.push(
      "No complete snapshot exists yet: run the snapshot-on-demand workflow, or wait for the weekly snapshot.",
    );
  }
  out.push(
    `Add ${L} to keep the data as it is: the database is then neither refreshed nor deleted when the PR closes.`,
  );
  out.push(`Removing ${P} deletes the preview database.`);
  return out;
}

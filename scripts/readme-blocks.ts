/**
 * The README's generated blocks: the label state machine (from decide()), a `preview` comment
 * (from the real renderer) and a restore job summary with its Gantt chart. `pnpm diagrams`
 * writes them; a test fails when the README's copy differs, so none of them can drift.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@pr-snapshots/core/config-schema";
import type { CopyTiming } from "@pr-snapshots/core/gantt";
import { stateDiagram } from "@pr-snapshots/core/lock/diagram";
import { FIRST_NAMES } from "@pr-snapshots/core/masking/person-names";
import { compilePolicy } from "@pr-snapshots/core/masking/policy";
import { formatScan, scanDocuments, suggestedRules } from "@pr-snapshots/core/masking/scan";
import { type PreviewModel, parseUrlLines, renderPreviewComment } from "@pr-snapshots/core/preview/render";
import { DEFAULT_LABELS } from "@pr-snapshots/core/settings";
import { copiesSection } from "@pr-snapshots/core/snapshot/summary";
import { sweeperCreateRole } from "@pr-snapshots/core/sweep/role";
import { personalDocuments, README_MASKING_CONFIG } from "../test/support/personal-data";

export const PREVIEW_EXAMPLE: PreviewModel = {
  number: 42,
  headSha: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
  database: "shop_pr_42",
  snapshotDatabase: "shop_snapshot",
  namespace: "pr-{number}",
  urls: parseUrlLines([
    "Web=https://pr-{number}.shop.example.com",
    "API=https://api.pr-{number}.shop.example.com",
  ]),
  useSnapshot: true,
  locked: false,
  snapshotTimestamp: new Date("2026-11-22T03:00:12Z"),
  consistency: "point-in-time",
  consistentAtDate: new Date("2026-11-22T03:06:41Z"),
  labels: DEFAULT_LABELS,
  // dbStats of the benchmark's 0.25 GiB dataset, restored.
  size: {
    dataSize: 271_581_184,
    storageSize: 96_468_992,
    indexSize: 41_943_040,
    onDisk: 96_468_992 + 41_943_040,
    collections: 11,
  },
};

interface ExampleCopy extends CopyTiming {
  documents: number;
  indexes: number;
}

/**
 * The 11 collections of the benchmark's 0.25 GiB dataset, copied largest first by 4 workers as
 * the restore does. Durations are close to the benchmark's; the start and end times follow from them.
 */
export const RESTORE_EXAMPLE: readonly ExampleCopy[] = (() => {
  const start = Date.UTC(2026, 10, 24, 7, 0, 0);
  const collections: [string, number, number, number][] = [
    ["pmStudy", 74_040, 4, 7.38],
    ["pmProjectDailyStat", 18_510, 2, 1.12],
    ["pmInvestigatorUsage", 14_808, 2, 0.94],
    ["pmInvestigator", 12_340, 4, 0.86],
    ["pmInvestigatorEmail", 12_340, 3, 0.71],
    ["pmRiskOfBiasAiJob", 9_872, 2, 0.62],
    ["pmSystematicSearch", 7_404, 3, 0.55],
    ["pmDataExportJob", 6_170, 2, 0.47],
    ["pmProject", 4_936, 4, 0.44],
    ["pmStudyCorrection", 4_936, 2, 0.38],
    ["pmPotential", 3_702, 2, 0.31],
  ];
  const workers = [0, 0, 0, 0];
  return collections.map(([name, documents, indexes, seconds]) => {
    const w = workers.indexOf(Math.min(...workers));
    const from = workers[w] ?? 0;
    workers[w] = from + seconds * 1000;
    return {
      name,
      method: "$out",
      documents,
      indexes,
      startMs: start + from,
      endMs: start + from + seconds * 1000,
    };
  });
})();

/** A restore job summary's per-collection table and timeline. */
export function restoreSummaryExample(): string {
  return copiesSection(
    RESTORE_EXAMPLE.map((c) => ({
      name: c.name,
      documents: c.documents,
      indexes: c.indexes,
      seconds: (c.endMs - c.startMs) / 1000,
      method: c.method,
      startedAt: c.startMs,
      endedAt: c.endMs,
    })),
  ).trimEnd();
}

/** Markdown shown as a quotation, the way it looks in a comment thread. */
const quote = (markdown: string) =>
  markdown
    .split("\n")
    .map((l) => (l ? `> ${l}` : ">"))
    .join("\n");

/**
 * `pr-snapshots scan` of the README's example data (every document, as a sample of 1000 would be)
 * under the README's example rules, with a `contactEmail` field nobody wrote a rule for.
 */
export function maskingScanExample(): string {
  const policy = compilePolicy(parseConfig(README_MASKING_CONFIG));
  const docs = personalDocuments().people?.map((p) => ({ ...p, contactEmail: `c.${String(p.email)}` })) ?? [];
  const scans = [scanDocuments("people", docs, policy, { firstNames: FIRST_NAMES })];
  return `\`\`\`\n${formatScan(scans).trimEnd()}\n\nRules for the uncovered paths, ready to paste:\n\n${suggestedRules(scans)}\n\`\`\``;
}

export type BlockName =
  | "state-machine"
  | "preview-comment"
  | "restore-summary"
  | "masking-scan"
  | "sweeper-role";

/** The sweeper's role and user in mongosh, from the one definition the tests also use. */
export function sweeperRoleExample(): string {
  const { role, privileges, roles } = sweeperCreateRole();
  const lines = [
    'db.getSiblingDB("admin").createRole({',
    `  role: ${JSON.stringify(role)},`,
    "  privileges: [",
    ...privileges.map(
      (p) =>
        `    { resource: ${jsObject(p.resource)}, actions: [${p.actions.map((a) => JSON.stringify(a)).join(", ")}] },`,
    ),
    "  ],",
    `  roles: ${JSON.stringify(roles)},`,
    "});",
    'db.getSiblingDB("admin").createUser({',
    '  user: "pr-snapshots-sweeper",',
    "  pwd: passwordPrompt(),",
    `  roles: [{ role: ${JSON.stringify(role)}, db: "admin" }],`,
    "});",
  ];
  return `\`\`\`js\n${lines.join("\n")}\n\`\`\``;
}

function jsObject(o: Record<string, unknown>): string {
  return `{ ${Object.entries(o)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(", ")} }`;
}

export function generatedBlocks(): Record<BlockName, string> {
  return {
    "state-machine": `\`\`\`mermaid\n${stateDiagram()}\n\`\`\``,
    "preview-comment": quote(renderPreviewComment(PREVIEW_EXAMPLE)),
    "restore-summary": restoreSummaryExample(),
    "masking-scan": maskingScanExample(),
    "sweeper-role": sweeperRoleExample(),
  };
}

const begin = (name: string) => `<!-- generated by pnpm diagrams: ${name} -->`;
const end = (name: string) => `<!-- end of ${name} -->`;

/** The README with each block between its markers replaced; every marker pair must be there once. */
export function withBlocks(readme: string, blocks: Record<string, string>): string {
  let out = readme;
  for (const [name, content] of Object.entries(blocks)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from || out.indexOf(begin(name), from + 1) >= 0) {
      throw new Error(`README.md needs exactly one "${begin(name)}" … "${end(name)}" pair, in that order`);
    }
    out = `${out.slice(0, from)}${begin(name)}\n\n${content}\n\n${out.slice(to)}`;
  }
  return out;
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Markdown as the repository's formatter (Biome, which aligns tables) writes it, so `pnpm lint` agrees. */
export function formatMarkdown(markdown: string): string {
  return execFileSync(path.join(root, "node_modules/.bin/biome"), ["format", "--stdin-file-path=README.md"], {
    cwd: root,
    input: markdown,
    encoding: "utf8",
  });
}

/** The README as `pnpm diagrams` leaves it. */
export function freshReadme(readme: string): string {
  return formatMarkdown(withBlocks(readme, generatedBlocks()));
}

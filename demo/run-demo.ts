/**
 * `pnpm demo`: a pull request's whole life, locally, through the real bundled actions.
 * A real mongod with access control, the least-privilege users of the original design, a
 * seeded "production" database, the snapshot producer, and a local stand-in for the GitHub API.
 */

import { parseArgs } from "node:util";
import { kindOf } from "@pr-snapshots/core/github/comments";
import { formatUtc } from "@pr-snapshots/core/markdown";
import {
  DATABASE,
  type DatabaseState,
  PR,
  PROD,
  SNAPSHOT,
  type SyncResult,
  startLifecycle,
} from "./scenario";

const { values: options } = parseArgs({ options: { masked: { type: "boolean", default: false } } });

const tty = process.stdout.isTTY;
const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const out = (line = "") => process.stdout.write(`${line}\n`);

interface Row {
  step: string;
  labels: string;
  decision: string;
  comments: string;
  database: string;
}
const rows: Row[] = [];

function describeDb(db: DatabaseState, previous?: DatabaseState): string {
  if (!db.exists) return "does not exist";
  const from =
    db.source === "snapshot"
      ? `snapshot of ${formatUtc(db.snapshotTimestamp)}`
      : (db.source ?? "seed data (the app fills it)");
  const same = previous?.exists && previous.md5 === db.md5 ? ", unchanged" : "";
  const views = db.views ? ` and ${db.views} view${db.views > 1 ? "s" : ""}` : "";
  return `${db.collections} collections${views}, ${db.documents.toLocaleString("en-US")} documents (${from}${same})`;
}

function commentLines(result: SyncResult): string[] {
  return result.comments.map((c) => {
    const kind = kindOf(c.body) ?? "?";
    const lines = c.body.split("\n").filter((l) => l.trim() && !l.startsWith("<!--"));
    const headline = (lines.find((l) => /^#+ /.test(l)) ?? lines[0] ?? "").replace(/^#+\s*/, "");
    const detail = lines
      .filter((l) => !/^#+ /.test(l) && !l.startsWith("|") && !l.startsWith("<sub>"))
      .slice(0, 3);
    return [
      `    💬 [${kind}] ${bold(headline)}`,
      ...detail.map((d) => dim(`       ${d.length > 110 ? `${d.slice(0, 107)}...` : d}`)),
    ].join("\n");
  });
}

/** The line where an action says which config file it read, at which commit, and how. */
function configLine(stdout: string | undefined): string {
  return /^(Config: .*|no config file at .*)$/m.exec(stdout ?? "")?.[1] ?? "(not reported)";
}

let previous: DatabaseState | undefined;
function report(step: string, what: string, result: SyncResult, showConfig = false): void {
  out();
  out(bold(`${step} ${what}`));
  if (showConfig) {
    out(dim(`    config:      detect-labels: ${configLine(result.runs["detect-labels"]?.stdout)}`));
    out(dim(`                 enforce-lock:  ${configLine(result.runs["enforce-lock"]?.stdout)}`));
  }
  out(`    labels now:  ${result.labels.join(", ") || "(none)"}`);
  out(`    decision:    ${result.dbAction} — ${result.rule}`);
  const reverted = result.runs["enforce-lock"]?.outputs["label-reverted"] === "true";
  if (reverted)
    out(
      `    label:       reverted by enforce-lock (${result.runs["enforce-lock"]?.outputs["label-change"] ?? ""})`,
    );
  const restore = result.runs["restore-snapshot"];
  if (restore)
    out(
      `    restore:     ${restore.outputs.collections} collections, ${restore.outputs.documents} documents in ${restore.outputs["duration-ms"]} ms`,
    );
  const comments = commentLines(result);
  out(comments.length ? comments.join("\n") : "    💬 (no comment)");
  out(`    database:    ${DATABASE}: ${describeDb(result.database, previous)}`);
  rows.push({
    step,
    labels: result.labels.join(", ") || "-",
    decision: `${result.dbAction}${reverted ? " + label reverted" : ""}`,
    comments: result.comments.map((c) => kindOf(c.body)).join(", ") || "-",
    database: result.database.exists
      ? previous?.exists && previous.md5 === result.database.md5
        ? "kept, unchanged"
        : "written"
      : "absent",
  });
  previous = result.database;
}

/** One investigator as production holds them and as the PR database got them. */
async function showMasking(): Promise<void> {
  const prod = await life.admin
    .db(PROD)
    .collection("pmInvestigator")
    .findOne({}, { sort: { _id: 1 } });
  const copy = await life.admin.db(DATABASE).collection("pmInvestigator").findOne({ _id: prod?._id });
  const policy = String(
    (
      (
        await life.admin
          .db(SNAPSHOT)
          .collection("snapshot_metadata")
          .findOne({ _id: "latest" as never })
      )?.masking as { policy?: string } | undefined
    )?.policy ?? "?",
  );
  out(
    `    masking:     policy ${policy.slice(0, 12)}…, verified against production before the snapshot was published`,
  );
  out(
    `                 production  ${PROD}.pmInvestigator: ${prod?.email}  ${prod?.name?.first} ${prod?.name?.last}`,
  );
  out(
    `                 PR database ${DATABASE}.pmInvestigator: ${copy?.email}  ${copy?.name?.first} ${copy?.name?.last}`,
  );
}

const started = Date.now();
out(
  bold(`pr-snapshots demo: one pull request's life, end to end${options.masked ? " (masked snapshot)" : ""}`),
);
out(dim("Starting a real mongod (with access control) and a local GitHub API stand-in..."));
const life = await startLifecycle({ masked: options.masked });
try {
  const productionBefore = await life.productionHash();
  out(
    `Production database ${PROD} seeded with the 11 collections of the original design, with indexes, a validator and a view.`,
  );
  out(
    dim(
      "Users: snapshot-producer (read production, write the snapshot) and shop-pr-42-user (read the snapshot, write shop_pr_42 only).",
    ),
  );

  out();
  out(bold("0. The weekly snapshot runs (trigger-producer, direct mode)"));
  if (options.masked)
    out(
      dim(
        "    .github/pr-snapshots.yml masks 5 fields in 3 collections; the salt comes from the mask-salt input.",
      ),
    );
  const produced = await life.produce();
  if (produced.code !== 0) throw new Error(`producer failed:\n${produced.stdout}`);
  out(dim(`    config:      ${configLine(produced.stdout)}`));
  out(
    `    ${SNAPSHOT}: ${produced.outputs.collections} collections, ${produced.outputs.documents} documents, generation ${produced.outputs.generation}, taken ${formatUtc(produced.outputs["snapshot-timestamp"])}`,
  );

  report(
    "1.",
    `PR #${PR} is opened with the labels preview and use-snapshot`,
    await life.open(["preview", "use-snapshot"]),
    true,
  );
  if (options.masked) await showMasking();
  report("2.", "persist-db is added: the database is locked", await life.label("labeled", "persist-db"));
  report("3.", "someone removes use-snapshot while locked", await life.label("unlabeled", "use-snapshot"));
  report("4.", "a new commit is pushed", await life.push());
  report("5.", "the PR is merged and closed", await life.close());
  report("6.", "persist-db is removed from the closed PR", await life.label("unlabeled", "persist-db"));

  out();
  out(bold("Summary"));
  const widths = { step: 4, labels: 34, decision: 26, comments: 34 };
  out(
    `${"step".padEnd(widths.step)} ${"labels after".padEnd(widths.labels)} ${"decision".padEnd(widths.decision)} ${"comments".padEnd(widths.comments)} database`,
  );
  for (const r of rows) {
    out(
      `${r.step.padEnd(widths.step)} ${r.labels.padEnd(widths.labels)} ${r.decision.padEnd(widths.decision)} ${r.comments.padEnd(widths.comments)} ${r.database}`,
    );
  }
  const previews = life.gh.commentsOn(PR).filter((c) => kindOf(c.body) === "preview").length;
  out();
  out(
    `${life.gh.commentsOn(PR).length} comments on the PR (${previews} sticky preview comment, edited in place), ${life.gh.requests.length} GitHub API requests in all.`,
  );
  const productionAfter = await life.productionHash();
  out(
    productionAfter === productionBefore
      ? `Production ${PROD} is byte-for-byte unchanged (dbHash ${productionAfter.slice(0, 12)}… before and after).`
      : `WARNING: production ${PROD} changed (dbHash ${productionBefore} → ${productionAfter})!`,
  );
  out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  if (productionAfter !== productionBefore) process.exitCode = 1;
} finally {
  await life.stop();
}

import type { ActionResult } from "@pr-snapshots/core/action";
import type { RepoRef } from "@pr-snapshots/core/github/client";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import { code, formatBytes, formatUtc } from "@pr-snapshots/core/markdown";
import { maskedDataNote } from "@pr-snapshots/core/masking/describe";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import { dataMoment } from "@pr-snapshots/core/snapshot/data-moment";
import type { RestoreReport } from "@pr-snapshots/core/snapshot/restore";
import { runRestore } from "@pr-snapshots/core/snapshot/run";
import type { RestoreSettings } from "@pr-snapshots/core/snapshot/settings";
import { copiesSection } from "@pr-snapshots/core/snapshot/summary";
import { pauseTimings, throttleSection } from "@pr-snapshots/core/throttle/summary";

export interface Inputs extends CommonInputs, RestoreSettings {
  uri: string;
  prNumber: number | undefined;
  comment: boolean;
  repo?: RepoRef;
  apiUrl?: string;
  runKey: string | undefined;
  rerun: boolean;
}

export interface Outputs extends Record<string, string | number | boolean> {
  database: string;
  "snapshot-timestamp": string;
  collections: number;
  documents: number;
  "duration-ms": number;
  generation: string;
  "comment-url": string;
  skipped: boolean;
  "copied-bytes": number;
  "kept-collections": number;
  "copied-collections": number;
}

export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  const report = await runRestore(
    { uri: inputs.uri, appName: "pr-snapshots/restore-snapshot" },
    inputs,
    inputs,
    log,
  );

  let commentUrl = "";
  if (!report.dryRun && !report.skipped && inputs.comment && inputs.token && inputs.prNumber && inputs.repo) {
    try {
      const { postRestoredComment } = await import(/* webpackChunkName: "comment" */ "./comment");
      commentUrl = await postRestoredComment(
        {
          token: inputs.token,
          ...(inputs.apiUrl ? { apiUrl: inputs.apiUrl } : {}),
          repo: inputs.repo,
          prNumber: inputs.prNumber,
          ...(inputs.runKey ? { runKey: inputs.runKey } : {}),
          rerun: inputs.rerun,
          body: restoredComment(report, inputs),
        },
        log,
      );
    } catch (error) {
      log.warning(
        `The database was restored, but the db-restored comment could not be posted: ${(error as Error).message}`,
      );
    }
  }

  const outputs: Outputs = {
    database: report.database,
    "snapshot-timestamp": report.snapshotTimestamp.toISOString(),
    collections: report.collections.length,
    documents: report.documents,
    "duration-ms": report.durationMs,
    generation: report.generation ?? "",
    "comment-url": commentUrl,
    skipped: report.skipped,
    "copied-bytes": report.copiedBytes,
    "kept-collections": report.keptCollections,
    "copied-collections": report.copiedCollections,
  };
  log.info(
    report.skipped
      ? `${report.dryRun ? "Dry run: would skip" : "Skipped"} the restore (refresh: new-snapshot): ${report.refreshReason}.`
      : `${report.dryRun ? "Dry run: would restore" : "Restored"} ${report.collections.length} collections ` +
          `(${report.documents} documents) into ${report.database} in ${(report.durationMs / 1000).toFixed(1)}s` +
          (report.dryRun ? "." : `: ${copiedAndKept(report)}.`),
  );
  return { outputs, summary: summary(report) };
}

function restoredComment(r: RestoreReport, inputs: Inputs): string {
  const lock = inputs.labels.lock;
  return [
    `### 🗄️ Database restored from the production snapshot`,
    "",
    `${code(r.database)} now holds a copy of ${code(r.source)} ${dataMoment({ timestamp: r.snapshotTimestamp, ...r })} ` +
      `(${r.collections.length} collections, ${r.documents.toLocaleString("en-US")} documents, with their indexes and validation rules; ` +
      `${copiedAndKept(r)}; ${(r.durationMs / 1000).toFixed(1)} s).`,
    ...maskedDataNote(r.maskingPolicy, r.subset).flatMap((n) => ["", n]),
    "",
    inputs.refresh === "new-snapshot"
      ? `Syncs keep this data until a newer snapshot is published; the next sync after that restores it. To keep the data as it is now, add the ${code(lock)} label.`
      : `It is refreshed from the latest snapshot on every sync. To keep the data as it is now, add the ${code(lock)} label.`,
  ].join("\n");
}

/** "2 copied (12.3 MiB), 9 kept as they were (identical to the snapshot)" */
function copiedAndKept(r: RestoreReport): string {
  const copied = `${r.copiedCollections} copied (${formatBytes(r.copiedBytes)})`;
  return r.keptCollections
    ? `${copied}, ${r.keptCollections} kept as they were (identical to the snapshot)`
    : copied;
}

function summary(r: RestoreReport): string {
  if (r.skipped) {
    return [
      `### pr-snapshots: restore skipped${r.dryRun ? " (dry run)" : ""}`,
      "",
      `- ${code(r.database)} was not changed (refresh: ${code("new-snapshot")}): ${r.refreshReason}.`,
      `- It holds ${r.collections.length} collections, ${r.documents} documents of ${code(r.source)} as it was on ${formatUtc(r.snapshotTimestamp)}.`,
      "- It is restored again once a newer snapshot is published, or after a restore that did not finish.",
    ].join("\n");
  }
  const head = r.dryRun
    ? "### pr-snapshots: restore plan (dry run, nothing written)"
    : "### pr-snapshots: snapshot restored";
  const facts = [
    `Target ${code(r.database)} from ${code(r.snapshotDatabase)}` +
      (r.generation ? ` (generation ${code(r.generation)})` : ""),
    `Snapshot of ${code(r.source)} taken ${formatUtc(r.snapshotTimestamp)}` +
      (r.consistency === "point-in-time" && r.consistentAtDate
        ? `, consistent as of ${formatUtc(r.consistentAtDate)} (point in time)`
        : r.consistency === "per-collection"
          ? " (per-collection: each collection as of its own copy)"
          : ""),
    `${r.collections.length} collections, ${r.documents} documents${r.views.length ? `, views: ${r.views.join(", ")}` : ""}, ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.dryRun ? [] : [`Collections: ${copiedAndKept(r)}`]),
    ...(r.dropped.length ? [`Dropped (not in the snapshot): ${r.dropped.join(", ")}`] : []),
    ...maskedDataNote(r.maskingPolicy, r.subset),
    ...(r.refreshReason ? [`Refresh ${code("new-snapshot")}: ${r.refreshReason}`] : []),
  ];
  return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${throttleSection(r.throttle)}${copiesSection(r.collections, pauseTimings(r.throttle))}`;
}

import type { ActionResult } from "@pr-snapshots/core/action";
import type { Log } from "@pr-snapshots/core/log";
import { code, formatUtc, table } from "@pr-snapshots/core/markdown";
import { shortPolicy } from "@pr-snapshots/core/masking/describe";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { consistencyLine, consistencySection } from "@pr-snapshots/core/snapshot/consistency-summary";
import { readSnapshotMetadata, type SnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import type { ProduceReport } from "@pr-snapshots/core/snapshot/producer";
import { runProducer } from "@pr-snapshots/core/snapshot/run";
import { copiesSection } from "@pr-snapshots/core/snapshot/summary";
import { pauseTimings, throttleSection } from "@pr-snapshots/core/throttle/summary";
import type { DirectInputs, Outputs } from "./types";

/** The producer run here (mode: direct). Loaded on demand: kubernetes mode needs no MongoDB driver. */
export async function runDirect(inputs: DirectInputs, log: Log): Promise<ActionResult<Outputs>> {
  const report = await runProducer(
    {
      uri: inputs.uri,
      ...(inputs.sourceUri ? { sourceUri: inputs.sourceUri } : {}),
      appName: "pr-snapshots/trigger-producer",
    },
    inputs,
    inputs,
    log,
  );
  log.info(
    `${report.dryRun ? "Dry run: would copy" : `Published snapshot ${report.generation}:`} ${report.collections.length} collections, ` +
      `${report.documents} documents from ${report.sourceDatabase} in ${(report.durationMs / 1000).toFixed(1)}s.`,
  );
  if (!report.dryRun) log.info(`${consistencyLine(report.consistency)}.`);
  return {
    outputs: {
      "snapshot-timestamp": report.dryRun ? "" : report.timestamp.toISOString(),
      collections: report.collections.length,
      documents: report.documents,
      generation: report.dryRun ? "" : report.generation,
      "job-name": "",
      consistency: report.dryRun ? "" : report.consistency.consistency,
      "consistent-at": report.dryRun ? "" : (report.consistency.consistentAtDate?.toISOString() ?? ""),
    },
    summary: directSummary(report),
  };
}

/** The snapshot a Kubernetes job just published. */
export async function readLatestSnapshot(
  uri: string,
  snapshotDatabase: string,
  log: Log,
): Promise<SnapshotMetadata | undefined> {
  return withMongo({ uri, log, appName: "pr-snapshots/trigger-producer" }, async (client) => {
    const meta = await readSnapshotMetadata(client.db(snapshotDatabase));
    return meta?.status === "complete" ? meta : undefined;
  });
}

function directSummary(r: ProduceReport): string {
  const head = r.dryRun
    ? "### pr-snapshots: snapshot plan (dry run, nothing written)"
    : "### pr-snapshots: snapshot refreshed";
  const facts = [
    `${code(r.sourceDatabase)} → ${code(r.snapshotDatabase)}${r.dryRun ? "" : `, generation ${code(r.generation)}, taken ${formatUtc(r.timestamp)}`}`,
    `${r.collections.length} collections, ${r.documents} documents${r.views.length ? `, views recorded: ${r.views.join(", ")}` : ""}, ${(r.durationMs / 1000).toFixed(1)} s`,
    ...(r.previous ? [`Replaces the snapshot taken ${formatUtc(r.previous.timestamp)}`] : []),
    ...(r.excluded.length ? [`Excluded: ${r.excluded.join(", ")}`] : []),
    ...(r.deletedGenerations.length ? [`Deleted old generations: ${r.deletedGenerations.join(", ")}`] : []),
  ];
  return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${r.dryRun ? "" : consistencySection(r.consistency, r.durationMs)}${policySection(r)}${throttleSection(r.throttle)}${copiesSection(r.collections, pauseTimings(r.throttle))}`;
}

/** Which rules were applied to which collection, what was verified, and what each subset kept. */
function policySection(r: ProduceReport): string {
  const { masking } = r;
  const subsets = r.subsetRules ?? {};
  const names = [...new Set([...Object.keys(masking?.rules ?? {}), ...Object.keys(subsets)])].sort();
  if (!names.length) return "";
  const documents = Object.fromEntries(r.collections.map((c) => [c.name, c.documents]));
  const rows = names.map((c) => [
    c,
    (masking?.rules[c] ?? []).join(", ") || "—",
    subsets[c] ?? "all documents",
    documents[c] ?? "",
    masking?.unverified[c]?.length
      ? `verified except ${masking.unverified[c]?.join(", ")} (expr)`
      : masking?.rules[c] && !r.dryRun
        ? masking.verified
          ? "verified"
          : "not verified"
        : "",
  ]);
  const head = masking
    ? `Masking policy ${code(shortPolicy(masking.policy))} (${masking.fields} masked paths)${r.dryRun ? "" : masking.verified ? ", verified against production before publishing" : ""}.`
    : "Subset rules applied.";
  return `${head}\n\n${table(["collection", "masking", "subset", "documents kept", "proof"], rows)}\n\n`;
}

import type { ActionResult } from "@pr-snapshots/core/action";
import { createJobFromCronJob, manualJobName, waitForJob } from "@pr-snapshots/core/kubernetes";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import { code, formatUtc, table } from "@pr-snapshots/core/markdown";
import { connectMongo } from "@pr-snapshots/core/mongo/client";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { type ProduceReport, produceSnapshot } from "@pr-snapshots/core/snapshot/producer";
import type { ProducerSettings } from "@pr-snapshots/core/snapshot/settings";

export const CONFIRMATION = "refresh-snapshot";

export type DirectInputs = CommonInputs & ProducerSettings & { mode: "direct"; uri: string };

export type KubernetesInputs = CommonInputs & {
  mode: "kubernetes";
  uri: string | undefined;
  snapshotDatabase: string | undefined;
  cronjob: string;
  namespace: string;
  wait: boolean;
  timeoutSeconds: number;
  pollIntervalSeconds: number;
  kubectl: string;
};

export type Inputs = DirectInputs | KubernetesInputs;

export interface Outputs extends Record<string, string | number | boolean> {
  "snapshot-timestamp": string;
  collections: number | string;
  documents: number | string;
  generation: string;
  "job-name": string;
}

export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  return inputs.mode === "direct" ? runDirect(inputs, log) : runKubernetes(inputs, log);
}

async function runDirect(inputs: DirectInputs, log: Log): Promise<ActionResult<Outputs>> {
  const client = await connectMongo({
    uri: inputs.uri,
    log,
    appName: "pr-snapshots/trigger-producer",
    maxPoolSize: inputs.concurrency + 4,
  });
  let report: ProduceReport;
  try {
    report = await produceSnapshot({
      client,
      log,
      sourceDatabase: inputs.sourceDatabase,
      snapshotDatabase: inputs.snapshotDatabase,
      ...(inputs.include ? { include: inputs.include } : {}),
      exclude: inputs.exclude,
      protectedDatabases: inputs.protectedDatabases,
      concurrency: inputs.concurrency,
      retain: inputs.retain,
      graceSeconds: inputs.graceSeconds,
      maxShrinkPercent: inputs.maxShrinkPercent,
      force: inputs.force,
      dryRun: inputs.dryRun,
      allowPrivilegedCredentials: inputs.allowPrivilegedCredentials,
      leaseSeconds: inputs.leaseSeconds,
      ...(inputs.maxTimeSeconds ? { maxTimeMS: inputs.maxTimeSeconds * 1000 } : {}),
    });
  } finally {
    await client.close();
  }
  log.info(
    `${report.dryRun ? "Dry run: would copy" : `Published snapshot ${report.generation}:`} ${report.collections.length} collections, ` +
      `${report.documents} documents from ${report.sourceDatabase} in ${(report.durationMs / 1000).toFixed(1)}s.`,
  );
  return {
    outputs: {
      "snapshot-timestamp": report.dryRun ? "" : report.timestamp.toISOString(),
      collections: report.collections.length,
      documents: report.documents,
      generation: report.dryRun ? "" : report.generation,
      "job-name": "",
    },
    summary: directSummary(report),
  };
}

async function runKubernetes(inputs: KubernetesInputs, log: Log): Promise<ActionResult<Outputs>> {
  const jobName = manualJobName(inputs.cronjob, new Date());
  const command = `kubectl create job --from=cronjob/${inputs.cronjob} ${jobName} -n ${inputs.namespace}`;
  const outputs: Outputs = {
    "snapshot-timestamp": "",
    collections: "",
    documents: "",
    generation: "",
    "job-name": "",
  };
  if (inputs.dryRun) {
    log.info(`Dry run: would run ${command}`);
    return {
      outputs,
      summary: `### pr-snapshots: snapshot refresh (dry run)\n\nWould run \`${command}\`${inputs.wait ? " and wait for it" : ""}.\n`,
    };
  }
  const k = { kubectl: inputs.kubectl, namespace: inputs.namespace, log };
  await createJobFromCronJob({ ...k, cronjob: inputs.cronjob, jobName });
  outputs["job-name"] = jobName;
  let status = "created (not waited for)";
  if (inputs.wait) {
    try {
      await waitForJob({
        ...k,
        jobName,
        timeoutMs: inputs.timeoutSeconds * 1000,
        pollMs: inputs.pollIntervalSeconds * 1000,
      });
    } catch (error) {
      // The job exists: report it even though the step fails.
      Object.assign(error as object, {
        result: { outputs, summary: k8sSummary(command, jobName, "failed or timed out") },
      });
      throw error;
    }
    status = "succeeded";
    if (inputs.uri && inputs.snapshotDatabase) {
      const client = await connectMongo({ uri: inputs.uri, log, appName: "pr-snapshots/trigger-producer" });
      try {
        const meta = await readSnapshotMetadata(client.db(inputs.snapshotDatabase));
        if (meta?.status === "complete") {
          outputs["snapshot-timestamp"] = meta.timestamp.toISOString();
          outputs.collections = meta.collections.length;
          outputs.documents = Object.values(meta.counts ?? {}).reduce((a, b) => a + b, 0);
          outputs.generation = meta.generation ?? "";
        }
      } finally {
        await client.close();
      }
    }
  }
  return { outputs, summary: k8sSummary(command, jobName, status, outputs["snapshot-timestamp"]) };
}

function directSummary(r: ProduceReport): string {
  const rows = r.collections.map((c) => [c.name, c.documents, c.indexes, c.seconds.toFixed(2), c.method]);
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
  return `${head}\n\n${facts.map((f) => `- ${f}`).join("\n")}\n\n${table(["collection", "documents", "indexes", "seconds", "method"], rows)}\n`;
}

function k8sSummary(command: string, jobName: string, status: string, timestamp = ""): string {
  return [
    "### pr-snapshots: snapshot refresh triggered",
    "",
    `- Command: \`${command}\``,
    `- Job: ${code(jobName)}: ${status}`,
    ...(timestamp ? [`- New snapshot taken ${formatUtc(timestamp)}`] : []),
    "",
  ].join("\n");
}

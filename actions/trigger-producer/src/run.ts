import type { ActionResult } from "@pr-snapshots/core/action";
import { createJobFromCronJob, manualJobName, waitForJob } from "@pr-snapshots/core/kubernetes";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import { code, formatUtc } from "@pr-snapshots/core/markdown";
import { readConsistency } from "@pr-snapshots/core/snapshot/consistency";
import type { Inputs, KubernetesInputs, Outputs } from "./types";

export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  if (inputs.mode === "kubernetes") return runKubernetes(inputs, log);
  const { runDirect } = await import(/* webpackChunkName: "direct" */ "./direct");
  return runDirect(inputs, log);
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
    consistency: "",
    "consistent-at": "",
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
      const { readLatestSnapshot } = await import(/* webpackChunkName: "direct" */ "./direct");
      const meta = await readLatestSnapshot(inputs.uri, inputs.snapshotDatabase, log);
      if (meta) {
        outputs["snapshot-timestamp"] = meta.timestamp.toISOString();
        outputs.collections = meta.collections.length;
        outputs.documents = Object.values(meta.counts ?? {}).reduce((a, b) => a + b, 0);
        outputs.generation = meta.generation ?? "";
        const c = readConsistency(meta);
        outputs.consistency = c.consistency ?? "";
        outputs["consistent-at"] = c.consistentAtDate?.toISOString() ?? "";
      }
    }
  }
  return { outputs, summary: k8sSummary(command, jobName, status, outputs["snapshot-timestamp"]) };
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

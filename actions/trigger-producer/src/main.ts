import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { UserError } from "@pr-snapshots/core/errors";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { assertKubernetesName } from "@pr-snapshots/core/kubernetes";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { readProducerSettings } from "@pr-snapshots/core/snapshot/settings";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";
import { run } from "./run";
import { CONFIRMATION, type Inputs } from "./types";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const inputs = new InputReader(actionInputs);
  // The confirmation is checked before anything else: a wrong word does nothing at all.
  const confirm = inputs.optional("confirm");
  if (confirm !== undefined && confirm !== CONFIRMATION) {
    throw new UserError(
      `confirm must be exactly "${CONFIRMATION}" to refresh the snapshot, got "${confirm}". Nothing was done.`,
    );
  }
  const mode = inputs.enumeration("mode", ["direct", "kubernetes"], "direct");
  const uri = inputs.optional("mongodb-uri");
  if (uri) maskConnectionString(uri, actionsLog);
  const sourceUri = inputs.optional("source-uri");
  if (sourceUri) maskConnectionString(sourceUri, actionsLog);
  const salt = inputs.optional("mask-salt");
  if (salt) actionsLog.secret(salt);
  const testPassword = inputs.optional("mask-test-password");
  if (testPassword) actionsLog.secret(testPassword);
  // Fails closed: without the trusted config, settings that keep data out of the snapshot or
  // protect databases could be missing, so nothing runs when it cannot be read.
  const common = await readActionCommonInputs(inputs, readRunContext(), {
    action: "trigger-producer",
    whenUnreadable: "fail",
    log: actionsLog,
  });
  const { config } = common;
  if (mode === "kubernetes") {
    return {
      ...common,
      mode,
      uri,
      snapshotDatabase:
        inputs.optional("snapshot-database") ??
        config.snapshotDatabase ??
        (common.prefix ? `${common.prefix}_snapshot` : undefined),
      cronjob: assertKubernetesName(inputs.optional("cronjob") ?? "snapshot-producer", 'Input "cronjob"', 52),
      namespace: assertKubernetesName(inputs.optional("namespace") ?? "default", 'Input "namespace"'),
      wait: inputs.boolean("wait", false),
      timeoutSeconds: inputs.integer("timeout-seconds", { min: 1, max: 86_400 }) ?? 1_800,
      pollIntervalSeconds: inputs.integer("poll-interval-seconds", { min: 1, max: 600 }) ?? 10,
      kubectl: inputs.optional("kubectl") ?? "kubectl",
    };
  }
  if (!uri)
    throw new UserError(
      'Input "mongodb-uri" is required in direct mode: pass the producer\'s connection string from a secret.',
    );
  if (sourceUri && sourceUri.trim() === uri.trim())
    throw new UserError(
      '"source-uri" is the same as "mongodb-uri": leave source-uri empty when production is on the same deployment (the server then copies by itself).',
    );
  return { ...common, mode, uri, sourceUri, ...readProducerSettings(inputs, common) };
}

void runMain(parseInputs, (inputs) => run(inputs));

import * as github from "@actions/github";
import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { loadConfig } from "@pr-snapshots/core/config";
import { UserError } from "@pr-snapshots/core/errors";
import { PULL_REQUEST_EVENTS } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/client";
import {
  assertDatabaseName,
  assertPrNumber,
  prDatabaseName,
  snapshotDatabaseName,
  targetPolicy,
} from "@pr-snapshots/core/names";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { type Inputs, run } from "./run";

enableCompileCache();

function parseInputs(): Inputs {
  const inputs = new InputReader(actionInputs);
  const uri = inputs.required("mongodb-uri", "Pass the PR database's connection string from a secret.");
  maskConnectionString(uri, actionsLog);
  const { config } = loadConfig(inputs.optional("config"));
  const common = readCommonInputs(inputs, config);
  if (!common.prefix)
    throw new UserError(
      'A database prefix is required: set the "db-prefix" input or "dbPrefix" in the config file.',
    );
  const prNumber = readPrNumber(inputs);
  const explicit = inputs.optional("database");
  const database = explicit
    ? assertDatabaseName(explicit, 'Input "database"')
    : prNumber
      ? prDatabaseName(common.prefix, prNumber)
      : undefined;
  if (!database)
    throw new UserError(
      'Cannot tell which database to restore: give "pr-number" (or run on a pull_request event) or "database".',
    );
  const snapshotDatabase =
    inputs.optional("snapshot-database") ?? config.snapshotDatabase ?? snapshotDatabaseName(common.prefix);
  const sourceDatabase = inputs.optional("source-database") ?? config.sourceDatabase;
  return {
    ...common,
    uri,
    database,
    prNumber,
    snapshotDatabase: assertDatabaseName(snapshotDatabase, "The snapshot database"),
    policy: targetPolicy({
      prefix: common.prefix,
      snapshotDatabase,
      ...(sourceDatabase
        ? { productionDatabase: assertDatabaseName(sourceDatabase, "The source database") }
        : {}),
      allowedTargets: inputs.list("allowed-targets", { commas: false }) ?? config.allowedTargets ?? [],
      protectedDatabases: inputs.list("protected-databases") ?? config.protectedDatabases ?? [],
    }),
    waitTimeoutSeconds:
      inputs.integer("wait-timeout-seconds", { min: 0, max: 86_400 }) ??
      config.restore?.waitTimeoutSeconds ??
      360,
    pollIntervalSeconds:
      inputs.integer("poll-interval-seconds", { min: 1, max: 3_600 }) ??
      config.restore?.pollIntervalSeconds ??
      30,
    concurrency: inputs.integer("concurrency", { min: 1, max: 64 }) ?? config.restore?.concurrency ?? 4,
    maxTimeSeconds: inputs.integer("max-time-seconds", { min: 0 }) ?? 0,
    allowPrivilegedCredentials: inputs.boolean("allow-privileged-credentials", false),
    comment: inputs.boolean("comment", true),
    repo: github.context.repo,
    apiUrl: github.context.apiUrl,
    runKey: Number.isFinite(github.context.runId) ? String(github.context.runId) : undefined,
    rerun: github.context.runAttempt > 1,
  };
}

function readPrNumber(inputs: InputReader): number | undefined {
  const given = inputs.integer("pr-number", { min: 1 });
  if (given !== undefined) return given;
  if (!(PULL_REQUEST_EVENTS as readonly string[]).includes(github.context.eventName)) return undefined;
  const pr = github.context.payload.pull_request as { number?: unknown } | undefined;
  return pr ? assertPrNumber(pr.number, "pull_request.number in the event payload") : undefined;
}

void runMain(parseInputs, (inputs) => run(inputs));

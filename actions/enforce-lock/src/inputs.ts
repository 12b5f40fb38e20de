import { UserError } from "@pr-snapshots/core/errors";
import type { RunContext } from "@pr-snapshots/core/github/context";
import { type PullRequestEvent, parsePullRequestEvent } from "@pr-snapshots/core/github/event";
import type { InputReader } from "@pr-snapshots/core/inputs";
import type { Log } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { assertDatabasesFitSetting, PR_DATABASE_FIX } from "@pr-snapshots/core/mongo/limit-names";
import { assertWritableTarget, prDatabaseName, type TargetPolicy } from "@pr-snapshots/core/names";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import { readTargetPolicy } from "@pr-snapshots/core/snapshot/settings";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";

export interface Inputs extends CommonInputs {
  event: PullRequestEvent;
  /** The PR database; it has passed the target check. */
  database: string;
  policy: TargetPolicy;
  mongodbUri?: string;
  selfLogin?: string;
  apiUrl?: string;
  /** Identifies the workflow run, so that a re-run does not post a comment twice. */
  runKey?: string;
  runAttempt: number;
  /** How long a drop or reset waits for another run writing the same database (CONTRACT §9). */
  waitTimeoutSeconds: number;
}

/**
 * Reads and validates everything before the pull request is read: the connection string is
 * masked first, then the event, the config (from detect-labels' verified copy when config-sha is
 * given, else one request at the trusted commit), labels, and the database name goes through the
 * same target check that guards the drop, so a refused target fails before anything is written.
 */
export async function readInputs(inputs: InputReader, context: RunContext, log: Log): Promise<Inputs> {
  const mongodbUri = inputs.optional("mongodb-uri");
  if (mongodbUri) maskConnectionString(mongodbUri, log);
  const event = parsePullRequestEvent(context.eventName, context.payload);
  const common = await readActionCommonInputs(inputs, context, {
    action: "enforce-lock",
    whenUnreadable: "use-inputs",
    log,
  });
  const { config, prefix } = common;
  if (!prefix) {
    throw new UserError(
      'A database prefix is required: set the "db-prefix" input or "dbPrefix" in the config file ' +
        "(the PR database is <prefix>_pr_<number>, and <prefix>_snapshot is protected).",
    );
  }
  const database = inputs.optional("database") ?? prDatabaseName(prefix, event.number);
  const { policy } = readTargetPolicy(inputs, config, prefix);
  assertWritableTarget(database, policy);
  assertDatabasesFitSetting(common.serverLimits, [
    { name: database, what: "The PR database", fix: PR_DATABASE_FIX },
  ]);
  const selfLogin = inputs.optional("self-login");
  const runAttempt = context.runAttempt > 0 ? context.runAttempt : 1;
  return {
    ...common,
    event,
    database,
    policy,
    runAttempt,
    waitTimeoutSeconds:
      inputs.integer("wait-timeout-seconds", { min: 0, max: 86_400 }) ??
      config.restore?.waitTimeoutSeconds ??
      360,
    ...(mongodbUri ? { mongodbUri } : {}),
    ...(selfLogin ? { selfLogin } : {}),
    ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}),
    ...(Number.isFinite(context.runId) && context.runId > 0 ? { runKey: String(context.runId) } : {}),
  };
}

import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { UserError } from "@pr-snapshots/core/errors";
import { type RunContext, readRunContext } from "@pr-snapshots/core/github/context";
import { PULL_REQUEST_EVENTS } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import {
  assertDatabaseName,
  assertPrNumber,
  prDatabaseName,
  snapshotDatabaseName,
} from "@pr-snapshots/core/names";
import { parseUrlLines } from "@pr-snapshots/core/preview/render";
import { REFRESH_POLICIES } from "@pr-snapshots/core/snapshot/refresh";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";
import { type Inputs, run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  const inputs = new InputReader(actionInputs);
  const uri = inputs.optional("mongodb-uri");
  if (uri) maskConnectionString(uri, actionsLog);
  const common = await readActionCommonInputs(inputs, context, {
    action: "post-preview-comment",
    whenUnreadable: "use-inputs",
    log: actionsLog,
  });
  const { config } = common;
  const pr = isPullRequestEvent(context)
    ? (context.payload.pull_request as { number?: unknown; head?: { sha?: string } })
    : undefined;
  const number =
    inputs.integer("pr-number", { min: 1 }) ??
    (pr ? assertPrNumber(pr.number, "pull_request.number in the event payload") : undefined);
  if (!number)
    throw new UserError(
      'Cannot tell which pull request to comment on: give "pr-number" or run on a pull_request event.',
    );
  const explicit = inputs.optional("database");
  if (!explicit && !common.prefix)
    throw new UserError('Give "database" or "db-prefix" (or dbPrefix in the config file).');
  const database = explicit
    ? assertDatabaseName(explicit, 'Input "database"')
    : prDatabaseName(common.prefix ?? "", number);
  const snapshotDb =
    inputs.optional("snapshot-database") ??
    config.snapshotDatabase ??
    (common.prefix ? snapshotDatabaseName(common.prefix) : undefined);
  const timestamp = inputs.optional("snapshot-timestamp");
  if (timestamp && Number.isNaN(Date.parse(timestamp))) {
    throw new UserError(
      `Input "snapshot-timestamp" must be an ISO 8601 date such as 2026-11-22T03:00:00Z, got "${timestamp}".`,
    );
  }
  return {
    ...common,
    number,
    database,
    snapshotDatabase: snapshotDb,
    useSnapshot: inputs.optionalBoolean("use-snapshot"),
    locked: inputs.optionalBoolean("persist-db"),
    headSha: inputs.optional("head-sha") ?? pr?.head?.sha ?? "",
    snapshotTimestamp: timestamp ? new Date(timestamp) : undefined,
    uri,
    namespace: inputs.optional("namespace") ?? config.comment?.namespace ?? "pr-{number}",
    urls: inputs.list("urls", { commas: false })
      ? parseUrlLines(inputs.list("urls", { commas: false }) ?? [])
      : (config.comment?.urls ?? []),
    refresh: inputs.enumeration("refresh", REFRESH_POLICIES, config.restore?.refresh ?? "every-sync"),
    repo: context.repo ?? missingRepository(),
    apiUrl: context.apiUrl,
  };
}

function isPullRequestEvent(context: RunContext): boolean {
  return (PULL_REQUEST_EVENTS as readonly string[]).includes(context.eventName);
}

void runMain(parseInputs, (inputs) => run(inputs));

function missingRepository(): never {
  throw new UserError(
    "GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow, or set it to owner/name.",
  );
}

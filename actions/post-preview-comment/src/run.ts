import type { ActionResult } from "@pr-snapshots/core/action";
import { createGitHubClient, type GitHubClient, type RepoRef } from "@pr-snapshots/core/github/client";
import { renderComment, upsertStickyComment } from "@pr-snapshots/core/github/comments";
import { fetchPullRequest } from "@pr-snapshots/core/github/pull-request";
import { actionsLog, type Log, logLines } from "@pr-snapshots/core/log";
import { type PreviewModel, renderPreviewComment, type UrlTemplate } from "@pr-snapshots/core/preview/render";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import type { RefreshPolicy } from "@pr-snapshots/core/snapshot/refresh";
import type { DatabaseFacts } from "./database-facts";

export interface Inputs extends CommonInputs {
  number: number;
  database: string;
  snapshotDatabase: string | undefined;
  /** Undefined: read the labels from the API. */
  useSnapshot: boolean | undefined;
  locked: boolean | undefined;
  headSha: string;
  snapshotTimestamp: Date | undefined;
  uri: string | undefined;
  namespace: string;
  urls: UrlTemplate[];
  refresh?: RefreshPolicy;
  repo: RepoRef;
  apiUrl?: string;
}

export interface Outputs extends Record<string, string | number | boolean> {
  "comment-id": string;
  "comment-url": string;
  outcome: string;
}

export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  const client = inputs.token
    ? createGitHubClient({ token: inputs.token, log, ...(inputs.apiUrl ? { baseUrl: inputs.apiUrl } : {}) })
    : undefined;
  const { useSnapshot, locked } = await labelState(inputs, client);
  const model: PreviewModel = {
    number: inputs.number,
    headSha: inputs.headSha,
    database: inputs.database,
    ...(inputs.snapshotDatabase ? { snapshotDatabase: inputs.snapshotDatabase } : {}),
    namespace: inputs.namespace,
    urls: inputs.urls,
    useSnapshot,
    locked,
    labels: inputs.labels,
    ...(inputs.refresh ? { refresh: inputs.refresh } : {}),
  };
  const facts = await readFacts(inputs, useSnapshot, log);
  const timestamp = inputs.snapshotTimestamp ?? (useSnapshot ? facts.snapshotTimestamp : undefined);
  if (timestamp) model.snapshotTimestamp = timestamp;
  if (facts.size) model.size = facts.size;
  if (useSnapshot && facts.maskingPolicy) model.maskingPolicy = facts.maskingPolicy;
  if (useSnapshot && facts.subset) model.subset = facts.subset;
  // The consistent-at time of the snapshot the facts describe, unless the input names another one.
  const same =
    !inputs.snapshotTimestamp || inputs.snapshotTimestamp.getTime() === facts.snapshotTimestamp?.getTime();
  if (useSnapshot && same && facts.consistency) model.consistency = facts.consistency;
  if (useSnapshot && same && facts.consistentAtDate) model.consistentAtDate = facts.consistentAtDate;
  const body = renderPreviewComment(model);

  if (inputs.dryRun) {
    logLines(
      log,
      `Dry run: the preview comment on #${inputs.number} would be:\n${renderComment("preview", body)}`,
    );
    return { outputs: { "comment-id": "", "comment-url": "", outcome: "dry-run" } };
  }
  if (!client) throw new Error("A github-token is required to post the preview comment.");
  const posted = await upsertStickyComment(client, inputs.repo, inputs.number, "preview", body, log);
  log.info(`Preview comment ${posted.outcome}: ${posted.url}`);
  return {
    outputs: { "comment-id": String(posted.id), "comment-url": posted.url, outcome: posted.outcome },
    summary: `### pr-snapshots: preview comment ${posted.outcome}\n\n[${posted.url}](${posted.url})\n`,
  };
}

async function labelState(
  inputs: Inputs,
  client: GitHubClient | undefined,
): Promise<{ useSnapshot: boolean; locked: boolean }> {
  if (inputs.useSnapshot !== undefined && inputs.locked !== undefined)
    return { useSnapshot: inputs.useSnapshot, locked: inputs.locked };
  if (!client) throw new Error('Give "use-snapshot" and "persist-db", or a github-token to read the labels.');
  const pr = await fetchPullRequest(client, inputs.repo, inputs.number);
  return {
    useSnapshot: inputs.useSnapshot ?? pr.labels.includes(inputs.labels.snapshot),
    locked: inputs.locked ?? pr.labels.includes(inputs.labels.lock),
  };
}

async function readFacts(inputs: Inputs, snapshotData: boolean, log: Log): Promise<DatabaseFacts> {
  if (!inputs.uri) return {};
  try {
    const { readDatabaseFacts } = await import(/* webpackChunkName: "database-facts" */ "./database-facts");
    return await readDatabaseFacts(inputs.uri, inputs.database, inputs.snapshotDatabase, snapshotData, log);
  } catch (error) {
    log.warning(
      `Could not read the database (${(error as Error).message}): the comment shows no size` +
        `${snapshotData && !inputs.snapshotTimestamp ? ' and says the snapshot is "Not yet available"' : ""}.`,
    );
    return {};
  }
}

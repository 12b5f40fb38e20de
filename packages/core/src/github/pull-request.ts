import { errorMessage } from "../errors";
import type { Log } from "../log";
import type { GitHubClient, RepoRef } from "./client";
import type { PullRequestEvent } from "./event";

export interface LivePullRequest {
  labels: string[];
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
}

/** The pull request as GitHub sees it now (labels may have changed since the event was queued). */
export async function fetchPullRequest(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<LivePullRequest> {
  const { data } = await client.rest.pulls.get({ ...repo, pull_number: number });
  return {
    labels: data.labels.map((l) => l.name),
    state: data.state === "closed" ? "closed" : "open",
    merged: data.merged === true,
    headSha: data.head.sha,
  };
}

export interface PullRequestSnapshot extends LivePullRequest {
  /** "api" when read live, "payload" when the API could not be reached and the event payload was used. */
  source: "api" | "payload";
  apiError?: string;
}

/**
 * Live labels and state, falling back to the event payload (and saying so) when the API
 * is unavailable. Only for reporting: decisions that write must use {@link fetchPullRequest}.
 */
export async function readPullRequestOrPayload(
  client: GitHubClient | undefined,
  event: PullRequestEvent,
  log: Log,
): Promise<PullRequestSnapshot> {
  const fromPayload: PullRequestSnapshot = {
    labels: event.labels,
    state: event.state,
    merged: event.merged,
    headSha: event.headSha,
    source: "payload",
  };
  if (!client) {
    log.warning("No github-token given: using the labels in the event payload, which may be stale.");
    return fromPayload;
  }
  try {
    return { ...(await fetchPullRequest(client, event.repo, event.number)), source: "api" };
  } catch (error) {
    const why = errorMessage(error);
    log.warning(
      `Could not read pull request #${event.number} from the GitHub API (${why}); ` +
        "using the labels and state in the event payload instead, which may be stale after a burst of label changes.",
    );
    return { ...fromPayload, apiError: why };
  }
}

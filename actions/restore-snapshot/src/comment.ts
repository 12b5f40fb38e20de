import { createGitHubClient, type RepoRef } from "@pr-snapshots/core/github/client";
import { postEventComment } from "@pr-snapshots/core/github/comments";
import type { Log } from "@pr-snapshots/core/log";

/** Posts the db-restored comment. Loaded only after a restore: the GitHub client is not needed before. */
export async function postRestoredComment(
  o: {
    token: string;
    apiUrl?: string;
    repo: RepoRef;
    prNumber: number;
    runKey?: string;
    rerun: boolean;
    body: string;
  },
  log: Log,
): Promise<string> {
  const gh = createGitHubClient({ token: o.token, log, ...(o.apiUrl ? { baseUrl: o.apiUrl } : {}) });
  const posted = await postEventComment(gh, o.repo, o.prNumber, "db-restored", o.body, {
    ...(o.runKey ? { runKey: o.runKey } : {}),
    mayHavePosted: o.rerun,
    log,
  });
  return posted.url;
}

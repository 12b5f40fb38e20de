import { type Log, silentLog } from "../log";
import type { GitHubClient, RepoRef } from "./client";
import { tokenLoginOnce } from "./identity";

export const COMMENT_KINDS = [
  "preview",
  "snapshot-add-blocked",
  "snapshot-remove-blocked",
  "lock-added",
  "lock-removed",
  "db-restored",
  "db-reset",
  "db-dropped",
  "db-kept",
  // sweep-databases (CONTRACT §10): a locked database of a closed PR expires soon / has expired.
  "db-expiring",
  "db-expired",
] as const;

export type CommentKind = (typeof COMMENT_KINDS)[number];

export function commentMarker(kind: CommentKind): string {
  return `<!-- pr-snapshots:${kind} -->`;
}

const MARKER_LINE = /^<!-- pr-snapshots:([a-z-]+) -->$/;
const RUN_LINE = /^<!-- pr-snapshots:run ([\w.:-]+) -->$/m;

/** The marker is always the first line; a second hidden line records which workflow run posted it. */
export function renderComment(kind: CommentKind, body: string, runKey?: string): string {
  const lines = [commentMarker(kind)];
  if (runKey) lines.push(`<!-- pr-snapshots:run ${runKey} -->`);
  lines.push(body.trim());
  return `${lines.join("\n")}\n`;
}

export function kindOf(body: string | undefined | null): CommentKind | undefined {
  const first = body?.split(/\r?\n/, 1)[0]?.trim() ?? "";
  const kind = MARKER_LINE.exec(first)?.[1];
  return (COMMENT_KINDS as readonly string[]).includes(kind ?? "") ? (kind as CommentKind) : undefined;
}

export function runKeyOf(body: string | undefined | null): string | undefined {
  return body ? RUN_LINE.exec(body)?.[1] : undefined;
}

export interface PostedComment {
  id: number;
  url: string;
  /** What happened: created, updated in place, or skipped because this run already posted it. */
  outcome: "created" | "updated" | "unchanged" | "already-posted";
}

interface IssueComment {
  id: number;
  html_url: string;
  body?: string | null | undefined;
  /** The account that wrote it: `github-actions[bot]` for GITHUB_TOKEN, `<app>[bot]` for an App's token. */
  user?: { login: string } | null;
}

/**
 * Whether a comment was written by the token's own identity. A marker is only text: anyone who
 * can comment on the pull request can type `<!-- pr-snapshots:db-expiring -->`, so a comment
 * counts as ours only when its author is the account the github-token acts as (REST `user.login`,
 * which is the same spelling GraphQL's `viewer.login` gives: `github-actions[bot]` for
 * GITHUB_TOKEN, `<app-slug>[bot]` for a GitHub App installation token, the user for a personal or
 * user-to-server token).
 */
export function writtenBy(comment: Pick<IssueComment, "user">, login: string): boolean {
  return typeof comment.user?.login === "string" && comment.user.login.toLowerCase() === login.toLowerCase();
}

/**
 * The comments on a pull request that `wanted` selects and this token's identity wrote. The
 * identity costs a request only when some comment is wanted. When it cannot be found, none: a
 * duplicate comment is a lesser harm than obeying a marker someone else planted.
 */
export async function ownComments(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  wanted: (c: IssueComment) => boolean,
  log: Log = silentLog,
): Promise<IssueComment[]> {
  const all = (await listComments(client, repo, number)).filter(wanted);
  if (all.length === 0) return [];
  const self = await tokenLoginOnce(client, log);
  if (!self) {
    log.warning(
      "Could not tell which account the github-token acts as (GraphQL viewer and GET /user both failed), so no earlier " +
        "comment counts as this action's own: a marker alone proves nothing. Set the self-login input if this persists.",
    );
    return [];
  }
  return all.filter((c) => writtenBy(c, self));
}

export async function listComments(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
): Promise<IssueComment[]> {
  return client.paginate(client.rest.issues.listComments, { ...repo, issue_number: number, per_page: 100 });
}

/** The oldest comment of a kind on a PR, if any (for comments posted once per PR, ever). */
export async function findComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  kind: CommentKind,
  log: Log = silentLog,
): Promise<PostedComment | undefined> {
  const found = (await ownComments(client, repo, number, (c) => kindOf(c.body) === kind, log)).sort(
    (a, b) => a.id - b.id,
  )[0];
  return found ? { id: found.id, url: found.html_url, outcome: "already-posted" } : undefined;
}

/**
 * The one comment of a kind per PR (the `preview` comment): edited in place when it exists,
 * created otherwise. Duplicates left by two runs racing are removed, keeping the oldest.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  kind: CommentKind,
  body: string,
  log: Log = silentLog,
): Promise<PostedComment> {
  const rendered = renderComment(kind, body);
  const existing = await ownComments(client, repo, number, (c) => kindOf(c.body) === kind, log);
  const [keep, ...duplicates] = existing.sort((a, b) => a.id - b.id);
  if (!keep) {
    const { data } = await client.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: rendered,
    });
    return { id: data.id, url: data.html_url, outcome: "created" };
  }
  for (const dup of duplicates) await client.rest.issues.deleteComment({ ...repo, comment_id: dup.id });
  if (keep.body === rendered) return { id: keep.id, url: keep.html_url, outcome: "unchanged" };
  const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: keep.id, body: rendered });
  return { id: data.id, url: data.html_url, outcome: "updated" };
}

export interface EventCommentOptions {
  /** Identifies the workflow run (run id) so that a re-run does not post a second copy. */
  runKey?: string;
  /** Only a re-run (attempt > 1) can have posted before, so only then do we spend a request looking. */
  mayHavePosted?: boolean;
  log?: Log;
}

/** A comment about one event (lock added, label reverted, database dropped, ...). */
export async function postEventComment(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  kind: CommentKind,
  body: string,
  options: EventCommentOptions = {},
): Promise<PostedComment> {
  if (options.runKey && options.mayHavePosted) {
    const [earlier] = await ownComments(
      client,
      repo,
      number,
      (c) => kindOf(c.body) === kind && runKeyOf(c.body) === options.runKey,
      options.log,
    );
    if (earlier) return { id: earlier.id, url: earlier.html_url, outcome: "already-posted" };
  }
  const { data } = await client.rest.issues.createComment({
    ...repo,
    issue_number: number,
    body: renderComment(kind, body, options.runKey),
  });
  return { id: data.id, url: data.html_url, outcome: "created" };
}

import { UserError } from "../errors";

/**
 * The defence against stale Jobs (a restore, reset or drop that Argo CD, or anyone, runs again
 * after the decision that made it no longer holds). Pure: the facts are read from the PR
 * database by the caller, while it holds the one-writer lease, so that nothing changes between
 * this verdict and the write it allows.
 *
 * A Job made for one decision carries the commit it was made for (`--expect-sha`). The PR
 * database keeps two records beside `latest` in `snapshot_metadata` (they are not `latest`,
 * so they never make a database count as initialized):
 *  - `lock` `{locked, sha, at}`: the lock label's state, written by enforce-lock when it has a
 *    connection string and the database exists;
 *  - `applied` `{sha, command, at}`: the last restore or reset that a Job with `--expect-sha`
 *    carried out (a drop leaves nothing behind to record it in).
 */

/** The commands that write a PR database on behalf of a decision. */
export type GuardedCommand = "restore" | "reset" | "drop";

export interface LockRecord {
  _id: "lock";
  locked: boolean;
  /** The pull request's head commit when the lock state was recorded. */
  sha: string;
  at: Date;
}

export interface AppliedRecord {
  _id: "applied";
  sha: string;
  command: "restore" | "reset";
  at: Date;
}

export interface StaleJobFacts {
  command: GuardedCommand;
  expectSha: string;
  database: string;
  /** CONTRACT §3 `init`: the database has data (bookkeeping alone does not count). */
  initialized: boolean;
  lock?: LockRecord;
  applied?: AppliedRecord;
}

export type StaleJobVerdict =
  | { run: "proceed"; reason: string }
  | { run: "skip"; reason: string }
  | { run: "refuse"; reason: string };

const SHA = /^[0-9a-f]{7,40}$/;

/** A commit id as the workflow passes it (full or abbreviated hex), normalised to lower case. */
export function parseExpectSha(value: string, source = "--expect-sha"): string {
  const sha = value.trim().toLowerCase();
  if (!SHA.test(sha)) {
    throw new UserError(
      `${source} must be a git commit id (7 to 40 hexadecimal digits), got "${value}". ` +
        "Pass the pull request's head commit, e.g. detect-labels' head-sha output.",
    );
  }
  return sha;
}

/**
 * Same commit and command as the last one applied: nothing to do (a PreSync hook runs on every
 * sync, so this is the normal case, and it must not wipe what the preview wrote since). Locked
 * and initialized: refuse, whatever the Job says, because the lock came later than any decision
 * that could have made this Job. A locked database that is not initialized is still filled: a
 * PR opened with both labels gets its first copy (CONTRACT §3 "P, L, not init").
 */
export function judgeExpectedRun(f: StaleJobFacts): StaleJobVerdict {
  const { command, expectSha, database } = f;
  if (command !== "drop" && f.applied && f.applied.sha === expectSha && f.applied.command === command) {
    return {
      run: "skip",
      reason:
        `${database} already had this ${command} for commit ${short(expectSha)} (at ${f.applied.at.toISOString()}): ` +
        "nothing to do. A PreSync Job runs again on every sync; only a new decision (a new commit or a label change) writes the database again.",
    };
  }
  if (f.lock?.locked && f.initialized) {
    return {
      run: "refuse",
      reason:
        `Refusing to ${command} ${database}: it is locked (lock recorded at ${f.lock.at.toISOString()} for commit ${short(f.lock.sha)}), ` +
        `so this ${command} for commit ${short(expectSha)} is stale. Nothing was changed. ` +
        "Remove the lock label from the pull request first if the database should change.",
    };
  }
  const lockNote = f.lock?.locked ? " (locked, but it holds no data yet: first deploy)" : "";
  return { run: "proceed", reason: `${command} ${database} for commit ${short(expectSha)}${lockNote}` };
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

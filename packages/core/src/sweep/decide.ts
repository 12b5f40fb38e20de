import type { PullRequestRead } from "../github/pull-request-states";
import type { LabelNames } from "../settings";

/** The comments the sweep posts (CONTRACT §10). */
export type SweepCommentKind = "db-dropped" | "db-expiring" | "db-expired";

export interface SweepState {
  /** The pull request of `<prefix>_pr_<N>` as GitHub answered for N. */
  pr: PullRequestRead;
  now: Date;
  /** How long a locked database outlives its closed pull request; 0: for good. */
  keepClosedDays: number;
  /** How many days before that the `db-expiring` reminder is due. */
  remindDays: number;
  names: LabelNames;
}

export interface SweepDecision {
  action: "keep" | "drop";
  comment?: SweepCommentKind;
  /** The rule that applied, in words, for the log and the job summary. */
  rule: string;
  /** When a closed pull request's locked database expires (undefined: it does not). */
  expiresAt?: Date;
}

const DAY_MS = 86_400_000;

/**
 * The housekeeping table of CONTRACT §10. Pure: no I/O. Every database it is asked about exists
 * (the sweep lists them); only a pull request GitHub answered for can lose its database, and a
 * locked one only by expiring.
 */
export function decideSweep(s: SweepState): SweepDecision {
  const { pr, names } = s;
  if (pr.status === "unreadable")
    return {
      action: "keep",
      rule: `pull request #${pr.number} could not be read (${pr.why}): never dropped`,
    };
  if (pr.status === "not-found") return { action: "drop", rule: `${pr.why} (deleted or transferred)` };

  const P = pr.labels.includes(names.preview);
  const L = pr.labels.includes(names.lock);
  if (pr.state === "open") {
    if (L) return { action: "keep", rule: `open, locked by ${names.lock}` };
    if (P) return { action: "keep", rule: `open, with ${names.preview}` };
    return {
      action: "drop",
      comment: "db-dropped",
      rule: `open without ${names.preview} or ${names.lock}: nothing uses the database`,
    };
  }
  const closed = pr.state === "merged" ? "merged" : "closed";
  if (!L) return { action: "drop", comment: "db-dropped", rule: `${closed}, not locked` };
  if (s.keepClosedDays === 0)
    return {
      action: "keep",
      rule: `${closed}, locked; keep-closed-days is 0: locked databases never expire`,
    };
  if (!pr.closedAt) return { action: "keep", rule: `${closed}, locked; when it was closed is unknown` };

  const expiresAt = new Date(pr.closedAt.getTime() + s.keepClosedDays * DAY_MS);
  const ago = `${closed} ${days(s.now.getTime() - pr.closedAt.getTime())} ago`;
  if (s.now >= expiresAt) {
    return {
      action: "drop",
      comment: "db-expired",
      rule: `${ago}, locked: expired (keep-closed-days ${s.keepClosedDays})`,
      expiresAt,
    };
  }
  const left = `expires in ${days(expiresAt.getTime() - s.now.getTime())}`;
  if (s.remindDays > 0 && s.now.getTime() >= expiresAt.getTime() - s.remindDays * DAY_MS) {
    return {
      action: "keep",
      comment: "db-expiring",
      rule: `${ago}, locked: ${left} (remind-days ${s.remindDays})`,
      expiresAt,
    };
  }
  return { action: "keep", rule: `${ago}, locked: ${left}`, expiresAt };
}

/** A duration as whole days, or hours under two days: "45 days", "30 hours". */
function days(ms: number): string {
  const d = Math.floor(ms / DAY_MS);
  if (d >= 2) return `${d} days`;
  const h = Math.max(0, Math.floor(ms / 3_600_000));
  return `${h} hour${h === 1 ? "" : "s"}`;
}

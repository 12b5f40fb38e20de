import type { CommentKind } from "../github/comments";
import type { LabelNames } from "../settings";

/** CONTRACT §3 db-action. */
export type DbAction = "none" | "restore" | "reset" | "drop" | "keep";

export interface LabelChange {
  add?: string;
  remove?: string;
}

export interface LockState {
  /** The pull_request event action (opened, labeled, closed, ...). */
  action: string;
  /** The label added or removed, for labeled/unlabeled. */
  label?: string;
  /** Labels as they are now (read live: the payload can be stale after a burst). */
  labels: readonly string[];
  /** The pull request's state now. */
  state: "open" | "closed";
  /** The PR database exists (has at least one collection and no unfinished restore). */
  initialized: boolean;
  /** The event was caused by this action's own token (a label it reverted). */
  senderIsSelf: boolean;
  names: LabelNames;
  /**
   * Whether the locked database holds snapshot data, when known (from the restore's metadata
   * in the PR database). Under the lock the snapshot label is held at this value, which makes
   * a burst of label events converge whatever order they are processed in. When unknown, a
   * label change under the lock is reverted to its value before the event.
   */
  lockedSnapshot?: boolean;
}

export interface Decision {
  dbAction: DbAction;
  labelChange?: LabelChange;
  comment?: CommentKind;
  /** The rule that applied, in words, for logs and the job summary. */
  rule: string;
}

const none = (rule: string): Decision => ({ dbAction: "none", rule });

/**
 * The label state machine of CONTRACT §3, with `persist-db` as a lock. Pure: no I/O.
 *
 * Conditions are read from the labels and state as they are *now*. An event whose change has
 * since been undone (a label added and removed again, a PR reopened after closing) is stale
 * and does nothing; the event that reflects the current state does the work. That way a burst
 * of events gives the same result whatever order the runs happen in.
 */
export function decide(s: LockState): Decision {
  const { names } = s;
  const has = (label: string) => s.labels.includes(label);
  const open = s.state === "open";
  const P = has(names.preview);
  const U = has(names.snapshot);
  const L = has(names.lock);
  const labelEvent = s.action === "labeled" || s.action === "unlabeled";

  if (labelEvent && s.senderIsSelf)
    return none("label change made by this action's own token: ignored (no loops)");

  if (labelEvent && s.label === names.snapshot) {
    // The lock holds the label only once there is a database to protect. Before the first deploy
    // (e.g. a PR opened with all three labels, whose labeled events race the opened event) the
    // label still chooses how the database is created, as in the first-deploy rows.
    if (L && s.initialized) {
      // Held at its locked value; without knowledge of the database, at its value before this event.
      const expected = s.lockedSnapshot ?? s.action === "unlabeled";
      if (U === expected)
        return none(`locked by ${names.lock}: ${names.snapshot} is already at its locked value`);
      return expected
        ? {
            dbAction: "none",
            labelChange: { add: names.snapshot },
            comment: "snapshot-remove-blocked",
            rule: `${names.snapshot} removed while locked by ${names.lock}: label restored`,
          }
        : {
            dbAction: "none",
            labelChange: { remove: names.snapshot },
            comment: "snapshot-add-blocked",
            rule: `${names.snapshot} added while locked by ${names.lock}: label removed`,
          };
    }
    if (stale(s, U)) return none(`stale ${s.action} event: ${names.snapshot} has changed again since`);
    if (!open || !P)
      return none(
        `${names.snapshot} changed on a ${open ? `PR without ${names.preview}` : "closed PR"}: nothing to do`,
      );
    const firstDeploy = L ? ` before the first deploy (then locked by ${names.lock})` : "";
    return s.action === "labeled"
      ? {
          dbAction: "restore",
          rule: `${names.snapshot} added${firstDeploy}: restore the database from the snapshot`,
        }
      : {
          dbAction: "reset",
          comment: "db-reset",
          rule: `${names.snapshot} removed${firstDeploy}: reset the database to seed data`,
        };
  }

  if (labelEvent && s.label === names.lock) {
    if (stale(s, L)) return none(`stale ${s.action} event: ${names.lock} has changed again since`);
    if (s.action === "labeled")
      return { dbAction: "none", comment: "lock-added", rule: `${names.lock} added: database locked` };
    if (open)
      return { dbAction: "none", comment: "lock-removed", rule: `${names.lock} removed: database unlocked` };
    return {
      dbAction: "drop",
      comment: "db-dropped",
      rule: `${names.lock} removed from a closed PR: drop the database`,
    };
  }

  if (labelEvent && s.label === names.preview) {
    if (stale(s, P)) return none(`stale ${s.action} event: ${names.preview} has changed again since`);
    if (!open) return none(`${names.preview} changed on a closed PR: nothing to do`);
    if (s.action === "labeled") return sync(s, P, U, L);
    return L
      ? {
          dbAction: "keep",
          comment: "db-kept",
          rule: `${names.preview} removed but ${names.lock} is present: keep the database`,
        }
      : { dbAction: "drop", comment: "db-dropped", rule: `${names.preview} removed: drop the database` };
  }

  if (s.action === "closed") {
    if (open) return none("stale closed event: the PR has been reopened since");
    return L
      ? { dbAction: "keep", comment: "db-kept", rule: `PR closed with ${names.lock}: keep the database` }
      : { dbAction: "drop", comment: "db-dropped", rule: "PR closed: drop the database" };
  }

  if (s.action === "opened" || s.action === "reopened" || s.action === "synchronize") {
    if (!open) return none(`stale ${s.action} event: the PR is closed`);
    return sync(s, P, U, L);
  }

  return none(`${s.action}${s.label ? ` of "${s.label}"` : ""}: nothing to do`);
}

/** A labeled event whose label is gone again, or an unlabeled event whose label is back. */
function stale(s: LockState, present: boolean): boolean {
  return s.action === "labeled" ? !present : present;
}

/** opened / reopened / synchronize / labeled preview. */
function sync(s: LockState, P: boolean, U: boolean, L: boolean): Decision {
  const { names } = s;
  if (!P) return none(`no ${names.preview} label: no preview environment`);
  const fill = U ? "restore" : "reset";
  if (L && s.initialized) return none(`locked by ${names.lock}: the database is left as it is`);
  if (L) {
    return {
      dbAction: fill,
      rule: `first deploy with ${names.lock}: ${U ? "restore from the snapshot" : "start from seed data"}, then locked`,
    };
  }
  return {
    dbAction: fill,
    rule: U ? "sync: restore the database from the snapshot" : "sync: reset the database to seed data",
  };
}

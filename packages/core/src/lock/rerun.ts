import { type Decision, decide, type LockState } from "./decide";

/**
 * On a re-run (attempt > 1) the earlier attempt may have reverted the label and then failed to
 * post its comment. The live labels then show nothing left to revert, so decide() says "none";
 * this finds the comment still owed: the decision as the earlier attempt saw it (with the
 * event's own change in place) was a revert, and the labels are now exactly the reverted set.
 * The run-key dedupe of postEventComment keeps it to one copy.
 */
export function owedRevertComment(s: LockState): Decision | undefined {
  if (s.senderIsSelf || !s.label) return undefined;
  if (s.action !== "labeled" && s.action !== "unlabeled") return undefined;
  const present = s.labels.includes(s.label);
  if ((s.action === "labeled") === present) return undefined; // the event's change still stands
  const asFirstSeen = s.action === "labeled" ? [...s.labels, s.label] : s.labels.filter((l) => l !== s.label);
  const first = decide({ ...s, labels: asFirstSeen });
  if (!first.labelChange || !first.comment) return undefined;
  return {
    dbAction: first.dbAction,
    comment: first.comment,
    rule: `${first.rule} (already reverted by an earlier attempt of this run; posting its comment if missing)`,
  };
}

import { describe, expect, it } from "vitest";
import { COMMENT_KINDS, kindOf, renderComment } from "../github/comments";
import { DEFAULT_LABELS, type LabelNames } from "../settings";
import { isLockCommentKind, LOCK_COMMENT_KINDS, type LockMessageContext, lockCommentBody } from "./messages";

const D = DEFAULT_LABELS;
const C: LabelNames = { preview: "env: preview", snapshot: "data/prod", lock: "keep db" };

const ctx = (more: Partial<LockMessageContext> = {}): LockMessageContext => ({
  database: "shop_pr_12",
  names: D,
  labels: [D.preview, D.lock],
  action: "labeled",
  executed: true,
  ...more,
});

describe("lock comment bodies", () => {
  it("cover exactly the event comments enforce-lock posts", () => {
    expect([...LOCK_COMMENT_KINDS].sort()).toEqual(
      // preview and db-restored are the other actions'; db-expiring and db-expired only the sweep's.
      COMMENT_KINDS.filter(
        (k) => !["preview", "db-restored", "db-expiring", "db-expired"].includes(k),
      ).sort(),
    );
    expect(isLockCommentKind("db-kept")).toBe(true);
    expect(isLockCommentKind("preview")).toBe(false);
    expect(isLockCommentKind(undefined)).toBe(false);
  });

  it.each(LOCK_COMMENT_KINDS)("%s: names the database and the labels, renders under its marker", (kind) => {
    for (const names of [D, C]) {
      const body = lockCommentBody(
        kind,
        ctx({ names, labels: [names.preview, names.lock], label: names.snapshot }),
      );
      expect(body).toContain("`shop_pr_12`");
      expect(body).toMatch(/^### /);
      expect(body).toMatch(/\*\*To [^*]+:\*\*|Reopening/);
      // only the configured names are used
      if (names === C) expect(body).not.toMatch(/`(preview|use-snapshot|persist-db)`/);
      const rendered = renderComment(kind, body, "99:1");
      expect(kindOf(rendered)).toBe(kind);
    }
  });

  it("blocked comments say what happened, why, and to remove the lock first", () => {
    const add = lockCommentBody("snapshot-add-blocked", ctx({ label: D.snapshot }));
    expect(add).toContain("`use-snapshot` was added");
    expect(add).toContain("locked by the `persist-db` label");
    expect(add).toContain("The label has been removed");
    expect(add).toContain("remove `persist-db` first, then add `use-snapshot` again");

    const remove = lockCommentBody(
      "snapshot-remove-blocked",
      ctx({ action: "unlabeled", label: D.snapshot, snapshotTimestamp: new Date("2026-11-22T03:00:00Z") }),
    );
    expect(remove).toContain("`use-snapshot` was removed");
    expect(remove).toContain("snapshot taken 2026-11-22 03:00 UTC");
    expect(remove).toContain("the label has been added back");
    expect(remove).toContain("remove `persist-db` first, then remove `use-snapshot`");
    expect(lockCommentBody("snapshot-remove-blocked", ctx({ action: "unlabeled" }))).not.toContain("taken");

    const custom = lockCommentBody("snapshot-add-blocked", ctx({ names: C }));
    expect(custom).toContain("remove `keep db` first, then add `data/prod` again");
  });

  it("lock-added lists the protections and how to unlock", () => {
    const body = lockCommentBody("lock-added", ctx({ label: D.lock }));
    expect(body).toContain("not deleted when this pull request is closed or merged");
    expect(body).toContain("adding or removing `use-snapshot` is reverted");
    expect(body).toContain("**To unlock:** remove `persist-db`");
    expect(body).not.toContain("does not exist");
    expect(lockCommentBody("lock-added", ctx({ existed: false }))).toContain("does not exist at the moment");
  });

  it("lock-removed says whether the next sync restores the snapshot or resets to seed data", () => {
    const toSnapshot = lockCommentBody(
      "lock-removed",
      ctx({ action: "unlabeled", label: D.lock, labels: [D.preview, D.snapshot] }),
    );
    expect(toSnapshot).toContain("restored from the latest production snapshot");
    expect(toSnapshot).toContain("Its current data will be replaced");
    expect(toSnapshot).not.toContain("seed data");

    const toSeed = lockCommentBody(
      "lock-removed",
      ctx({ action: "unlabeled", label: D.lock, labels: [D.preview] }),
    );
    expect(toSeed).toContain("reset to fresh seed data");
    expect(toSeed).toContain("Its current data will be replaced");
    expect(toSeed).toContain("add `persist-db` back before the next sync");

    const noPreview = lockCommentBody(
      "lock-removed",
      ctx({ action: "unlabeled", label: D.lock, labels: [] }),
    );
    expect(noPreview).toContain("has no `preview` label");
    expect(noPreview).toContain("deleted when the pull request is closed");
  });

  it("db-reset and db-dropped say whether this run or a later step drops the database", () => {
    const reset = lockCommentBody(
      "db-reset",
      ctx({ action: "unlabeled", label: D.snapshot, labels: [D.preview] }),
    );
    expect(reset).toContain("`use-snapshot` was removed, so the database `shop_pr_12` was dropped");
    expect(reset).toContain("fresh seed data on its next sync");
    expect(reset).toContain("add `use-snapshot`");
    expect(lockCommentBody("db-reset", ctx({ executed: false }))).toContain(
      "is being dropped by this workflow",
    );
    expect(lockCommentBody("db-reset", ctx({ existed: false }))).toContain(
      "(which does not exist yet) will be created with fresh seed data",
    );

    const closed = lockCommentBody("db-dropped", ctx({ action: "closed", labels: [D.preview] }));
    expect(closed).toContain("was dropped because this pull request was closed");
    expect(closed).toContain("add `persist-db` before closing it");
    const unlocked = lockCommentBody("db-dropped", ctx({ action: "unlabeled", label: D.lock, labels: [] }));
    expect(unlocked).toContain("because `persist-db` was removed from this closed pull request");
    const previewGone = lockCommentBody(
      "db-dropped",
      ctx({ action: "unlabeled", label: D.preview, labels: [] }),
    );
    expect(previewGone).toContain("because `preview` was removed");
    expect(previewGone).toContain("add `preview` again");
    expect(lockCommentBody("db-dropped", ctx({ action: "closed", existed: false }))).toContain(
      "nothing to delete",
    );
  });

  it("db-kept explains how to delete the database later, even on the closed PR", () => {
    const closed = lockCommentBody("db-kept", ctx({ action: "closed" }));
    expect(closed).toContain("was **not** deleted because it is locked by `persist-db`");
    expect(closed).toContain(
      "remove the `persist-db` label from this pull request, even though it is closed",
    );
    expect(closed).toContain("dropped right away");
    const previewGone = lockCommentBody("db-kept", ctx({ action: "unlabeled", label: D.preview }));
    expect(previewGone).toContain("`preview` was removed");
    expect(previewGone).toContain("deleted when this pull request is closed");
  });
});

import { describe, expect, it } from "vitest";
import { DEFAULT_LABELS as D } from "../settings";
import type { LockState } from "./decide";
import { owedRevertComment } from "./rerun";

const s = (action: string, label: string, labels: string[], more: Partial<LockState> = {}): LockState => ({
  action,
  label,
  labels,
  state: "open",
  initialized: true,
  senderIsSelf: false,
  names: D,
  ...more,
});

describe("owedRevertComment (re-run after the revert was done but its comment failed)", () => {
  it("labeled snapshot under the lock, label already removed: the add-blocked comment is owed", () => {
    const owed = owedRevertComment(s("labeled", D.snapshot, [D.preview, D.lock]));
    expect(owed).toMatchObject({ dbAction: "none", comment: "snapshot-add-blocked" });
    expect(owed?.labelChange).toBeUndefined();
    expect(owed?.rule).toMatch(/earlier attempt/);
  });

  it("unlabeled snapshot under the lock, label already back: the remove-blocked comment is owed", () => {
    const owed = owedRevertComment(
      s("unlabeled", D.snapshot, [D.preview, D.lock, D.snapshot], { lockedSnapshot: true }),
    );
    expect(owed).toMatchObject({ comment: "snapshot-remove-blocked" });
  });

  it("nothing is owed when the event's change still stands, without the lock, or for the token's own events", () => {
    expect(owedRevertComment(s("labeled", D.snapshot, [D.preview, D.lock, D.snapshot]))).toBeUndefined();
    expect(owedRevertComment(s("labeled", D.snapshot, [D.preview]))).toBeUndefined();
    expect(owedRevertComment(s("labeled", D.snapshot, [D.lock], { senderIsSelf: true }))).toBeUndefined();
    expect(owedRevertComment(s("unlabeled", D.lock, [D.preview, D.lock]))).toBeUndefined();
    expect(
      owedRevertComment({ ...s("closed", "", [D.lock]), label: undefined } as LockState),
    ).toBeUndefined();
  });
});

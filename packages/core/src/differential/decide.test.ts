import { describe, expect, it } from "vitest";
import { type CollectionFacts, decideCollection } from "./decide";

const base = (more: Partial<CollectionFacts> = {}): CollectionFacts => ({
  name: "orders",
  kind: "collection",
  snapshot: { count: 10, content: "g2/g2.orders", hash: "h2" },
  current: { specProblems: [], count: 10, uuid: "u1" },
  recorded: { content: "g2/g2.orders", hash: "h2", uuid: "u1", since: "100" },
  ...more,
});

describe("decideCollection (CONTRACT §11: keep only on a proof)", () => {
  it("refresh full copies without looking", () => {
    expect(decideCollection(base(), "full")).toMatchObject({ action: "copy", reason: "refresh: full" });
  });

  it("copies what is missing, or differs in options or indexes, or in count, before any proof", () => {
    expect(decideCollection(base({ current: undefined }), "every-sync")).toMatchObject({
      action: "copy",
      reason: "not in the PR database",
    });
    expect(
      decideCollection(
        base({ current: { specProblems: ["missing indexes: by_date"], count: 10, uuid: "u1" } }),
        "every-sync",
      ),
    ).toMatchObject({ action: "copy", proof: "specs", reason: "missing indexes: by_date" });
    expect(
      decideCollection(base({ current: { specProblems: [], count: 11, uuid: "u1" } }), "every-sync"),
    ).toMatchObject({ action: "copy", reason: "11 documents, the snapshot has 10" });
  });

  it("asks for the change stream when the last restore recorded the same collection, and keeps on no event", () => {
    expect(decideCollection(base(), "every-sync")).toEqual({ action: "need", fact: "stream" });
    expect(decideCollection(base({ stream: "unchanged" }), "new-snapshot")).toMatchObject({
      action: "keep",
      proof: "change stream",
    });
  });

  it("copies on any event, without hashing", () => {
    expect(decideCollection(base({ stream: "changed" }), "every-sync")).toMatchObject({
      action: "copy",
      proof: "change stream",
    });
  });

  it("a new generation: keeps an unchanged collection whose hash is the new snapshot's, copies one whose hash is not", () => {
    const newer = { count: 10, content: "g3/g3.orders", hash: "h2" };
    expect(decideCollection(base({ snapshot: newer, stream: "unchanged" }), "every-sync")).toMatchObject({
      action: "keep",
    });
    expect(
      decideCollection(base({ snapshot: { ...newer, hash: "h3" }, stream: "unchanged" }), "every-sync"),
    ).toMatchObject({
      action: "copy",
      reason: "unchanged since the last restore, but the new snapshot's differs",
    });
    // Neither hash known: the stream cannot tell whether the generations differ, dbHash must.
    expect(
      decideCollection(
        base({
          snapshot: { count: 10, content: "g3/g3.orders" },
          recorded: { content: "g2/g2.orders", uuid: "u1", since: "100" },
          stream: "unchanged",
        }),
        "every-sync",
      ),
    ).toEqual({ action: "need", fact: "hash" });
  });

  it("does not trust the record for a collection dropped and re-created since (another UUID): hash", () => {
    expect(
      decideCollection(base({ current: { specProblems: [], count: 10, uuid: "u9" } }), "every-sync"),
    ).toEqual({ action: "need", fact: "hash" });
  });

  it("falls back to dbHash when the change stream has no answer, and keeps only on equal hashes", () => {
    const gap = base({ stream: { unavailable: "ChangeStreamHistoryLost" } });
    expect(decideCollection(gap, "every-sync")).toEqual({ action: "need", fact: "hash" });
    expect(decideCollection({ ...gap, hash: "h2" }, "every-sync")).toMatchObject({
      action: "keep",
      proof: "dbHash",
    });
    expect(decideCollection({ ...gap, hash: "hX" }, "every-sync")).toMatchObject({
      action: "copy",
      reason: "documents differ (dbHash)",
    });
  });

  it("copies when dbHash is refused, on either side (never keeps on a guess)", () => {
    const noRecord = base({ recorded: undefined });
    expect(decideCollection({ ...noRecord, hash: null }, "every-sync")).toMatchObject({ action: "copy" });
    expect(
      decideCollection(
        { ...noRecord, snapshot: { ...noRecord.snapshot, hash: null }, hash: "h2" },
        "every-sync",
      ),
    ).toMatchObject({ action: "copy" });
  });

  it("capped: never kept on a hash (insertion order), only on the stream with the same source", () => {
    const capped = base({ kind: "capped" });
    expect(decideCollection({ ...capped, stream: "unchanged" }, "every-sync")).toMatchObject({
      action: "keep",
    });
    expect(
      decideCollection(
        { ...capped, snapshot: { count: 10, content: "g3/g3.orders", hash: "h2" }, stream: "unchanged" },
        "every-sync",
      ),
    ).toMatchObject({ action: "copy" });
    expect(decideCollection({ ...capped, recorded: undefined, hash: "h2" }, "every-sync")).toMatchObject({
      action: "copy",
    });
  });

  it("time-series: always copied", () => {
    expect(decideCollection(base({ kind: "timeseries", stream: "unchanged" }), "every-sync")).toMatchObject({
      action: "copy",
    });
  });
});

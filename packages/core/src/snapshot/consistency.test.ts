import { Timestamp } from "mongodb";
import { describe, expect, it } from "vitest";
import { UserError } from "../errors";
import { compareTimes, resumeTokenTime, timeToDate } from "../mongo/cluster-time";
import { classifyEvent, consistencyMetadata, planConsistency, readConsistency } from "./consistency";

const names = { copied: new Set(["orders", "customers"]), views: new Set(["orderTotals"]) };
const ev = (operationType: string, coll?: string, extra: object = {}) => ({
  operationType,
  ...(coll ? { ns: { db: "prod", coll } } : { ns: { db: "prod" } }),
  ...extra,
});

describe("planConsistency", () => {
  it("auto: point in time on replica sets and sharded clusters, per-collection on a standalone server", () => {
    expect(planConsistency("auto", "replica set", "prod")).toEqual({ track: true, required: false });
    expect(planConsistency("auto", "sharded cluster", "prod")).toEqual({ track: true, required: false });
    const standalone = planConsistency("auto", "standalone", "prod");
    expect(standalone.track).toBe(false);
    expect(standalone.reason).toContain("standalone");
  });
  it("point-in-time is required, and refused on a standalone server; per-collection never watches", () => {
    expect(planConsistency("point-in-time", "replica set", "prod")).toEqual({ track: true, required: true });
    expect(() => planConsistency("point-in-time", "standalone", "prod")).toThrow(UserError);
    expect(planConsistency("per-collection", "replica set", "prod").track).toBe(false);
  });
});

describe("classifyEvent (MongoDB 6.0 events with showExpandedEvents)", () => {
  it("document events of copied collections are documents to copy again; others are ignored", () => {
    for (const type of ["insert", "update", "replace", "delete"])
      expect(classifyEvent(ev(type, "orders", { documentKey: { _id: 7 } }), names)).toEqual({
        kind: "document",
        collection: "orders",
        id: 7,
      });
    expect(classifyEvent(ev("insert", "audit", { documentKey: { _id: 1 } }), names).kind).toBe("ignore");
  });
  it("index and option changes restart the collection; on a recorded view they are fatal", () => {
    for (const type of ["createIndexes", "dropIndexes", "modify"])
      expect(classifyEvent(ev(type, "orders"), names).kind).toBe("restart");
    expect(classifyEvent(ev("modify", "orderTotals"), names).kind).toBe("fatal");
    expect(classifyEvent(ev("createIndexes", "audit"), names).kind).toBe("ignore");
  });
  it("drops and renames of the snapshot's namespaces, a dropped database and an invalidate are fatal", () => {
    expect(classifyEvent(ev("drop", "orders"), names)).toEqual({
      kind: "fatal",
      collection: "orders",
      why: "orders was dropped",
    });
    expect(classifyEvent(ev("drop", "orderTotals"), names).kind).toBe("fatal");
    expect(classifyEvent(ev("rename", "orders", { to: { db: "prod", coll: "old" } }), names)).toMatchObject({
      kind: "fatal",
      why: "orders was renamed to old",
    });
    expect(
      classifyEvent(ev("rename", "tmp", { to: { db: "prod", coll: "customers" } }), names),
    ).toMatchObject({
      kind: "fatal",
      collection: "customers",
    });
    expect(classifyEvent(ev("rename", "a", { to: { db: "prod", coll: "b" } }), names).kind).toBe("ignore");
    expect(classifyEvent(ev("dropDatabase"), names).kind).toBe("fatal");
    expect(classifyEvent(ev("invalidate"), names).kind).toBe("fatal");
    expect(classifyEvent(ev("drop", "audit"), names).kind).toBe("ignore");
  });
  it("creations and shard changes are ignored", () => {
    for (const type of ["create", "shardCollection", "reshardCollection", "refineCollectionShardKey"])
      expect(classifyEvent(ev(type, "orders"), names).kind).toBe("ignore");
  });
});

describe("cluster times", () => {
  it("a resume token's _data starts with its cluster time", () => {
    // A real token of MongoDB 6.0.5 (an empty batch's high-water mark at Timestamp(1796506263, 33)).
    const token = {
      _data: "826B148297000000212B022C0100296E5A1004A31929CADEF847FDBA8A6ABC103B2E0E461E5F6964002B020004",
    };
    const t = resumeTokenTime(token);
    expect(t && [t.t, t.i]).toEqual([1796506263, 33]);
    expect(resumeTokenTime({ _data: "not hex" })).toBeUndefined();
    expect(resumeTokenTime(undefined)).toBeUndefined();
  });
  it("compares seconds, then increments, as unsigned numbers", () => {
    const a = new Timestamp({ t: 100, i: 0xffffffff });
    const b = new Timestamp({ t: 101, i: 0 });
    expect(compareTimes(a, b)).toBeLessThan(0);
    expect(compareTimes(b, a)).toBeGreaterThan(0);
    expect(compareTimes(a, new Timestamp({ t: 100, i: 0xffffffff }))).toBe(0);
    expect(timeToDate(b).toISOString()).toBe("1970-01-01T00:01:41.000Z");
  });
});

describe("metadata", () => {
  it("records the consistent time only for point in time, and reads back only valid values", () => {
    const at = new Timestamp({ t: 1_800_000_000, i: 5 });
    const meta = consistencyMetadata({
      consistency: "point-in-time",
      consistentAt: at,
      consistentAtDate: timeToDate(at),
    });
    expect(meta).toEqual({
      consistency: "point-in-time",
      consistentAt: at,
      consistentAtDate: timeToDate(at),
    });
    expect(consistencyMetadata({ consistency: "per-collection" })).toEqual({ consistency: "per-collection" });
    expect(readConsistency(meta)).toEqual({ consistency: "point-in-time", consistentAtDate: timeToDate(at) });
    expect(readConsistency({ consistency: "point-in-time", consistentAtDate: "2026-01-01" })).toEqual({
      consistency: "point-in-time",
    });
    expect(readConsistency({ consistency: "<script>", consistentAtDate: new Date() })).toEqual({});
    expect(readConsistency({ consistency: "per-collection", consistentAtDate: new Date(0) })).toEqual({
      consistency: "per-collection",
    });
  });
});

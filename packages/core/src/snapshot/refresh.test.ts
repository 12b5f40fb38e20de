import { describe, expect, it } from "vitest";
import { parseConfig } from "../config-schema";
import type { PrDatabaseMetadata } from "../mongo/target";
import type { SnapshotMetadata } from "./metadata";
import { checkRefresh } from "./refresh";

const TAKEN = new Date("2026-11-22T03:00:00Z");
const snapshot = (more: Partial<SnapshotMetadata> = {}): SnapshotMetadata => ({
  _id: "latest",
  timestamp: TAKEN,
  source: "shop_prod",
  collections: ["projects"],
  status: "complete",
  generation: "g2",
  ...more,
});
const restored = (more: Partial<PrDatabaseMetadata> = {}): PrDatabaseMetadata => ({
  _id: "latest",
  source: "snapshot",
  status: "complete",
  snapshotTimestamp: TAKEN,
  restoredAt: new Date("2026-11-22T09:15:00Z"),
  collections: ["projects"],
  counts: { projects: 2 },
  snapshotDatabase: "shop_snapshot",
  generation: "g2",
  ...more,
});

describe("checkRefresh (refresh: new-snapshot)", () => {
  it.each<[string, PrDatabaseMetadata | undefined, SnapshotMetadata, boolean, RegExp]>([
    [
      "same generation, complete",
      restored(),
      snapshot(),
      true,
      /already holds generation g2, the latest complete snapshot, restored 2026-11-22 09:15 UTC/,
    ],
    ["no restore record", undefined, snapshot(), false, /no restore record .*: restoring generation g2/],
    ["seeded by the application", restored({ source: "seed" }), snapshot(), false, /data from "seed"/],
    [
      "unfinished restore of the same generation",
      restored({ status: "restoring" }),
      snapshot(),
      false,
      /earlier restore .* did not finish/,
    ],
    [
      "a newer generation",
      restored({ generation: "g1" }),
      snapshot(),
      false,
      /newer snapshot was published \(the database holds generation g1\)/,
    ],
    [
      "another snapshot database",
      restored({ snapshotDatabase: "other_snapshot" }),
      snapshot(),
      false,
      /restored from other_snapshot, not shop_snapshot/,
    ],
    [
      "original scripts' snapshot (no generation), same timestamp",
      restored({ generation: undefined }),
      snapshot({ generation: undefined }),
      true,
      /already holds the snapshot taken 2026-11-22 03:00 UTC/,
    ],
    [
      "original scripts' snapshot, newer timestamp",
      restored({ generation: undefined }),
      snapshot({ generation: undefined, timestamp: new Date("2026-11-29T03:00:00Z") }),
      false,
      /newer snapshot/,
    ],
    [
      "a generation-less record never matches a snapshot with a generation",
      restored({ generation: undefined }),
      snapshot(),
      false,
      /newer snapshot/,
    ],
  ])("%s", (_name, current, latest, skip, reason) => {
    const check = checkRefresh(current, latest, "shop_snapshot");
    expect(check.skip).toBe(skip);
    expect(check.reason).toMatch(reason);
  });

  it("is a config key with exactly two values", () => {
    expect(parseConfig("restore:\n  refresh: new-snapshot\n").restore?.refresh).toBe("new-snapshot");
    expect(() => parseConfig("restore:\n  refresh: weekly\n")).toThrow(/"restore.refresh"/);
  });
});

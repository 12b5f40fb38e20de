import { describe, expect, it } from "vitest";
import type { PrDatabaseMetadata } from "../mongo/target";
import { lockDatabaseState } from "./database-state";

const taken = new Date("2026-11-22T03:00:00Z");
const meta = (more: Partial<PrDatabaseMetadata>): PrDatabaseMetadata => ({
  _id: "latest",
  source: "snapshot",
  ...more,
});

describe("lockDatabaseState", () => {
  it("a complete restore: initialized, snapshot data, with its timestamp", () => {
    expect(lockDatabaseState(true, meta({ status: "complete", snapshotTimestamp: taken }))).toEqual({
      exists: true,
      initialized: true,
      restoring: false,
      lockedSnapshot: true,
      snapshotTimestamp: taken,
    });
  });

  it("a restore still writing (or dead half-way) is not initialized and says nothing about the data", () => {
    expect(lockDatabaseState(true, meta({ status: "restoring" }))).toEqual({
      exists: true,
      initialized: false,
      restoring: true,
    });
  });

  it("metadata from another source means not snapshot data; no metadata means unknown", () => {
    expect(lockDatabaseState(true, meta({ source: "seed" })).lockedSnapshot).toBe(false);
    expect(lockDatabaseState(true, undefined)).toEqual({ exists: true, initialized: true, restoring: false });
  });

  it("no database: not initialized, unknown", () => {
    expect(lockDatabaseState(false, undefined)).toEqual({
      exists: false,
      initialized: false,
      restoring: false,
    });
  });
});

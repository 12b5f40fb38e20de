import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { chooseMethod, type MethodFacts } from "../copy/methods";
import { inPool } from "../copy/stream";
import { UserError } from "../errors";
import { newGenerationName, physicalCollection } from "../snapshot/generations";
import {
  ATLAS_SHARED_LIMITS,
  assertDatabaseFits,
  assertNamespaceFits,
  cappedMaxTimeMS,
  decideServerLimits,
  limitsOf,
} from "./limits";
import { privilegesOfBuiltInRoles } from "./privileges";

const shared = limitsOf("atlas-shared", "test");
const selfManaged = limitsOf("self-managed", "test");

describe("server-limits auto: what the server says", () => {
  test("a serverStatus with atlasVersion and no storageEngine is a shared tier; anything else is not", () => {
    expect(decideServerLimits({ serverStatus: { atlasVersion: { version: "x" }, ok: 1 } }).kind).toBe(
      "atlas-shared",
    );
    expect(
      decideServerLimits({
        serverStatus: { storageEngine: { name: "wiredTiger" }, ok: 1 },
        atlasVersion: "x",
      }).kind,
    ).toBe("self-managed");
    expect(decideServerLimits({ serverStatusRefused: "not authorized" }).kind).toBe("self-managed");
    expect(decideServerLimits({ serverStatus: { ok: 1 } }).kind).toBe("self-managed");
  });

  test("the cap: the operator's limit, never above the server's", () => {
    expect(cappedMaxTimeMS(undefined, shared)).toBe(300_000);
    expect(cappedMaxTimeMS(0, shared)).toBe(300_000);
    expect(cappedMaxTimeMS(900_000, shared)).toBe(300_000);
    expect(cappedMaxTimeMS(60_000, shared)).toBe(60_000);
    expect(cappedMaxTimeMS(undefined, selfManaged)).toBeUndefined();
    expect(cappedMaxTimeMS(900_000, selfManaged)).toBe(900_000);
  });

  test("name checks name the limit and the fix", () => {
    expect(() => assertDatabaseFits("d".repeat(38), shared, "The PR database", "Fix it.")).not.toThrow();
    expect(() => assertDatabaseFits("d".repeat(39), shared, "The PR database", "Fix it.")).toThrow(
      /"d{39}" is 39 bytes long; Atlas's shared tiers \(M0, Flex; test\) allow database names of at most 38 bytes\. Fix it\..*server-limits: self-managed/,
    );
    expect(() => assertDatabaseFits("d".repeat(39), selfManaged, "x", "Fix it.")).not.toThrow();
    // Bytes, not characters.
    expect(() => assertNamespaceFits("db", "é".repeat(47), shared)).toThrow(UserError);
    expect(() => assertNamespaceFits("db", "é".repeat(47), selfManaged)).not.toThrow();
  });
});

describe("generation names", () => {
  test("short and dated", () => {
    expect(newGenerationName(new Date("2026-11-24T13:22:05.123Z"), "a7f3")).toBe("g2611241322_a7f3");
  });

  test("any collection name production can hold fits the snapshot's generation (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 38, unit: fc.constantFrom("a", "_", "-", "9") }),
        fc.oneof(
          fc.string({ minLength: 40, maxLength: 93, unit: fc.constantFrom("a", ".", "-", "_", "7") }),
          fc.string({ minLength: 10, maxLength: 93, unit: "grapheme" }),
        ),
        fc.string({ minLength: 1, maxLength: 3 }),
        (snapshot, logical, prodDb) => {
          fc.pre(Buffer.byteLength(`${prodDb}.${logical}`) <= ATLAS_SHARED_LIMITS.maxNamespaceBytes);
          const gen = newGenerationName(new Date(), "ffff");
          const physical = physicalCollection(gen, logical, { database: snapshot, maxNamespaceBytes: 95 });
          expect(Buffer.byteLength(`${snapshot}.${physical}`)).toBeLessThanOrEqual(95);
          expect(physical.startsWith(`${gen}.`)).toBe(true);
          // Distinct names stay distinct (the hash of the full name is kept when it is shortened).
          const other = physicalCollection(gen, `${logical}x`, { database: snapshot, maxNamespaceBytes: 95 });
          expect(other).not.toBe(physical);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a name that fits is kept as it is (old snapshots keep their physical map)", () => {
    expect(physicalCollection("g1", "people", { database: "shop_snapshot", maxNamespaceBytes: 95 })).toBe(
      "g1.people",
    );
    expect(physicalCollection("g20261124t132200z_ab12", "people")).toBe("g20261124t132200z_ab12.people");
  });
});

describe("bounded chunks under a time cap", () => {
  const facts = (f: Partial<MethodFacts>): MethodFacts => ({
    type: "collection",
    capped: false,
    bytes: 0,
    sameDeployment: true,
    timeseriesOut: true,
    cores: 2,
    concurrency: 4,
    rangeThresholdBytes: 128 * 2 ** 20,
    setting: "auto",
    ...f,
  });
  const MB = 2 ** 20;
  test("a collection over the chunk size is never one $out", () => {
    expect(chooseMethod(facts({ bytes: 10 * MB, chunkBytes: 64 * MB })).kind).toBe("$out");
    const big = chooseMethod(facts({ bytes: 1000 * MB, chunkBytes: 64 * MB }));
    expect(big).toMatchObject({ kind: "ranges", parallelism: 1, chunks: 16, label: "chunks ×16" });
    const many = chooseMethod(facts({ bytes: 1000 * MB, cores: 16, chunkBytes: 64 * MB }));
    expect(many).toMatchObject({
      kind: "ranges",
      parallelism: 8,
      chunks: 16,
      label: "ranges ×8 (16 chunks)",
    });
    const stream = chooseMethod(facts({ bytes: 1000 * MB, sameDeployment: false, chunkBytes: 64 * MB }));
    expect(stream).toMatchObject({ kind: "stream", parallelism: 4, chunks: 16 });
    expect(chooseMethod(facts({ bytes: 1000 * MB, type: "timeseries", chunkBytes: 64 * MB })).kind).toBe(
      "stream",
    );
    expect(
      chooseMethod(facts({ bytes: 1000 * MB, capped: true, chunkBytes: 64 * MB })).chunks,
    ).toBeUndefined();
  });

  test("the pool runs every chunk once, at most `workers` at a time, and stops at the first failure", async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await inPool([0, 1, 2, 3, 4, 5, 6], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
    const started: number[] = [];
    await expect(
      inPool([0, 1, 2, 3], 1, async (n) => {
        started.push(n);
        if (n === 1) throw new Error("chunk 1 failed");
      }),
    ).rejects.toThrow("chunk 1 failed");
    expect(started).toEqual([0, 1]);
  });
});

describe("privileges from built-in roles (when the server will not list them)", () => {
  test("a role on one database writes it; *AnyDatabase and atlasAdmin write all; a custom role is unknown", () => {
    expect(privilegesOfBuiltInRoles([{ role: "read", db: "prod" }]).privileges).toEqual([]);
    expect(privilegesOfBuiltInRoles([{ role: "readWrite", db: "shop_pr_1" }]).privileges).toEqual([
      { resource: { db: "shop_pr_1", collection: "" }, actions: ["insert", "update", "remove"] },
    ]);
    expect(privilegesOfBuiltInRoles([{ role: "atlasAdmin", db: "admin" }]).privileges?.[0]?.resource).toEqual(
      {
        anyResource: true,
      },
    );
    expect(privilegesOfBuiltInRoles([{ role: "myRole", db: "admin" }])).toEqual({
      unknown: ["myRole@admin"],
    });
  });
});

import { describe, expect, it } from "vitest";
import { mapBounded, mapLargestFirst } from "./concurrency";

describe("bounded concurrency", () => {
  it("never runs more than the limit at once and keeps the input order", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x * 3));
      running--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it("stops starting new work after a failure and rethrows it", async () => {
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4], 1, async (x) => {
        started.push(x);
        if (x === 2) throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });

  it("starts the largest items first, results in input order", async () => {
    const started: string[] = [];
    const out = await mapLargestFirst(
      ["s", "xl", "m"],
      (x) => ({ s: 1, m: 5, xl: 9 })[x] ?? 0,
      1,
      async (x) => {
        started.push(x);
        return x.toUpperCase();
      },
    );
    expect(started).toEqual(["xl", "m", "s"]);
    expect(out).toEqual(["S", "XL", "M"]);
  });
});

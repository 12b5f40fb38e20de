import { describe, expect, it } from "vitest";
import type { Log } from "../log";
import type { Readings } from "./decide";
import type { ThrottleSettings } from "./settings";
import type { SignalPeaks, SignalSource } from "./signals";
import { Throttle, ThrottleAbortError } from "./throttle";

/**
 * The throttle's gate, window and abort, driven by a signal source the test controls (the
 * decision itself is decide.test.ts; the signals of a real replica set, test/faults/throttle.test.ts).
 * Nothing here waits for a duration: every step waits for the throttle to react.
 */
class FakeSource implements SignalSource {
  readonly target = {};
  readonly peaks: SignalPeaks = { unavailable: [] };
  baselineMs: number | undefined = 1;
  now: Readings = { lagMs: 0, latencyMs: 1 };
  async start() {}
  async stop() {}
  readings(): Readings {
    return this.now;
  }
}

function capture(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => {
    lines.push(m);
  };
  return {
    lines,
    info: push,
    notice: push,
    warning: push,
    error: push,
    debug: push,
    group: (_n, fn) => fn(),
    secret: () => {},
  };
}

const SETTINGS: ThrottleSettings = {
  mode: "auto",
  maxLagSeconds: 2,
  maxLatencyMs: 50,
  criticalLagSeconds: 10,
  criticalSeconds: 1,
};

function throttle(source: FakeSource, log = capture(), settings = SETTINGS) {
  return new Throttle({ settings, watch: [], sources: [source], log, intervalMs: 5, jitterMs: 20 });
}

const until = async (what: string, fn: () => boolean) => {
  for (let i = 0; !fn(); i++) {
    if (i > 2_000) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("Throttle", () => {
  it("lets copies through while the signals are calm, holds them while one is over, releases them when it clears", async () => {
    const source = new FakeSource();
    const log = capture();
    const t = throttle(source, log);
    try {
      expect(await t.gate()).toBe(true);
      source.now = { lagMs: 2_600, latencyMs: 1 };
      await until("the tick to see the lag", () =>
        log.lines.some((l) => l.startsWith("Throttle: over threshold")),
      );
      let passed = false;
      const held = t.gate().then(() => {
        passed = true;
      });
      await until("the pause to be announced", () =>
        log.lines.includes("Throttle: pausing the copy: majority lag 2.6 s > 2 s."),
      );
      // Under the threshold but over the resume level (1 s): still held.
      source.now = { lagMs: 1_500, latencyMs: 1 };
      await until("the tick to see 1.5 s", () =>
        /majority lag 1\.5 s > 1 s \(resume level\)$/.test(t.note() ?? ""),
      );
      expect(t.note()).toMatch(/^paused [\d.]+ s: majority lag 1\.5 s > 1 s \(resume level\)$/);
      await new Promise((r) => setTimeout(r, 50));
      expect(passed).toBe(false);
      source.now = { lagMs: 0, latencyMs: 1 };
      await held;
      expect(log.lines.at(-1)).toMatch(/^Throttle: paused [\d.]+ s: majority lag 2\.6 s > 2 s; resuming\.$/);
      const report = t.report();
      expect(report.pauses).toHaveLength(1);
      expect(report.pauses[0]?.signal).toBe("lag");
      expect(report.pausedMs).toBeGreaterThan(0);
      expect(t.note()).toMatch(/^throttle: paused 1× for [\d.]+ s so far$/);
    } finally {
      await t.stop();
    }
  });

  it("copies as many collections at once as the engine while calm; halves that when a signal rises, then grows back", async () => {
    const source = new FakeSource();
    const t = throttle(source);
    const hooks = t.copyHooks(undefined);
    const window = () => (t as unknown as { window: number }).window;
    try {
      // Calm: the window does not limit the engine (4 copies at once, like throttle: off).
      const ends = [await t.admit(), await t.admit(), await t.admit(), await t.admit()];
      expect(t.report().window).toEqual({ min: 4, max: 4 });
      // A signal rises: half as many (2); it clears.
      source.now = { lagMs: 2_600, latencyMs: 1 };
      await until("the window to shrink", () => window() === 2);
      source.now = { lagMs: 0, latencyMs: 1 };
      await t.gate();
      // Between chunks, the copies over the window wait for a place: two go on, two wait; those
      // two calm chunks widen the window by one (3), so a third goes on, and the fourth waits.
      const at = { collection: "a", chunk: 1, chunks: 3 };
      const progressed: number[] = [];
      const chunks = [0, 1, 2, 3].map((i) => hooks.betweenChunks?.(at).then(() => progressed.push(i)));
      await until("three copies to go on", () => progressed.length === 3);
      await new Promise((r) => setTimeout(r, 30));
      expect(progressed).toHaveLength(3);
      expect(window()).toBe(3);
      expect(t.report().window).toEqual({ min: 2, max: 4 });
      // A copy ends: its place goes to the one waiting.
      ends[0]?.();
      await until("the fourth copy to go on", () => progressed.length === 4);
      await Promise.all(chunks);
      // Calm chunks and copies widen the window until it no longer limits the engine.
      for (let i = 0; i < 6; i++) await hooks.betweenChunks?.(at);
      expect(window()).toBe(Number.POSITIVE_INFINITY);
      for (const end of ends) end();
    } finally {
      await t.stop();
    }
  });

  it("a slow probe narrows the window while several copies run, and pauses only once one is left", async () => {
    const source = new FakeSource();
    const log = capture();
    const t = throttle(source, log);
    const window = () => (t as unknown as { window: number }).window;
    try {
      const ends = [await t.admit(), await t.admit(), await t.admit(), await t.admit()];
      source.now = { lagMs: 0, latencyMs: 80 };
      await until("the window to be cut", () => window() === 2);
      expect(log.lines).toContain(
        "Throttle: over threshold: probe latency 80 ms > 50 ms; 2 collections at a time from now on.",
      );
      // Copies run on: no pause while more than one copy runs.
      expect(await t.gate()).toBe(true);
      expect(t.report().pauses).toHaveLength(0);
      // Three copies end, one is left running: a slow probe now pauses the next chunk.
      ends[0]?.();
      ends[1]?.();
      ends[2]?.();
      await until("the gate to shut", () => !(t as unknown as { open: boolean }).open);
      const held = t.gate();
      await until("the pause to be noted", () => t.note() !== undefined);
      expect(t.note()).toMatch(/^paused [\d.]+ s: probe latency 80 ms > 50 ms$/);
      source.now = { lagMs: 0, latencyMs: 1 };
      expect(await held).toBe(false);
      expect(t.report().pauses.map((p) => p.signal)).toEqual(["latency"]);
      ends[3]?.();
    } finally {
      await t.stop();
    }
  });

  it("aborts when a critical threshold holds for critical-seconds: waiting copies fail with the reason and what is kept", async () => {
    const source = new FakeSource();
    const log = capture();
    const t = new Throttle({
      settings: SETTINGS,
      watch: [],
      sources: [source],
      log,
      intervalMs: 5,
      kept: () => "Nothing was published.",
    });
    try {
      source.now = { lagMs: 12_000, latencyMs: 1 };
      const waiting = t.gate();
      await expect(waiting).rejects.toThrow(ThrottleAbortError);
      await expect(waiting).rejects.toThrow(
        /^The throttle stopped the copy: majority lag 12 s > critical 10 s for [\d.]+ s \(critical-lag-seconds .*\)\. Nothing was published\. Run again/,
      );
      // Every later gate fails the same way, and the engine reports it for a copy that failed meanwhile.
      await expect(t.gate()).rejects.toThrow(ThrottleAbortError);
      expect(t.copyHooks(undefined).stopped?.()).toBeInstanceOf(ThrottleAbortError);
      expect(t.report().aborted).toMatch(/^majority lag 12 s > critical 10 s for /);
      expect(log.lines).toContainEqual(
        expect.stringMatching(/^Throttle: majority lag 12 s > critical 10 s for .*: stopping the copy\.$/),
      );
    } finally {
      await t.stop();
    }
  });

  it("a probe slow for far longer than critical-seconds only pauses, unless critical-latency-ms is set", async () => {
    const source = new FakeSource();
    const t = throttle(source);
    try {
      source.now = { lagMs: 0, latencyMs: 100_000 };
      const held = t.gate();
      await until("the pause to be noted", () => t.note() !== undefined);
      // critical-seconds is 1 s: wait past it by the throttle's own clock, still no abort.
      const since = Date.now();
      await until("3 critical periods", () => Date.now() - since > 3_000);
      expect(t.report().aborted).toBeUndefined();
      source.now = { lagMs: 0, latencyMs: 1 };
      expect(await held).toBe(false);
    } finally {
      await t.stop();
    }
    const strict = throttle(source, capture(), { ...SETTINGS, criticalLatencyMs: 500 });
    try {
      source.now = { lagMs: 0, latencyMs: 100_000 };
      await expect(strict.gate()).rejects.toThrow(/probe latency 100000 ms > critical 500 ms for [\d.]+ s/);
    } finally {
      await strict.stop();
    }
  });
});

import { Timestamp } from "mongodb";
import { describe, expect, it } from "vitest";
import { InputReader, inputsFrom } from "../inputs";
import {
  decide,
  INITIAL_STATE,
  type Limits,
  latencyThreshold,
  millis,
  type Readings,
  seconds,
  UNREADABLE_HOLD_MS,
} from "./decide";
import { LagTracker, probeLatency, statusReadings } from "./readings";
import { readThrottleSettings } from "./settings";

const LIMITS: Limits = {
  maxLagMs: 2_000,
  criticalLagMs: 10_000,
  resumeLagFraction: 0.5,
  criticalForMs: 60_000,
};
const calm: Readings = {
  lagMs: 100,
  latencyMs: 1,
  maxLatencyMs: 21,
  criticalLatencyMs: 210,
  baselineMs: 0.5,
};

describe("decide: pause, resume, abort", () => {
  it("goes while every signal is under its threshold", () => {
    const d = decide(0, [calm], LIMITS, INITIAL_STATE);
    expect(d.action).toBe("go");
    expect(d.reasons).toEqual([]);
  });

  it("pauses on majority lag over max-lag and says why in the issue's words", () => {
    const d = decide(0, [{ ...calm, lagMs: 2_600 }], LIMITS, INITIAL_STATE);
    expect(d.action).toBe("pause");
    expect(d.reasons[0]?.text).toBe("majority lag 2.6 s > 2 s");
    expect(d.state.paused).toBe(true);
  });

  it("pauses on the probe's latency, on flow control, on exhausted tickets and on unreadable signals", () => {
    const cases: [Partial<Readings>, RegExp][] = [
      [{ latencyMs: 48 }, /^probe latency 48 ms > 21 ms \(baseline 0\.5 ms\)$/],
      [{ flowControlLagged: true }, /^flow control engaged/],
      [{ ticketsAvailable: 0 }, /^no storage-engine tickets available$/],
      [{ unreadable: "hello: connection refused" }, /^signals unreadable \(hello: connection refused\)$/],
    ];
    for (const [change, text] of cases) {
      const d = decide(0, [{ ...calm, ...change }], LIMITS, INITIAL_STATE);
      expect(d.action, JSON.stringify(change)).toBe("pause");
      expect(d.reasons[0]?.text).toMatch(text);
    }
  });

  it("unreadable signals hold the copy for UNREADABLE_HOLD_MS, then let it go on (a dead deployment fails the copy itself)", () => {
    const dead = { ...calm, unreadable: "hello: connection refused" };
    let d = decide(0, [dead], LIMITS, INITIAL_STATE);
    d = decide(UNREADABLE_HOLD_MS - 1, [dead], LIMITS, d.state);
    expect(d.action).toBe("pause");
    d = decide(UNREADABLE_HOLD_MS, [dead], LIMITS, d.state);
    expect(d.action).toBe("go");
    // Readable again, then unreadable again: a new hold.
    d = decide(UNREADABLE_HOLD_MS + 1, [calm], LIMITS, d.state);
    d = decide(UNREADABLE_HOLD_MS + 2, [dead], LIMITS, d.state);
    expect(d.action).toBe("pause");
  });

  it("resumes only below the resume level (half of max-lag), not at the threshold", () => {
    let d = decide(0, [{ ...calm, lagMs: 2_600 }], LIMITS, INITIAL_STATE);
    d = decide(250, [{ ...calm, lagMs: 1_500 }], LIMITS, d.state);
    expect(d.action).toBe("pause");
    expect(d.reasons[0]?.text).toBe("majority lag 1.5 s > 1 s (resume level)");
    d = decide(500, [{ ...calm, lagMs: 900 }], LIMITS, d.state);
    expect(d.action).toBe("go");
    // Running again: 1.5 s is fine.
    expect(decide(750, [{ ...calm, lagMs: 1_500 }], LIMITS, d.state).action).toBe("go");
  });

  it("names the deployment when a run watches two, and any one of them pauses", () => {
    const d = decide(
      0,
      [
        { ...calm, where: "snapshot deployment" },
        { ...calm, where: "production", latencyMs: 30 },
      ],
      LIMITS,
      INITIAL_STATE,
    );
    expect(d.action).toBe("pause");
    expect(d.reasons.map((r) => r.text)).toEqual([
      "production: probe latency 30 ms > 21 ms (baseline 0.5 ms)",
    ]);
  });

  it("aborts only when a critical threshold is exceeded without a break for critical-seconds", () => {
    const over = { ...calm, lagMs: 12_000 };
    let d = decide(0, [over], LIMITS, INITIAL_STATE);
    expect(d.action).toBe("pause");
    d = decide(59_000, [over], LIMITS, d.state);
    expect(d.action).toBe("pause");
    // A break (under critical, still over max) restarts the clock.
    d = decide(59_500, [{ ...calm, lagMs: 5_000 }], LIMITS, d.state);
    expect(d.state.criticalSince).toBeUndefined();
    d = decide(60_000, [over], LIMITS, d.state);
    d = decide(119_000, [over], LIMITS, d.state);
    expect(d.action).toBe("pause");
    d = decide(120_000, [over], LIMITS, d.state);
    expect(d.action).toBe("abort");
    expect(d.reasons[0]?.text).toBe("majority lag 12 s > critical 10 s for 1 min");
  });

  it("aborts on critical probe latency too", () => {
    let d = decide(0, [{ ...calm, latencyMs: 300 }], { ...LIMITS, criticalForMs: 2_000 }, INITIAL_STATE);
    d = decide(2_000, [{ ...calm, latencyMs: 300 }], { ...LIMITS, criticalForMs: 2_000 }, d.state);
    expect(d.action).toBe("abort");
    expect(d.reasons[0]?.text).toBe("probe latency 300 ms > critical 210 ms for 2 s");
  });

  it("a signal that is not measured (standalone: no lag; serverStatus refused) never pauses", () => {
    expect(decide(0, [{ latencyMs: 1, maxLatencyMs: 21 }], LIMITS, INITIAL_STATE).action).toBe("go");
    expect(decide(0, [{}], LIMITS, INITIAL_STATE).action).toBe("go");
  });
});

describe("the probe's threshold from its baseline", () => {
  it("is 4× the baseline, and at least 100 ms above it", () => {
    expect(latencyThreshold(0.4)).toBeCloseTo(100.4);
    expect(latencyThreshold(10)).toBe(110);
    expect(latencyThreshold(50)).toBe(200);
  });
  it("never says a value is over a limit that reads the same", () => {
    const d = decide(
      0,
      [{ ...calm, lagMs: 1_040, latencyMs: 21.02 }],
      { ...LIMITS, maxLagMs: 1_000 },
      INITIAL_STATE,
    );
    expect(d.reasons.map((r) => r.text)).toEqual([
      "majority lag 1.04 s > 1 s",
      "probe latency 21.02 ms > 21 ms (baseline 0.5 ms)",
    ]);
  });
  it("formats durations for people", () => {
    expect(seconds(2_600)).toBe("2.6 s");
    expect(seconds(2_000)).toBe("2 s");
    expect(seconds(12_300)).toBe("12 s");
    expect(seconds(65_000)).toBe("1 min 5 s");
    expect(millis(0.42)).toBe("0.42 ms");
    expect(millis(3.14)).toBe("3.1 ms");
    expect(millis(48.4)).toBe("48 ms");
  });
});

const ts = (t: number, i = 1) => new Timestamp({ t, i });
const hello = (last: Timestamp, majority: Timestamp) => ({
  setName: "rs0",
  lastWrite: {
    opTime: { ts: last, t: 1 },
    majorityOpTime: { ts: majority, t: 1 },
    // The dates have whole-second resolution and come from the no-op writer on an idle set:
    // the tracker must not read them.
    lastWriteDate: new Date(last.t * 1000),
    majorityWriteDate: new Date(majority.t * 1000 - 10_000),
  },
});

describe("LagTracker: majority lag from hello's optimes", () => {
  it("is 0 on an idle set whatever the dates say (the no-op writer's false lag)", () => {
    const lag = new LagTracker();
    for (let k = 0; k < 5; k++)
      expect(lag.observe(k * 1_000, hello(ts(100 + k * 10), ts(100 + k * 10)))).toBe(0);
  });

  it("is the age of the oldest write seen that is not yet majority-committed", () => {
    const lag = new LagTracker();
    expect(lag.observe(0, hello(ts(100), ts(100)))).toBe(0);
    expect(lag.observe(250, hello(ts(101), ts(100)))).toBe(0);
    expect(lag.observe(500, hello(ts(102), ts(100)))).toBe(250);
    expect(lag.observe(3_000, hello(ts(110), ts(100)))).toBe(2_750);
    // The commit point passes the first write: the next one seen (at 500) is now the oldest.
    expect(lag.observe(3_250, hello(ts(111), ts(101)))).toBe(2_750);
    expect(lag.observe(3_500, hello(ts(111), ts(111)))).toBe(0);
  });

  it("compares increments within a second exactly", () => {
    const lag = new LagTracker();
    lag.observe(0, hello(ts(100, 5), ts(100, 4)));
    expect(lag.observe(1_000, hello(ts(100, 5), ts(100, 4)))).toBe(1_000);
    // (100,5) is committed; (100,6), first seen now, is the oldest pending write.
    expect(lag.observe(1_100, hello(ts(100, 6), ts(100, 5)))).toBe(0);
    expect(lag.observe(1_300, hello(ts(100, 6), ts(100, 5)))).toBe(200);
  });

  it("has nothing to say about a standalone server", () => {
    expect(new LagTracker().observe(0, { isWritablePrimary: true })).toBeUndefined();
  });
});

describe("serverStatus readings", () => {
  it("reads flow control and the tickets of 6.0/7.0 and of 8.0", () => {
    expect(
      statusReadings({
        flowControl: { isLagged: true, isLaggedCount: 3 },
        wiredTiger: { concurrentTransactions: { read: { available: 120 }, write: { available: 0 } } },
      }),
    ).toEqual({ flowControlLagged: true, flowControlLaggedCount: 3, ticketsAvailable: 0 });
    expect(
      statusReadings({ queues: { execution: { read: { available: 7 }, write: { available: 9 } } } }),
    ).toEqual({
      ticketsAvailable: 7,
    });
    // Atlas's shared tiers: neither section.
    expect(statusReadings({ host: "x", connections: {} })).toEqual({});
  });
});

describe("probe latency", () => {
  it("is the median of the recent reads, a hanging read counting as at least its elapsed time", () => {
    expect(probeLatency([1, 1, 50, 1, 1])).toBe(1);
    expect(probeLatency([1, 2, 3])).toBe(2);
    expect(probeLatency([1, 1, 1, 1, 1], 900)).toBe(1);
    expect(probeLatency([1, 900, 900], 900)).toBe(900);
    expect(probeLatency([])).toBeUndefined();
  });
});

describe("throttle settings (CONTRACT §12)", () => {
  const read = (inputs: Record<string, string>, copy: Record<string, unknown> = {}) =>
    readThrottleSettings(new InputReader(inputsFrom(inputs)), { copy } as never);

  it("defaults: auto, 2 s, latency from the baseline, critical 10 s for 60 s", () => {
    expect(read({})).toEqual({ mode: "auto", maxLagSeconds: 2, criticalLagSeconds: 10, criticalSeconds: 60 });
  });
  it("inputs win over the config file, which wins over the defaults", () => {
    expect(
      read({ "max-lag-seconds": "0.5" }, { maxLagSeconds: 3, maxLatencyMs: 40, throttle: "off" }),
    ).toEqual({
      mode: "off",
      maxLagSeconds: 0.5,
      maxLatencyMs: 40,
      criticalLagSeconds: 10,
      criticalSeconds: 60,
    });
    expect(read({ throttle: "auto" }, { throttle: "off" }).mode).toBe("auto");
    expect(read({}, { maxLagSeconds: 4 }).criticalLagSeconds).toBe(20);
  });
  it("refuses what cannot work, naming the input", () => {
    expect(() => read({ throttle: "on" })).toThrow(/Input "throttle" must be one of "auto", "off", got "on"/);
    expect(() => read({ "max-lag-seconds": "-1" })).toThrow(/"max-lag-seconds" must be a number between 0.1/);
    expect(() => read({ "max-lag-seconds": "3", "critical-lag-seconds": "3" })).toThrow(
      /critical-lag-seconds \(3\) must be greater than max-lag-seconds \(3\)/,
    );
    expect(() => read({ "max-latency-ms": "50", "critical-latency-ms": "20" })).toThrow(
      /critical-latency-ms/,
    );
    expect(() => read({ "critical-seconds": "0" })).toThrow(
      /"critical-seconds" must be a whole number between 1/,
    );
  });
});

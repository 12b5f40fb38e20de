/**
 * The throttle's decision (issue 23), pure like lock/decide.ts: the latest readings of the
 * cluster's signals and the thresholds in, go / pause / abort with the reasons out. The I/O that
 * reads the signals is throttle/signals.ts; what acts on the decision is throttle/throttle.ts.
 *
 * - pause while any signal is over its threshold: majority-commit lag, the probe read's latency,
 *   flow control engaged, no storage-engine tickets left, or the signals cannot be read at all;
 * - resume only once every signal is back under its resume level (lag: half its threshold), so a
 *   copy does not flap on the threshold;
 * - abort when a critical threshold (lag or latency) has been exceeded continuously for
 *   `criticalForMs`: the copy gives up cleanly rather than wait behind a cluster in trouble.
 */

export type SignalName = "lag" | "latency" | "flow-control" | "tickets" | "unreadable";

/** What one deployment's signals read at one moment. `undefined` = not measured there. */
export interface Readings {
  /** Which deployment, when a run watches two (a producer with source-uri); shown in reasons. */
  where?: string;
  /** Majority-commit lag on a replica set's primary, ms. */
  lagMs?: number;
  /** Median latency of the recent probe reads, ms. */
  latencyMs?: number;
  /** The probe latency this deployment pauses at (from the baseline or max-latency-ms), ms. */
  maxLatencyMs?: number;
  /** The probe latency that counts as critical, ms. */
  criticalLatencyMs?: number;
  /** The pre-copy baseline of the probe, ms (for the reason's text only). */
  baselineMs?: number;
  /** `serverStatus.flowControl.isLagged`, where readable. */
  flowControlLagged?: boolean;
  /** Fewest read or write tickets available in the storage engine, where readable. */
  ticketsAvailable?: number;
  /** The signals could not be read (no primary, the connection failed): why. */
  unreadable?: string;
}

export interface Limits {
  maxLagMs: number;
  criticalLagMs: number;
  /** A paused copy resumes once the lag is at most this fraction of maxLagMs. */
  resumeLagFraction: number;
  /** How long a critical threshold must be exceeded, without a break, before the copy aborts. */
  criticalForMs: number;
}

export interface ThrottleState {
  paused: boolean;
  /** Since when (ms) some signal has been over its critical threshold without a break. */
  criticalSince?: number;
  /** Since when (ms) the signals have been unreadable without a break. */
  unreadableSince?: number;
}

/**
 * How long unreadable signals hold the copy: long enough for an election (10 s by default) to end,
 * not forever, since a deployment that stopped answering fails the copy itself, with the engine's
 * own explanation, once the copy is let through.
 */
export const UNREADABLE_HOLD_MS = 30_000;

export interface Reason {
  signal: SignalName;
  where?: string;
  value?: number;
  limit?: number;
  /** In words, e.g. "majority lag 2.6 s > 2 s". */
  text: string;
}

export interface Decision {
  action: "go" | "pause" | "abort";
  /** The signals that hold the copy back (for abort: the critical one), the first one first. */
  reasons: Reason[];
  state: ThrottleState;
}

export const INITIAL_STATE: ThrottleState = { paused: false };

export function decide(
  now: number,
  readings: readonly Readings[],
  limits: Limits,
  state: ThrottleState,
): Decision {
  const critical = readings.flatMap((r) => criticalReasons(r, limits));
  const criticalSince = critical.length ? (state.criticalSince ?? now) : undefined;
  if (critical.length && criticalSince !== undefined && now - criticalSince >= limits.criticalForMs) {
    const first = critical[0] as Reason;
    return {
      action: "abort",
      reasons: [
        { ...first, text: `${first.text} for ${seconds(now - criticalSince)}` },
        ...critical.slice(1),
      ],
      state: { paused: true, criticalSince },
    };
  }
  // Paused, a signal holds the copy back until it is under its resume level; running, until it
  // is over its threshold.
  const unreadable = readings.some((r) => r.unreadable !== undefined);
  const unreadableSince = unreadable ? (state.unreadableSince ?? now) : undefined;
  const holdUnreadable = unreadableSince !== undefined && now - unreadableSince < UNREADABLE_HOLD_MS;
  const reasons = readings
    .flatMap((r) => holdingReasons(r, limits, state.paused))
    .filter((r) => r.signal !== "unreadable" || holdUnreadable);
  const paused = reasons.length > 0;
  return {
    action: paused ? "pause" : "go",
    reasons,
    state: {
      paused,
      ...(criticalSince !== undefined ? { criticalSince } : {}),
      ...(unreadableSince !== undefined ? { unreadableSince } : {}),
    },
  };
}

function holdingReasons(r: Readings, limits: Limits, paused: boolean): Reason[] {
  const out: Reason[] = [];
  const where = r.where ? { where: r.where } : {};
  const prefix = r.where ? `${r.where}: ` : "";
  if (r.unreadable !== undefined) {
    out.push({ signal: "unreadable", ...where, text: `${prefix}signals unreadable (${r.unreadable})` });
    return out;
  }
  if (r.lagMs !== undefined) {
    const limit = paused ? limits.maxLagMs * limits.resumeLagFraction : limits.maxLagMs;
    if (r.lagMs > limit)
      out.push({
        signal: "lag",
        ...where,
        value: r.lagMs,
        limit,
        text: `${prefix}majority lag ${over(r.lagMs, limit, seconds)}${paused && limit < limits.maxLagMs ? " (resume level)" : ""}`,
      });
  }
  if (r.latencyMs !== undefined && r.maxLatencyMs !== undefined && r.latencyMs > r.maxLatencyMs)
    out.push({
      signal: "latency",
      ...where,
      value: r.latencyMs,
      limit: r.maxLatencyMs,
      text: `${prefix}probe latency ${over(r.latencyMs, r.maxLatencyMs, millis)}${r.baselineMs !== undefined ? ` (baseline ${millis(r.baselineMs)})` : ""}`,
    });
  if (r.flowControlLagged === true)
    out.push({
      signal: "flow-control",
      ...where,
      text: `${prefix}flow control engaged (the server is throttling writers)`,
    });
  if (r.ticketsAvailable !== undefined && r.ticketsAvailable <= 0)
    out.push({
      signal: "tickets",
      ...where,
      value: r.ticketsAvailable,
      limit: 0,
      text: `${prefix}no storage-engine tickets available`,
    });
  return out;
}

function criticalReasons(r: Readings, limits: Limits): Reason[] {
  const where = r.where ? { where: r.where } : {};
  const prefix = r.where ? `${r.where}: ` : "";
  const out: Reason[] = [];
  if (r.lagMs !== undefined && r.lagMs > limits.criticalLagMs)
    out.push({
      signal: "lag",
      ...where,
      value: r.lagMs,
      limit: limits.criticalLagMs,
      text: `${prefix}majority lag ${over(r.lagMs, limits.criticalLagMs, seconds, "critical ")}`,
    });
  if (r.latencyMs !== undefined && r.criticalLatencyMs !== undefined && r.latencyMs > r.criticalLatencyMs)
    out.push({
      signal: "latency",
      ...where,
      value: r.latencyMs,
      limit: r.criticalLatencyMs,
      text: `${prefix}probe latency ${over(r.latencyMs, r.criticalLatencyMs, millis, "critical ")}`,
    });
  return out;
}

/**
 * The probe latency a copy pauses at, from the baseline: 4× it, and at least 100 ms above it. The
 * floor is absolute, as gh-ost's load thresholds are: a copy on an otherwise idle 2-core server
 * alone pushes the probe from a few ms to 40–90 ms (README, "The throttle"), which hurts nobody;
 * a point read 100 ms slower than usual is what an application notices. Latency-sensitive
 * production sets max-latency-ms lower.
 */
export function latencyThreshold(baselineMs: number): number {
  return Math.max(LATENCY_FACTOR * baselineMs, baselineMs + LATENCY_FLOOR_MS);
}
export const LATENCY_FACTOR = 4;
export const LATENCY_FLOOR_MS = 100;

/**
 * "2.6 s > 2 s": a value rounded to its limit's text is shown with more digits, so that a reason
 * never reads "1 s > 1 s".
 */
function over(value: number, limit: number, fmt: (n: number) => string, label = ""): string {
  const l = fmt(limit);
  let v = fmt(value);
  for (let digits = 2; v === l && digits <= 4; digits++)
    v = fmt === seconds ? `${(value / 1000).toFixed(digits)} s` : `${value.toFixed(digits)} ms`;
  return `${v} > ${label}${l}`;
}

/** "2.6 s", "12 s", "1 min 5 s". */
export function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${trim(s.toFixed(1))} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  return rest ? `${m} min ${rest} s` : `${m} min`;
}

/** "0.42 ms", "3.1 ms", "48 ms". */
export function millis(ms: number): string {
  if (ms < 1) return `${trim(ms.toFixed(2))} ms`;
  if (ms < 10) return `${trim(ms.toFixed(1))} ms`;
  return `${Math.round(ms)} ms`;
}

function trim(n: string): string {
  return n.includes(".") ? n.replace(/\.?0+$/, "") : n;
}

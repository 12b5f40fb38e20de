import { type Document, type MongoClient, MongoOperationTimeoutError } from "mongodb";
import type { Log } from "../log";
import { bestEffort, isRefusal, warnRefusal } from "../mongo/refusal";
import type { Readings } from "./decide";
import { LagTracker, median, probeLatency, statusReadings } from "./readings";

/**
 * Reading one deployment's signals (the I/O of the throttle): on the throttle's own small client,
 * so that a copy waiting for a majority never holds up its own measurements.
 *
 * - `hello` on the primary, every interval: majority-commit lag (replica sets; no privilege);
 * - a probe, `find(filter).limit(1)` on a tiny collection by `_id`, every interval: its latency,
 *   against a baseline of reads taken before the copy starts;
 * - `serverStatus`, every second, where the user may run it (clusterMonitor): flow control's
 *   `isLagged` and the storage engine's tickets. Refused, it is skipped with one line of information
 *   (least-privilege credentials never have it).
 */

export interface WatchTarget {
  client: MongoClient;
  /** The tiny indexed read whose latency is compared with its own baseline. */
  probe: { db: string; collection: string; filter: Document };
  /** The deployment's name in reasons, when a run watches two. */
  where?: string;
}

export interface SignalOptions {
  log: Log;
  /** How often hello and the probe are read (default 250 ms). */
  intervalMs?: number;
  /** How often serverStatus is read (default 1 s). */
  statusIntervalMs?: number;
  /** Reads that make the baseline (default 12). */
  baselineSamples?: number;
  now?: () => number;
}

/** The highest (or, for tickets, lowest) value each signal reached; what the summary shows. */
export interface SignalPeaks {
  where?: string;
  lagMs?: number;
  latencyMs?: number;
  baselineMs?: number;
  flowControlEngaged?: boolean;
  /** How many times flow control engaged meanwhile (serverStatus counter), where readable. */
  flowControlEngagements?: number;
  ticketsMin?: number;
  /** Why a signal could not be read here (e.g. "not a replica set: no lag"). */
  unavailable: string[];
}

const WINDOW = 5;
const BASELINE_MAX_MS = 2_000;
const PROBE_TIMEOUT_MS = 30_000;

/** What the throttle reads a deployment's signals through (a test can give its own). */
export interface SignalSource {
  readonly target: { where?: string; client?: MongoClient };
  readonly peaks: SignalPeaks;
  baselineMs: number | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  readings(): Readings;
}

export class SignalReader implements SignalSource {
  private readonly lag = new LagTracker();
  private readonly recent: number[] = [];
  private lagMs: number | undefined;
  private probeStarted: number | undefined;
  private status: { flowControlLagged?: boolean; ticketsAvailable?: number } = {};
  private flowControlCountAtStart: number | undefined;
  private unreadable: string | undefined;
  private probeError: string | undefined;
  private probeRefused = false;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly interval: number;
  private readonly now: () => number;
  readonly peaks: SignalPeaks;
  baselineMs: number | undefined;

  constructor(
    readonly target: WatchTarget,
    private readonly o: SignalOptions,
  ) {
    this.interval = o.intervalMs ?? 250;
    this.now = o.now ?? (() => performance.now());
    this.peaks = { ...(target.where ? { where: target.where } : {}), unavailable: [] };
  }

  /** Measures the probe's baseline, then keeps reading every signal until {@link stop}. */
  async start(): Promise<void> {
    const samples: number[] = [];
    // At most 12 reads or 2 s: on a server already slow the baseline must not delay the run for long.
    const until = this.now() + BASELINE_MAX_MS;
    for (
      let i = 0;
      i < (this.o.baselineSamples ?? 12) &&
      !this.stopped &&
      !this.probeRefused &&
      (i === 0 || this.now() < until);
      i++
    ) {
      const ms = await this.probeOnce();
      if (ms !== undefined) samples.push(ms);
      await sleep(20);
    }
    if (samples.length) {
      this.baselineMs = median(samples);
      this.peaks.baselineMs = this.baselineMs;
    }
    const hello = await this.readHello();
    if (hello === "not-a-replica-set") this.peaks.unavailable.push("majority lag: not a replica set");
    else this.loops.push(this.every(this.interval, () => this.readHello()));
    if (samples.length) this.loops.push(this.every(this.interval, () => this.probeOnce()));
    else if (!this.probeRefused)
      this.peaks.unavailable.push("probe latency: no baseline (every read failed)");
    this.loops.push(this.every(this.o.statusIntervalMs ?? 1_000, () => this.readStatus()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.loops);
  }

  /** The latest readings, for the decision. */
  readings(): Readings {
    const inFlight = this.probeStarted !== undefined ? this.now() - this.probeStarted : undefined;
    const latencyMs = probeLatency(this.recent, inFlight);
    const r: Readings = {
      ...(this.target.where ? { where: this.target.where } : {}),
      ...(this.lagMs !== undefined ? { lagMs: this.lagMs } : {}),
      ...(latencyMs !== undefined && this.baselineMs !== undefined ? { latencyMs } : {}),
      ...(this.baselineMs !== undefined ? { baselineMs: this.baselineMs } : {}),
      ...(this.status.flowControlLagged !== undefined
        ? { flowControlLagged: this.status.flowControlLagged }
        : {}),
      ...(this.status.ticketsAvailable !== undefined
        ? { ticketsAvailable: this.status.ticketsAvailable }
        : {}),
      ...(this.unreadable !== undefined || this.probeError !== undefined
        ? { unreadable: (this.unreadable ?? this.probeError) as string }
        : {}),
    };
    if (r.latencyMs !== undefined) this.peaks.latencyMs = Math.max(this.peaks.latencyMs ?? 0, r.latencyMs);
    return r;
  }

  private async every(ms: number, fn: () => Promise<unknown>): Promise<void> {
    while (!this.stopped) {
      const started = this.now();
      await fn();
      await sleep(Math.max(10, ms - (this.now() - started)));
    }
  }

  private async readHello(): Promise<"not-a-replica-set" | undefined> {
    try {
      const hello = await this.target.client.db("admin").command({ hello: 1 });
      this.unreadable = undefined;
      if (typeof hello.setName !== "string") return "not-a-replica-set";
      const lag = this.lag.observe(this.now(), hello);
      if (lag === undefined) return "not-a-replica-set";
      this.lagMs = lag;
      this.peaks.lagMs = Math.max(this.peaks.lagMs ?? 0, lag);
    } catch (error) {
      this.unreadable = `hello: ${firstLine(error)}`;
    }
    return undefined;
  }

  /**
   * One probe read, its latency in ms; undefined when the server refuses it (then there is no
   * latency signal) or it failed (then the signals are unreadable until a probe succeeds).
   */
  private async probeOnce(): Promise<number | undefined> {
    if (this.probeRefused) return undefined;
    const { db, collection, filter } = this.target.probe;
    const started = this.now();
    this.probeStarted = started;
    try {
      await this.target.client
        .db(db)
        .collection(collection)
        .find(filter, { limit: 1, projection: { _id: 1 }, timeoutMS: PROBE_TIMEOUT_MS })
        .toArray();
      this.probeError = undefined;
      return this.sample(this.now() - started);
    } catch (error) {
      if (isRefusal(error)) {
        warnRefusal(error, {
          log: this.o.log,
          skipped: `the throttle's probe read on ${db}.${collection}`,
          cost: "the throttle watches the other signals only",
        });
        this.peaks.unavailable.push("probe latency: the read was refused");
        this.probeRefused = true;
        this.recent.length = 0;
        this.baselineMs = undefined;
        return undefined;
      }
      // A probe that times out is a read that slow; any other failure makes the signals unreadable.
      if (error instanceof MongoOperationTimeoutError) return this.sample(this.now() - started);
      this.probeError = `probe: ${firstLine(error)}`;
      return undefined;
    } finally {
      this.probeStarted = undefined;
    }
  }

  private sample(ms: number): number {
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
    return ms;
  }

  private statusRefused = false;
  private async readStatus(): Promise<void> {
    if (this.statusRefused) return;
    try {
      const status = await bestEffort(
        () =>
          this.target.client.db("admin").command({
            serverStatus: 1,
            // Only what the throttle reads: the rest of serverStatus is large and not needed.
            asserts: 0,
            connections: 0,
            electionMetrics: 0,
            extra_info: 0,
            globalLock: 0,
            locks: 0,
            logicalSessionRecordCache: 0,
            metrics: 0,
            network: 0,
            opLatencies: 0,
            opcounters: 0,
            opcountersRepl: 0,
            repl: 0,
            security: 0,
            storageEngine: 0,
            tcmalloc: 0,
            transactions: 0,
            transportSecurity: 0,
            twoPhaseCommitCoordinator: 0,
          }),
        {
          log: this.o.log,
          skipped: "serverStatus for the throttle (flow control, storage-engine tickets)",
          cost: "the throttle watches majority lag and its probe read only (serverStatus needs clusterMonitor)",
          expected: true,
        },
      );
      if (!status) {
        this.statusRefused = true;
        this.peaks.unavailable.push("flow control and tickets: serverStatus refused");
        return;
      }
      const s = statusReadings(status);
      this.status = s;
      if (s.flowControlLagged) this.peaks.flowControlEngaged = true;
      if (s.flowControlLaggedCount !== undefined) {
        this.flowControlCountAtStart ??= s.flowControlLaggedCount;
        this.peaks.flowControlEngagements = s.flowControlLaggedCount - this.flowControlCountAtStart;
      }
      if (s.ticketsAvailable !== undefined)
        this.peaks.ticketsMin = Math.min(
          this.peaks.ticketsMin ?? Number.POSITIVE_INFINITY,
          s.ticketsAvailable,
        );
    } catch {
      // Not a refusal (a failover, the network): hello and the probe report unreadable signals.
    }
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

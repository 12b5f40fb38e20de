import type { MongoClient } from "mongodb";
import type { BetweenChunks, EnvironmentOptions } from "../copy/engine";
import { COPY_COMMENT_PREFIX } from "../copy/stale";
import { RefusedError } from "../errors";
import type { Log } from "../log";
import { bestEffort } from "../mongo/refusal";
import { METADATA_COLLECTION } from "../mongo/target";
import { escapeRegExp } from "../names";
import {
  decide,
  INITIAL_STATE,
  type Limits,
  latencyThreshold,
  millis,
  type Readings,
  type Reason,
  type SignalName,
  seconds,
  type ThrottleState,
} from "./decide";
import type { ThrottleSettings } from "./settings";
import { type SignalPeaks, SignalReader, type SignalSource, type WatchTarget } from "./signals";

/**
 * The throttle of one run's copies (issue 23). It reads the cluster's signals in the background
 * (signals.ts), decides every tick (decide.ts), and acts through the copy engine's hooks: the
 * engine awaits {@link Throttle.gate} before every collection's copy and between two bounded
 * chunks, and the gate stays shut while the decision is "pause".
 *
 * There is no coordinator between runs: every run of every PR reads the same server's signals, so
 * they pause together, and each resumes after a random delay of up to {@link RESUME_JITTER_MS}
 * once the signals clear, so that they do not all start writing again in the same instant.
 */

/**
 * Largest chunk a throttled copy writes between two checks, MB: a fraction of a second on 2 cores,
 * so that every run stops within one chunk once a signal rises. Copying whole collections while
 * the cluster looked calm was tried and measured: 3 concurrent restores started 12 unpausable
 * `$out`s and drove the majority lag to 47 s before the first rise could stop anything (README,
 * "The throttle"). A chunk is a `$merge` of one `_id` range with the indexes built after the last
 * chunk, which costs the same as `$out` on 2 cores.
 */
export const THROTTLE_CHUNK_MB = 8;
/** Longest random delay before a run resumes once every signal is back under its resume level. */
export const RESUME_JITTER_MS = 1_000;
/** A paused copy resumes once the lag is at most this fraction of max-lag-seconds. */
export const RESUME_LAG_FRACTION = 0.5;
/**
 * After a decrease, the window grows by one collection every this many units of work (chunks or
 * whole copies) done without a pause, back to the engine's own concurrency.
 */
const GROW_AFTER = 2;
/** While the probe stays slow and several copies run, the window is halved at most this often. */
const CUT_EVERY_MS = 2_000;

export interface ThrottleOptions {
  settings: ThrottleSettings;
  /** The deployments whose signals count: the target's, and production's when it is separate. */
  watch: readonly WatchTarget[];
  log: Log;
  /** On abort, the run's own server-side copies into `targetDb` (comment tag `tag`) are stopped. */
  copies?: { targetDb: string; tag: string };
  /** What an abort leaves, in words, for its error message (e.g. "the previous snapshot stays in use"). */
  kept?: () => string;
  /** Signal sources in place of readers of `watch` (unit tests). */
  sources?: SignalSource[];
  /** How often the decision is taken and the signals read (default 250 ms). */
  intervalMs?: number;
  jitterMs?: number;
  random?: () => number;
  now?: () => number;
}

/** One time the copy waited at the gate. */
export interface ThrottlePause {
  /** Epoch ms (the Gantt chart's clock). */
  startMs: number;
  endMs: number;
  signal: SignalName;
  /** Why, as the log said it: "majority lag 2.6 s > 2 s". */
  reason: string;
}

export interface ThrottleReport {
  /** Total time the copies waited at the gate, ms. */
  pausedMs: number;
  pauses: ThrottlePause[];
  /** Thresholds in force (the latency ones per deployment, from the baseline when not set). */
  maxLagMs: number;
  criticalLagMs: number;
  criticalForMs: number;
  chunkMb: number;
  /** Epoch ms a signal first rose (the window was narrowed then). */
  roseAt?: number;
  /**
   * Collections the run copied at once: the most it ran (the engine's concurrency, unless it had
   * fewer to copy) and the fewest the window was cut to when a signal rose (= max if never cut).
   */
  window: { min: number; max: number };
  latency: { where?: string; maxMs: number; criticalMs?: number }[];
  peaks: SignalPeaks[];
  /** The critical reason the copy was stopped for, if it was. */
  aborted?: string;
}

/**
 * The probe of a deployment that holds the snapshot: its `latest` metadata document, by `_id`
 * (readable by every restore and producer user).
 */
export function snapshotProbe(snapshotDatabase: string): WatchTarget["probe"] {
  return { db: snapshotDatabase, collection: METADATA_COLLECTION, filter: { _id: "latest" } };
}

/** The probe of production: one `_id` lookup in a collection the producer reads anyway. */
export function collectionProbe(database: string, collection: string): WatchTarget["probe"] {
  return { db: database, collection, filter: { _id: "pr-snapshots throttle probe" } };
}

/**
 * Starts the throttle of a run, or returns undefined when it is off (then nothing is read and the
 * copies run exactly as without it).
 */
export function startThrottle(
  settings: ThrottleSettings | undefined,
  o: Omit<ThrottleOptions, "settings">,
): Throttle | undefined {
  if (!settings || settings.mode === "off") return undefined;
  return new Throttle({ ...o, settings });
}

/** The copy was stopped because a critical threshold was exceeded for too long. */
export class ThrottleAbortError extends RefusedError {
  override name = "ThrottleAbortError";
}

const MAX_PAUSES_KEPT = 500;

export class Throttle {
  private readonly readers: SignalSource[];
  private readonly limits: Limits;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly jitter: number;
  private state: ThrottleState = INITIAL_STATE;
  private reasons: Reason[] = [];
  private open = true;
  private resumeAt: number | undefined;
  private episode: { started: number; startedAt: number; reason: Reason } | undefined;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready: Promise<void>;
  private stopped = false;
  private readonly pauses: ThrottlePause[] = [];
  private pausedMs = 0;
  private pauseCount = 0;
  private abortError: ThrottleAbortError | undefined;
  private abortReason: string | undefined;
  private chunkMb = THROTTLE_CHUNK_MB;
  private roseAt: number | undefined;
  private lastCut: number | undefined;
  /** A signal is over its threshold now (whether it paused the copy or only narrowed the window). */
  private congested = false;
  /** Collections copied at once, at most (congestion window: see admit); ∞ = the engine's own limit. */
  private window = Number.POSITIVE_INFINITY;
  private windowMin = Number.POSITIVE_INFINITY;
  private peakInFlight = 0;
  private inFlight = 0;
  private clean = 0;
  private slots: (() => void)[] = [];

  constructor(private readonly o: ThrottleOptions) {
    this.interval = o.intervalMs ?? 250;
    this.now = o.now ?? (() => performance.now());
    this.random = o.random ?? Math.random;
    this.jitter = o.jitterMs ?? RESUME_JITTER_MS;
    const maxLagMs = o.settings.maxLagSeconds * 1000;
    this.limits = {
      maxLagMs,
      criticalLagMs: o.settings.criticalLagSeconds * 1000,
      resumeLagFraction: RESUME_LAG_FRACTION,
      criticalForMs: o.settings.criticalSeconds * 1000,
    };
    this.readers =
      o.sources ??
      o.watch.map((w) => new SignalReader(w, { log: o.log, intervalMs: this.interval, now: this.now }));
    // The baseline is read while the run prepares (plan, lease, drops); the first gate waits for it.
    this.ready = Promise.all(this.readers.map((r) => r.start())).then(() => {
      this.describe();
      this.tick();
      if (!this.stopped) this.timer = setInterval(() => this.tick(), this.interval);
    });
    // A rejection is seen by the first gate; until then it must not count as unhandled.
    this.ready.catch(() => {});
  }

  /**
   * The engine's hooks (CopyEnv): the window and the gate before each collection, the gate between
   * chunks, chunks of {@link THROTTLE_CHUNK_MB} unless the run sets its own size, and the abort as
   * the reason any copy failed once the throttle stopped it.
   */
  copyHooks(
    chunkMb: number | undefined,
    between?: BetweenChunks,
  ): Pick<EnvironmentOptions, "chunkMb" | "betweenChunks" | "beforeCopy" | "stopped"> {
    this.chunkMb = chunkMb ?? THROTTLE_CHUNK_MB;
    return {
      chunkMb: this.chunkMb,
      betweenChunks: async (at) => {
        await between?.(at);
        // A copy over a narrowed window waits here for its turn; a chunk done without a pause is
        // what lets the window grow again.
        if ((await this.gate()) && (await this.fitWindow())) this.grow();
      },
      beforeCopy: () => this.admit(),
      stopped: () => this.abortError,
    };
  }

  /**
   * Admits one collection's copy: through the gate, and only while fewer than the window's copies
   * run. The window is congestion control without a coordinator, TCP's AIMD: it starts open (the
   * engine's own concurrency, so a calm cluster copies exactly as fast as unthrottled), is halved
   * each time a signal rises, and grows by one every {@link GROW_AFTER} chunks or copies done
   * without a pause until it is open again. Every run sees the same signals, so together they back
   * off to what the cluster sustains. The returned function ends the copy.
   */
  async admit(): Promise<() => void> {
    for (;;) {
      await this.gate();
      if (this.inFlight < this.window) break;
      await new Promise<void>((resolve) => this.slots.push(resolve));
    }
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
      this.grow();
      this.slots.shift()?.();
    };
  }

  /**
   * Between two chunks: a copy running over a narrowed window gives up its place until one is
   * free (true: it did not have to wait).
   */
  private async fitWindow(): Promise<boolean> {
    if (this.inFlight <= this.window) return true;
    this.inFlight--;
    try {
      for (;;) {
        await this.gate();
        if (this.inFlight < this.window) break;
        await new Promise<void>((resolve) => this.slots.push(resolve));
      }
    } finally {
      this.inFlight++;
    }
    return false;
  }

  /** One more unit of work done without a pause: widen a narrowed window now and then. */
  private grow(): void {
    // Not while the probe is still slow: the cut has not had its effect yet.
    if (this.window === Number.POSITIVE_INFINITY || this.congested) return;
    if (++this.clean < GROW_AFTER) return;
    this.clean = 0;
    this.window++;
    // As wide as the most copies that ever ran: the engine's own limit governs again.
    if (this.window >= this.peakInFlight) {
      this.window = Number.POSITIVE_INFINITY;
      for (const wake of this.slots.splice(0)) wake();
    } else this.slots.shift()?.();
  }

  /** A signal rose: half as many copies at once (those over the window finish their chunk first). */
  private shrink(): void {
    this.window = Math.max(1, Math.floor(Math.min(this.window, Math.max(1, this.inFlight)) / 2));
    this.windowMin = Math.min(this.windowMin, this.window);
    this.clean = 0;
    this.roseAt ??= Date.now();
  }

  /**
   * Resolves when the copy may go on (true: at once, false: after a pause); waits while paused;
   * throws once the throttle aborted.
   */
  async gate(): Promise<boolean> {
    await this.ready;
    if (this.abortError) throw this.abortError;
    // Stopped (the run's copies are done): nothing would ever reopen the gate.
    if (this.stopped) return true;
    if (this.open) return true;
    if (!this.episode) {
      const reason = this.reasons[0] ?? { signal: "lag" as const, text: "resuming" };
      this.episode = { started: this.now(), startedAt: Date.now(), reason };
      this.o.log.info(`Throttle: pausing the copy: ${this.reasonsText()}.`);
    }
    await new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    return false;
  }

  /** For progress lines: "paused 3.2 s: majority lag 2.6 s > 2 s", or the pauses so far. */
  note(): string | undefined {
    if (this.episode) return `paused ${seconds(this.now() - this.episode.started)}: ${this.reasonsText()}`;
    if (this.pauseCount) return `throttle: paused ${this.pauseCount}× for ${seconds(this.pausedMs)} so far`;
    return undefined;
  }

  report(): ThrottleReport {
    return {
      pausedMs: this.pausedMs + (this.episode ? this.now() - this.episode.started : 0),
      pauses: [...this.pauses],
      maxLagMs: this.limits.maxLagMs,
      criticalLagMs: this.limits.criticalLagMs,
      criticalForMs: this.limits.criticalForMs,
      chunkMb: this.chunkMb,
      ...(this.roseAt !== undefined ? { roseAt: this.roseAt } : {}),
      window: { min: Math.min(this.windowMin, this.peakInFlight), max: this.peakInFlight },
      latency: this.readers.flatMap((r) => {
        const t = this.latencyLimits(r);
        return t
          ? [
              {
                ...(r.target.where ? { where: r.target.where } : {}),
                maxMs: t.max,
                ...(t.critical !== undefined ? { criticalMs: t.critical } : {}),
              },
            ]
          : [];
      }),
      peaks: this.readers.map((r) => ({ ...r.peaks, unavailable: [...r.peaks.unavailable] })),
      ...(this.abortReason ? { aborted: this.abortReason } : {}),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.readers.map((r) => r.stop()));
    if (this.episode) this.endEpisode();
    this.release();
  }

  /**
   * The probe's pause level, and its abort level only when one is set: the probe cannot tell
   * production's own load from the copy's, and a paused copy adds none, so a slow probe alone
   * never stops a run unless the user asks for it (the lag's critical level is on by default).
   */
  private latencyLimits(r: SignalSource): { max: number; critical?: number } | undefined {
    if (r.baselineMs === undefined) return undefined;
    const max = this.o.settings.maxLatencyMs ?? latencyThreshold(r.baselineMs);
    const critical = this.o.settings.criticalLatencyMs;
    return { max, ...(critical !== undefined ? { critical } : {}) };
  }

  private describe(): void {
    const parts = [`pauses while the majority lag > ${seconds(this.limits.maxLagMs)}`];
    for (const r of this.readers) {
      const t = this.latencyLimits(r);
      const at = r.target.where ? ` (${r.target.where})` : "";
      if (t && r.baselineMs !== undefined)
        parts.push(`the probe read${at} > ${millis(t.max)} (baseline ${millis(r.baselineMs)})`);
      for (const u of r.peaks.unavailable) parts.push(`no ${u}${at}`);
    }
    this.o.log.info(
      `Throttle (throttle: auto): ${parts.join("; ")}; flow control engaged or no storage-engine tickets, where serverStatus is readable. ` +
        `Aborts when the lag stays over ${seconds(this.limits.criticalLagMs)}${this.o.settings.criticalLatencyMs !== undefined ? ` or the probe over ${millis(this.o.settings.criticalLatencyMs)}` : ""} for ${seconds(this.limits.criticalForMs)}.`,
    );
  }

  private tick(): void {
    if (this.stopped || this.abortError) return;
    const now = this.now();
    const readings: Readings[] = this.readers.map((r) => {
      const t = this.latencyLimits(r);
      return {
        ...r.readings(),
        ...(t ? { maxLatencyMs: t.max } : {}),
        ...(t?.critical !== undefined ? { criticalLatencyMs: t.critical } : {}),
      };
    });
    const d = decide(now, readings, this.limits, this.state);
    this.state = d.state;
    if (d.action === "abort") {
      this.abort(d.reasons);
      return;
    }
    if (d.action === "pause" && this.open && d.reasons.every((r) => r.signal === "latency")) {
      // Latency is a congestion signal, as delay is to TCP: while more than one copy runs, fewer
      // at once (halved, at most every CUT_EVERY_MS) before anything pauses. Lag, flow control,
      // tickets and unreadable signals are hard limits: they pause at once.
      const running = Math.min(this.window, this.inFlight);
      if (running > 1) {
        this.state = { ...d.state, paused: false };
        this.congested = true;
        if (this.lastCut === undefined || now - this.lastCut >= CUT_EVERY_MS) {
          this.lastCut = now;
          this.reasons = d.reasons;
          this.shrink();
          this.o.log.debug(
            `Throttle: over threshold: ${this.reasonsText()}; ${this.window} collection${this.window === 1 ? "" : "s"} at a time from now on.`,
          );
        }
        return;
      }
    }
    this.congested = d.action === "pause";
    if (d.action === "pause") {
      const was = signalsOf(this.reasons);
      this.reasons = d.reasons;
      if (this.open) {
        this.o.log.debug(`Throttle: over threshold: ${this.reasonsText()}.`);
        // What is running made a signal rise: fewer copies at once from now on.
        this.shrink();
      }
      // A pause can outlast its first reason: say so when another signal holds it now.
      else if (this.episode && signalsOf(d.reasons) !== was)
        this.o.log.info(`Throttle: still paused: ${this.reasonsText()}.`);
      this.open = false;
      this.resumeAt = undefined;
      return;
    }
    if (this.open) return;
    if (this.resumeAt === undefined) this.o.log.debug("Throttle: every signal is under its resume level.");
    // Clear: resume after a random delay, so that runs paused by the same signal do not all
    // write again in the same instant; a signal that rises meanwhile keeps the gate shut.
    this.resumeAt ??= now + this.random() * this.jitter;
    if (now < this.resumeAt) return;
    this.open = true;
    this.resumeAt = undefined;
    if (this.episode) this.endEpisode();
    this.release();
  }

  private endEpisode(): void {
    const e = this.episode;
    if (!e) return;
    this.episode = undefined;
    const ms = this.now() - e.started;
    this.pausedMs += ms;
    this.pauseCount++;
    if (this.pauses.length < MAX_PAUSES_KEPT)
      this.pauses.push({
        startMs: e.startedAt,
        endMs: e.startedAt + ms,
        signal: e.reason.signal,
        reason: e.reason.text,
      });
    this.o.log.info(`Throttle: paused ${seconds(ms)}: ${e.reason.text}; resuming.`);
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private reasonsText(): string {
    return this.reasons.map((r) => r.text).join("; ") || "resuming shortly";
  }

  private abort(reasons: Reason[]): void {
    const reason = reasons[0]?.text ?? "a critical threshold";
    this.abortReason = reason;
    this.abortError = new ThrottleAbortError(
      `The throttle stopped the copy: ${reason} (critical-lag-seconds / critical-latency-ms, for critical-seconds). ` +
        `${this.o.kept ? `${this.o.kept()} ` : ""}Run again once the cluster has recovered, or raise the critical thresholds.`,
    );
    this.o.log.warning(`Throttle: ${reason}: stopping the copy.`);
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.episode) this.endEpisode();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.abortError);
    for (const wake of this.slots.splice(0)) wake();
    // A chunk in flight may be waiting for a majority that is not coming: stop it on the server.
    const copies = this.o.copies;
    if (copies)
      for (const r of this.readers)
        if (r.target.client) void stopOwnCopies(r.target.client, copies.targetDb, copies.tag, this.o.log);
  }
}

function signalsOf(reasons: readonly Reason[]): string {
  return reasons.map((r) => `${r.where ?? ""}/${r.signal}`).join(",");
}

/** The run's own server-side copies into `targetDb`, stopped with killOp (best-effort). */
async function stopOwnCopies(client: MongoClient, targetDb: string, tag: string, log: Log): Promise<void> {
  const pattern = `^${escapeRegExp(`${COPY_COMMENT_PREFIX} ${targetDb}.`)}.* ${escapeRegExp(tag)}$`;
  try {
    const ops = await bestEffort(
      () =>
        client
          .db("admin")
          .aggregate([
            { $currentOp: { allUsers: false, idleConnections: false } },
            { $match: { "command.comment": { $regex: pattern, $options: "s" } } },
          ])
          .toArray(),
      {
        log,
        skipped: "finding this run's copies to stop them ($currentOp)",
        cost: "a chunk in flight finishes on the server before the copy stops",
      },
    );
    for (const op of ops ?? [])
      await bestEffort(() => client.db("admin").command({ killOp: 1, op: op.opid }), {
        log,
        skipped: "stopping this run's copy (killOp)",
        cost: "a chunk in flight finishes on the server before the copy stops",
      });
  } catch {
    // The copy stops at its next chunk anyway.
  }
}

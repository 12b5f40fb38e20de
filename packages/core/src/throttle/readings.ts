import type { Document } from "mongodb";

/**
 * Turning what the server answers into the throttle's readings (pure; the I/O is signals.ts).
 */

/** An oplog timestamp as (seconds, increment): compared exactly, never through a lossy double. */
export interface OpTimeKey {
  t: number;
  i: number;
}

export function opTimeKey(ts: unknown): OpTimeKey | undefined {
  const x = ts as { t?: unknown; i?: unknown } | undefined;
  if (x && typeof x.t === "number" && typeof x.i === "number") return { t: x.t, i: x.i };
  return undefined;
}

function after(a: OpTimeKey, b: OpTimeKey): boolean {
  return a.t > b.t || (a.t === b.t && a.i > b.i);
}

/**
 * Majority-commit lag measured on the primary with `hello` (no privilege needed): the age of the
 * oldest write this tracker saw (`lastWrite.opTime`) that is not yet majority-committed
 * (`lastWrite.majorityOpTime`). Optimes are compared exactly, so neither the idle primary's
 * periodic no-op writes nor the whole-second resolution of `lastWriteDate`/`majorityWriteDate`
 * can fake a lag (`now − majorityWriteDate` reads up to ~10 s on a healthy idle set); the
 * resolution is the polling interval. It is gh-ost's heartbeat, with the oplog as the heartbeat.
 */
export class LagTracker {
  private readonly pending: { at: number; op: OpTimeKey }[] = [];

  /** One `hello` answer, read at `at` (ms); returns the lag in ms, or undefined without lastWrite. */
  observe(at: number, hello: Document): number | undefined {
    const last = opTimeKey(hello.lastWrite?.opTime?.ts);
    const majority = opTimeKey(hello.lastWrite?.majorityOpTime?.ts);
    if (!last || !majority) return undefined;
    const newest = this.pending.at(-1);
    if (after(last, majority) && (!newest || after(last, newest.op))) this.pending.push({ at, op: last });
    while (this.pending.length && !after((this.pending[0] as { op: OpTimeKey }).op, majority))
      this.pending.shift();
    const oldest = this.pending[0];
    return oldest ? Math.max(0, at - oldest.at) : 0;
  }
}

export interface StatusReadings {
  flowControlLagged?: boolean;
  /** How many times flow control has been engaged since the server started (a counter). */
  flowControlLaggedCount?: number;
  /** Fewest read or write tickets available in the storage engine. */
  ticketsAvailable?: number;
}

/**
 * The parts of `serverStatus` the throttle reads, where the server reports them: flow control
 * (`flowControl.isLagged`, 4.2+) and the storage engine's tickets, under
 * `wiredTiger.concurrentTransactions` up to 7.0 and `queues.execution` from 8.0.
 */
export function statusReadings(status: Document): StatusReadings {
  const out: StatusReadings = {};
  const fc = status.flowControl as Document | undefined;
  if (fc && typeof fc.isLagged === "boolean") out.flowControlLagged = fc.isLagged;
  if (fc && fc.isLaggedCount !== undefined && Number.isFinite(Number(fc.isLaggedCount)))
    out.flowControlLaggedCount = Number(fc.isLaggedCount);
  const tickets =
    (status.queues?.execution as Document | undefined) ??
    (status.wiredTiger?.concurrentTransactions as Document | undefined);
  const available = [tickets?.read?.available, tickets?.write?.available]
    .map(Number)
    .filter((n) => Number.isFinite(n));
  if (available.length) out.ticketsAvailable = Math.min(...available);
  return out;
}

/**
 * The median of the recent probe reads, counting a read still in flight as a sample of at least
 * its elapsed time: a probe that hangs raises the median instead of leaving it at the last
 * finished reads. One slow read (a checkpoint, a pause of the runner) does not move the median.
 */
export function probeLatency(recent: readonly number[], inFlightMs?: number): number | undefined {
  const xs = [...recent, ...(inFlightMs !== undefined && inFlightMs > 0 ? [inFlightMs] : [])];
  if (!xs.length) return undefined;
  return median(xs);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Benchmark section `throttle` (issue 23): a fixed-rate production workload on a 3-member replica
 * set on this machine, its latency and the majority-commit lag (a) idle, (b) during an
 * unthrottled restore, (c) during a throttled one (the defaults of throttle: auto), (d) during 3
 * concurrent throttled restores; and the restore times, with and without the workload.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Log } from "@pr-snapshots/core/log";
import { serverCores } from "@pr-snapshots/core/mongo/server";
import { targetPolicy } from "@pr-snapshots/core/names";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { type RestoreReport, restoreSnapshot } from "@pr-snapshots/core/snapshot/restore";
import { LagTracker } from "@pr-snapshots/core/throttle/readings";
import { THROTTLE_OFF, type ThrottleSettings } from "@pr-snapshots/core/throttle/settings";
import { type Document, MongoClient } from "mongodb";
import { repoRoot, startMongo } from "../test/support/mongod";
import type { SectionContext } from "./engine";
import { benchSnapshot, GiB, seedToSize } from "./lib/dataset";
import { fmtS, ratio } from "./lib/measure";
import { timelineSvg } from "./lib/timeline";

export interface ThrottleBenchOptions {
  /** Snapshot size (GiB of BSON). */
  gib: number;
  /** Workload operations per second. */
  rate: number;
  idleSeconds: number;
  /** Concurrent throttled restores in phase (d); 0 or 1 skips it. */
  concurrent: number;
}

const PROD = "thb_prod";
const SNAP = "thb_snapshot";
const APP = "thb_app";
const ITEMS = 20_000;
/** Share of the workload that writes (small $inc updates, default write concern: majority on PSS). */
const WRITE_SHARE = 0.3;
const THROTTLE_AUTO: ThrottleSettings = {
  mode: "auto",
  maxLagSeconds: 2,
  criticalLagSeconds: 10,
  criticalSeconds: 60,
};

const silent: Log = {
  info: () => {},
  notice: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_n, fn) => fn(),
  secret: () => {},
};

interface Op {
  /** ms since the section's clock started. */
  at: number;
  ms: number;
  write: boolean;
  failed: boolean;
}

/**
 * Open loop: an operation starts every 1000/rate ms whether or not the previous ones finished, as
 * an application's requests do, so a slow server shows as latency (and queueing), not as fewer ops.
 */
class Workload {
  readonly ops: Op[] = [];
  private running = true;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  constructor(
    private readonly client: MongoClient,
    private readonly rate: number,
    private readonly clock: () => number,
  ) {}

  start(): this {
    const items = this.client.db(APP).collection<Document>("items");
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    this.loop = (async () => {
      const interval = 1000 / this.rate;
      const t0 = this.clock();
      for (let i = 0; this.running; i++) {
        const due = t0 + i * interval;
        const wait = due - this.clock();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (this.inFlight.size > 2_000) continue; // the server stopped answering: do not pile up
        const write = rand() < WRITE_SHARE;
        const k = Math.floor(rand() * ITEMS);
        const at = this.clock();
        const op = (
          write
            ? items.updateOne({ _id: k } as Document, { $inc: { n: 1 } })
            : items.find({ k }, { limit: 1 }).toArray()
        ).then(
          () => {
            this.ops.push({ at, ms: this.clock() - at, write, failed: false });
          },
          () => {
            this.ops.push({ at, ms: this.clock() - at, write, failed: true });
          },
        );
        this.inFlight.add(op);
        void op.finally(() => this.inFlight.delete(op));
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }
}

/** Majority-commit lag on the primary (the throttle's own measure) and flow control, sampled. */
class ClusterWatch {
  readonly lag: { at: number; ms: number }[] = [];
  readonly flowControl: { at: number; lagged: boolean; count: number }[] = [];
  private running = true;
  private loops: Promise<void>[] = [];
  constructor(
    private readonly client: MongoClient,
    private readonly clock: () => number,
  ) {}

  start(): this {
    const tracker = new LagTracker();
    this.loops.push(
      (async () => {
        while (this.running) {
          const hello = await this.client.db("admin").command({ hello: 1 });
          const at = this.clock();
          this.lag.push({ at, ms: tracker.observe(at, hello) ?? 0 });
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      (async () => {
        while (this.running) {
          const s = await this.client.db("admin").command({ serverStatus: 1 });
          this.flowControl.push({
            at: this.clock(),
            lagged: s.flowControl?.isLagged === true,
            count: Number(s.flowControl?.isLaggedCount ?? 0),
          });
          await new Promise((r) => setTimeout(r, 500));
        }
      })(),
    );
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  peakLag(from: number, to: number): number {
    return Math.max(0, ...this.lag.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms));
  }

  /** Flow control engaged at some point in [from, to]: seen lagged, or its counter moved. */
  flowControlEngaged(from: number, to: number): boolean {
    const window = this.flowControl.filter((s) => s.at >= from && s.at <= to);
    const before = [...this.flowControl].reverse().find((s) => s.at < from);
    const first = before ?? window[0];
    const last = window.at(-1);
    return (
      window.some((s) => s.lagged) || (first !== undefined && last !== undefined && last.count > first.count)
    );
  }

  /** Waits until nothing is left to replicate (lag 0 for a second). */
  async settle(): Promise<void> {
    const deadline = this.clock() + 600_000;
    while (this.clock() < deadline) {
      const recent = this.lag.filter((s) => s.at > this.clock() - 1_000);
      if (recent.length >= 5 && recent.every((s) => s.ms === 0)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

interface Window {
  name: string;
  from: number;
  to: number;
}

function latencyIn(ops: readonly Op[], w: Window) {
  const inside = ops.filter((o) => o.at >= w.from && o.at <= w.to);
  const ms = inside.map((o) => o.ms);
  return {
    ops: inside.length,
    failed: inside.filter((o) => o.failed).length,
    rate: inside.length / Math.max(0.001, (w.to - w.from) / 1000),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    writesP99: percentile(
      inside.filter((o) => o.write).map((o) => o.ms),
      99,
    ),
  };
}

/** p99 of the operations started in each second of a window, for the chart. */
function p99PerSecond(ops: readonly Op[], w: Window): { x: number; y: number }[] {
  const buckets = new Map<number, number[]>();
  for (const o of ops) {
    if (o.at < w.from || o.at > w.to) continue;
    const s = Math.floor((o.at - w.from) / 1000);
    const b = buckets.get(s) ?? [];
    b.push(o.ms);
    buckets.set(s, b);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, ms]) => ({ x: s + 0.5, y: percentile(ms, 99) }));
}

export async function throttleSection(ctx: SectionContext, o: ThrottleBenchOptions): Promise<void> {
  const cores = os.cpus().length;
  ctx.log(
    `\nThrottle: a ${o.rate} ops/s workload on a 3-member replica set on this machine (${cores} cores, all three mongods and the runner on them), ${o.gib} GiB restores...`,
  );
  const rs = await startMongo({ kind: "replset", members: 3 });
  const admin = new MongoClient(rs.uri);
  // Seeding with w: 1 (the secondaries catch up before anything is measured).
  const seeder = new MongoClient(rs.uri, { writeConcern: { w: 1 } });
  const app = new MongoClient(rs.uri, { maxPoolSize: 200, appName: "bench workload" });
  const copier = new MongoClient(rs.uri, { maxPoolSize: 24, appName: "bench restore" });
  const monitors: MongoClient[] = [];
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const watch = new ClusterWatch(admin, clock);
  let workload: Workload | undefined;
  try {
    await Promise.all([admin.connect(), seeder.connect(), app.connect(), copier.connect()]);
    const serverCoreCount = await serverCores(admin);
    ctx.log(`  machine: ${cores} cores (os.cpus); the server reports ${serverCoreCount ?? "?"} cores`);
    const data = await seedToSize(seeder, PROD, o.gib * GiB);
    ctx.log(`  seeded ${(data.bytes / GiB).toFixed(3)} GiB, ${data.documents} documents`);
    const items = seeder.db(APP).collection<Document>("items");
    await items.drop().catch(() => {});
    for (let b = 0; b < ITEMS; b += 5_000)
      await items.insertMany(
        Array.from(
          { length: 5_000 },
          (_, i) => ({ _id: b + i, k: b + i, n: 0, pad: "x".repeat(200) }) as Document,
        ),
      );
    await items.createIndex({ k: 1 });
    await benchSnapshot(copier, PROD, SNAP);
    await admin.db(PROD).dropDatabase();
    watch.start();
    await watch.settle();

    const restore = async (target: string, throttle: ThrottleSettings): Promise<RestoreReport> => {
      const monitor =
        throttle.mode === "auto"
          ? new MongoClient(rs.uri, { maxPoolSize: 4, appName: "bench restore (throttle)" })
          : undefined;
      if (monitor) monitors.push(monitor);
      return restoreSnapshot({
        client: copier,
        log: silent,
        snapshotDatabase: SNAP,
        target,
        policy: targetPolicy({ prefix: "thb" }),
        waitTimeoutMs: 0,
        pollIntervalMs: 1_000,
        concurrency: 4,
        dryRun: false,
        allowPrivilegedCredentials: true,
        throttle,
        ...(monitor ? { monitor } : {}),
      });
    };
    const between = async () => {
      for (const db of (await admin.db("admin").admin().listDatabases({ nameOnly: true })).databases)
        if (db.name.startsWith("thb_pr_")) await admin.db(db.name).dropDatabase();
      await watch.settle();
      await new Promise((r) => setTimeout(r, 3_000));
    };
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<{ w: Window; value: T }> => {
      const from = clock();
      const value = await fn();
      const w = { name, from, to: clock() };
      ctx.log(`  ${name}: ${fmtS(w.to - w.from)}`);
      return { w, value };
    };

    // ---- with the workload ----
    const wl = new Workload(app, o.rate, clock).start();
    workload = wl;
    await new Promise((r) => setTimeout(r, 2_000)); // warm-up
    const idle = await timed(
      `(a) idle, ${o.idleSeconds} s`,
      () => new Promise((r) => setTimeout(r, o.idleSeconds * 1000)),
    );
    await between();
    const off = await timed("(b) unthrottled restore, with the workload", () =>
      restore("thb_pr_1", THROTTLE_OFF),
    );
    await between();
    const on = await timed("(c) throttled restore, with the workload", () =>
      restore("thb_pr_2", THROTTLE_AUTO),
    );
    const identical = await sameAsSnapshot(admin, "thb_pr_2");
    await between();
    const concurrent =
      o.concurrent > 1
        ? await timed(`(d) ${o.concurrent} concurrent throttled restores, with the workload`, () =>
            Promise.all(
              Array.from({ length: o.concurrent }, (_, i) =>
                // A restore the throttle stops (critical) is a result of this phase, not a crash of the section.
                restore(`thb_pr_${10 + i}`, THROTTLE_AUTO).catch((e: unknown) => {
                  const why = e instanceof Error ? e.message : String(e);
                  ctx.log(`    restore ${i + 1} stopped: ${why}`);
                  return { stopped: why };
                }),
              ),
            ),
          )
        : undefined;
    await between();
    await wl.stop();
    workload = undefined;

    // ---- without it ----
    const offIdle = await timed("unthrottled restore, no workload", () => restore("thb_pr_3", THROTTLE_OFF));
    await between();
    const onIdle = await timed("throttled restore, no workload", () => restore("thb_pr_4", THROTTLE_AUTO));
    await between();

    const phases = [
      { key: "idle", label: "(a) idle", w: idle.w },
      { key: "unthrottled", label: "(b) unthrottled restore", w: off.w },
      { key: "throttled", label: "(c) throttled restore", w: on.w },
      ...(concurrent
        ? [{ key: "concurrent", label: `(d) ${o.concurrent} concurrent throttled restores`, w: concurrent.w }]
        : []),
    ].map((p) => ({
      ...p,
      latency: latencyIn(wl.ops, p.w),
      peakLagMs: watch.peakLag(p.w.from, p.w.to),
      flowControl: watch.flowControlEngaged(p.w.from, p.w.to),
      seconds: (p.w.to - p.w.from) / 1000,
    }));
    const get = (key: string) => phases.find((p) => p.key === key) as (typeof phases)[number];
    const [a, b, c] = [get("idle"), get("unthrottled"), get("throttled")];
    const pauses = (r: RestoreReport) => r.throttle?.pauses ?? [];
    const pausedMs = (r: RestoreReport) => r.throttle?.pausedMs ?? 0;
    const concurrentPauses =
      concurrent?.value.map((r) =>
        "stopped" in r
          ? { pauses: 0, pausedMs: 0, stopped: r.stopped }
          : { pauses: pauses(r).length, pausedMs: pausedMs(r) },
      ) ?? [];

    const results = {
      cores,
      serverCores: serverCoreCount,
      gib: o.gib,
      bytes: data.bytes,
      rate: o.rate,
      writeShare: WRITE_SHARE,
      phases: phases.map((p) => ({
        phase: p.label,
        seconds: p.seconds,
        ...p.latency,
        peakLagMs: p.peakLagMs,
        flowControlEngaged: p.flowControl,
      })),
      restores: {
        unthrottledWithWorkloadMs: off.w.to - off.w.from,
        throttledWithWorkloadMs: on.w.to - on.w.from,
        unthrottledNoWorkloadMs: offIdle.w.to - offIdle.w.from,
        throttledNoWorkloadMs: onIdle.w.to - onIdle.w.from,
        ...(concurrent ? { concurrentMs: concurrent.w.to - concurrent.w.from } : {}),
      },
      throttled: {
        pauses: pauses(on.value).length,
        pausedMs: pausedMs(on.value),
        peaks: on.value.throttle?.peaks,
        noWorkloadPauses: pauses(onIdle.value).length,
        noWorkloadPausedMs: pausedMs(onIdle.value),
        concurrent: concurrentPauses,
        identical,
      },
    };
    ctx.results.throttle = results;

    // ---- the chart: latency over time from each restore's start, with the throttled one's pauses ----
    const stamp = String(ctx.results.date).slice(0, 16).replace(":", "");
    const file = `${stamp}-throttle.svg`;
    const since = (w: Window, t: number) => (t - w.from) / 1000;
    const series = [
      { name: `unthrottled restore: p99 per second`, points: p99PerSecond(wl.ops, off.w) },
      { name: `throttled restore: p99 per second`, points: p99PerSecond(wl.ops, on.w) },
    ];
    const cap = Math.max(4 * (a.latency.p99 || 1), 3 * (c.latency.p99 || 1));
    writeFileSync(
      path.join(repoRoot, "bench/results", file),
      timelineSvg({
        title: `Workload latency during a restore, ${cores} cores, 3-member replica set`,
        subtitle: `${o.rate} ops/s (${Math.round(WRITE_SHARE * 100)} % writes, w: majority), ${(data.bytes / GiB).toFixed(2)} GiB restore; MongoDB on one machine; ${String(ctx.results.date).slice(0, 10)}`,
        xLabel: "seconds since the restore started",
        yLabel: "workload latency, p99 of each second (ms)",
        yUnit: "ms",
        series,
        bands: {
          name: "throttled restore paused",
          intervals: pauses(on.value).map((p) => ({
            from: since(on.w, p.startMs - Date.now() + performance.now() - t0),
            to: since(on.w, p.endMs - Date.now() + performance.now() - t0),
          })),
        },
        markers: [
          { x: since(off.w, off.w.to), label: "unthrottled done", series: 0 },
          { x: since(on.w, on.w.to), label: "throttled done", series: 1 },
        ],
        reference: { name: `idle p99 (${a.latency.p99.toFixed(1)} ms)`, y: a.latency.p99 },
        yMax: cap,
      }),
    );

    const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : "—");
    ctx.md.push(
      [
        `### Throttle: production latency during a restore (3-member replica set, ${cores} cores)`,
        "",
        `A fixed-rate workload of ${o.rate} ops/s (indexed reads, ${Math.round(WRITE_SHARE * 100)} % small updates with the default write concern, w: majority) on \`${APP}\`, ` +
          `while ${(data.bytes / GiB).toFixed(3)} GiB is restored from the snapshot on the same replica set. All three mongods, the workload and the restore share this machine's ${cores} cores` +
          `${serverCoreCount ? ` (the server reports ${serverCoreCount})` : ""}: one run, not a median. Throttled = the defaults of \`throttle: auto\` ` +
          `(pause while the majority lag > 2 s; a probe slower than max(4× its baseline, baseline + 100 ms) first halves the collections copied at once, and pauses once one is left; ` +
          `${on.value.throttle?.chunkMb ?? 8} MB chunks). ` +
          `Throttled restore: ${on.value.throttle?.window.min ?? "?"} to ${on.value.throttle?.window.max ?? "?"} collections at once; ` +
          `without the workload: ${onIdle.value.throttle?.window.min ?? "?"} to ${onIdle.value.throttle?.window.max ?? "?"} at once.`,
        "",
        `![Workload latency over time during the unthrottled and the throttled restore, with the throttled restore's pauses](${file})`,
        "",
        "| phase | seconds | ops | p50 | p99 | writes p99 | peak majority lag | flow control |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ...phases.map(
          (p) =>
            `| ${p.label} | ${p.seconds.toFixed(1)} | ${p.latency.ops}${p.latency.failed ? ` (${p.latency.failed} failed)` : ""} | ${ms(p.latency.p50)} | ${ms(p.latency.p99)} | ${ms(p.latency.writesP99)} | ${(p.peakLagMs / 1000).toFixed(2)} s | ${p.flowControl ? "engaged" : "never engaged"} |`,
        ),
        "",
        "| restore | with the workload | without |",
        "| --- | --- | --- |",
        `| unthrottled (\`throttle: off\`) | ${fmtS(off.w.to - off.w.from)} | ${fmtS(offIdle.w.to - offIdle.w.from)} |`,
        `| throttled (\`throttle: auto\`) | ${fmtS(on.w.to - on.w.from)} (paused ${pauses(on.value).length}× for ${(pausedMs(on.value) / 1000).toFixed(1)} s) | ${fmtS(onIdle.w.to - onIdle.w.from)} (paused ${pauses(onIdle.value).length}×) |`,
        ...(concurrent
          ? [
              `| ${o.concurrent} concurrent throttled | ${fmtS(concurrent.w.to - concurrent.w.from)} (paused ${concurrentPauses.map((x) => ("stopped" in x ? "stopped by the throttle" : `${x.pauses}×`)).join(", ")}) | |`,
            ]
          : []),
        "",
        `The throttled restore is byte-identical to the snapshot: ${identical ? "yes (dbHash of every collection)" : "**no**"}.`,
        "",
      ].join("\n"),
    );
    const goal = (g: string, value: string, pass: boolean) => ctx.goals.push({ goal: g, value, pass });
    goal(
      "throttle: throttled p99 ≤ 1.5× idle p99",
      `${ratio(c.latency.p99, a.latency.p99).toFixed(2)} (${ms(c.latency.p99)} vs ${ms(a.latency.p99)})`,
      c.latency.p99 <= 1.5 * a.latency.p99,
    );
    goal(
      "throttle: throttled p99 < unthrottled p99",
      `${ms(c.latency.p99)} vs ${ms(b.latency.p99)}`,
      c.latency.p99 < b.latency.p99,
    );
    goal(
      "throttle: peak majority lag ≤ 2 s during the throttled restore",
      `${(c.peakLagMs / 1000).toFixed(2)} s`,
      c.peakLagMs <= 2_000,
    );
    goal(
      "throttle: flow control never engaged during the throttled restore",
      c.flowControl ? "engaged" : "never engaged",
      !c.flowControl,
    );
    const idleRatio = ratio(onIdle.w.to - onIdle.w.from, offIdle.w.to - offIdle.w.from);
    goal(
      "throttle: throttled restore without workload ≤ 1.1× unthrottled",
      idleRatio.toFixed(2),
      idleRatio <= 1.1,
    );
    const loadRatio = ratio(on.w.to - on.w.from, off.w.to - off.w.from);
    goal(
      "throttle: throttled restore with the workload ≤ 2.5× unthrottled (with the workload)",
      loadRatio.toFixed(2),
      loadRatio <= 2.5,
    );
    goal("throttle: the throttled restore is byte-identical", identical ? "yes" : "no", identical);
    for (const p of phases)
      ctx.log(
        `  ${p.label}: p50 ${ms(p.latency.p50)}, p99 ${ms(p.latency.p99)}, peak lag ${(p.peakLagMs / 1000).toFixed(2)} s, flow control ${p.flowControl ? "engaged" : "never engaged"}`,
      );
  } finally {
    await workload?.stop().catch(() => {});
    await watch.stop().catch(() => {});
    for (const c of [admin, seeder, app, copier, ...monitors]) await c.close().catch(() => {});
    await rs.stop().catch(() => {});
  }
}

async function sameAsSnapshot(client: MongoClient, database: string): Promise<boolean> {
  const meta = await readSnapshotMetadata(client.db(SNAP));
  const snap = (await client.db(SNAP).command({ dbHash: 1 })).collections as Record<string, string>;
  const pr = (await client.db(database).command({ dbHash: 1 })).collections as Record<string, string>;
  return Object.entries(meta?.physical ?? {}).every(([name, physical]) => pr[name] === snap[physical]);
}

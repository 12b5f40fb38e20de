import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChunkPosition } from "@pr-snapshots/core/copy/engine";
import type { Log } from "@pr-snapshots/core/log";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { produceSnapshot } from "@pr-snapshots/core/snapshot/producer";
import { restoreSnapshot } from "@pr-snapshots/core/snapshot/restore";
import type { ThrottleSettings } from "@pr-snapshots/core/throttle/settings";
import { type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dataHash, dbHash, type RunningMongo, startMongo } from "../support/mongod";
import { type StartedAction, startAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

/**
 * The throttle (issue 23) on a real 3-member replica set, started once for the file with test
 * commands enabled (fail points):
 * - majority lag made real by fsyncLock on both secondaries while something keeps writing
 *   (w: 1): the commit point stops, `hello` on the primary shows writes it cannot commit;
 * - probe latency made real by the server holding the throttle's own reads (the failCommand fail
 *   point with blockConnection, for the throttle client's appName only).
 * Every assertion is on behaviour (paused, why, resumed, the same bytes), none on durations.
 */
const PROD = "th_prod";
const SNAP = "th_snapshot";
/** The producer's settings in this file (no guards: the tests publish over their own snapshots). */
const PRODUCE = {
  sourceDatabase: PROD,
  snapshotDatabase: SNAP,
  concurrency: 4,
  retain: 1,
  graceSeconds: 0,
  maxShrinkPercent: 100,
  force: true,
  dryRun: false,
  allowPrivilegedCredentials: true,
} as const;
const EVENTS = "events";
const RESTORE_PROBES = "pr-snapshots/restore-snapshot (throttle)";
const TEST_PROBES = "throttle-test monitor";
let rs: RunningMongo;
let client: MongoClient;

beforeAll(async () => {
  rs = await startMongo({ kind: "replset", members: 3, args: ["--setParameter", "enableTestCommands=1"] });
  client = new MongoClient(rs.uri);
  await client.connect();
  await seedProduction(client, PROD);
  // ~12 MB in 12,000 documents: 12 chunks of 1 MB, so a throttled copy has chunk boundaries to stop at.
  const events = client.db(PROD).collection<Document>(EVENTS);
  for (let b = 0; b < 3; b++)
    await events.insertMany(
      Array.from(
        { length: 4_000 },
        (_, i) => ({ _id: b * 4_000 + i, n: i, pad: "e".repeat(1_000) }) as Document,
      ),
    );
  await events.createIndex({ n: 1 });
  await produceSnapshot({
    client,
    log: quiet(),
    ...PRODUCE,
  });
}, 240_000);

afterAll(async () => {
  await failProbes(RESTORE_PROBES, "off").catch(() => {});
  await client?.close();
  await rs?.stop().catch(() => {});
});

const workspace = mkdtempSync(path.join(tmpdir(), "th-workspace-"));
mkdirSync(path.join(workspace, ".github"));
writeFileSync(path.join(workspace, ".github/pr-snapshots.yml"), "dbPrefix: th\n");

/** A log that keeps every line (debug included) for the test to wait on. */
function capture(): Log & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => {
    lines.push(`${level} ${m}`);
  };
  return {
    lines,
    info: push("info"),
    notice: push("notice"),
    warning: push("warning"),
    error: push("error"),
    debug: push("debug"),
    group: (_name, fn) => fn(),
    secret: () => {},
  };
}
const quiet = () => capture();

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const seen = (lines: () => string, re: RegExp, what = String(re)) => until(what, () => re.test(lines()));
/** A log's lines from `mark` on: what happened after a fault was injected. */
const linesSince = (log: { lines: string[] }, mark: () => number) => () => log.lines.slice(mark()).join("\n");

/** The server holds every `find` of the client named `appName` for `ms` before answering (or stops). */
async function failProbes(appName: string, ms: number | "off"): Promise<void> {
  await client.db("admin").command(
    ms === "off"
      ? { configureFailPoint: "failCommand", mode: "off" }
      : {
          configureFailPoint: "failCommand",
          mode: "alwaysOn",
          data: { failCommands: ["find"], blockConnection: true, blockTimeMS: ms, appName },
        },
  );
}

/**
 * Majority lag: both secondaries fsync-locked (no oplog is applied, the commit point stops) while
 * a writer keeps writing with w: 1 on the primary. Returns the release.
 */
async function freezeMajority(): Promise<() => Promise<void>> {
  const hello = await client.db("admin").command({ hello: 1 });
  const secondaries = (hello.hosts as string[]).filter((h) => h !== hello.primary);
  const direct = secondaries.map((h) => new MongoClient(`mongodb://${h}/?directConnection=true`));
  for (const c of direct) await c.db("admin").command({ fsync: 1, lock: true });
  let writing = true;
  const noise = (async () => {
    for (let i = 0; writing; i++) {
      await client
        .db("th_noise")
        .collection("n")
        .insertOne({ i }, { writeConcern: { w: 1 } })
        .catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    writing = false;
    await noise;
    for (const c of direct) {
      await c.db("admin").command({ fsyncUnlock: 1 });
      await c.close();
    }
  };
}

async function snapshotHashes(): Promise<Record<string, string>> {
  const meta = await readSnapshotMetadata(client.db(SNAP));
  const physical = meta?.physical ?? {};
  const all = (await dbHash(client, SNAP)).collections;
  return Object.fromEntries(Object.entries(physical).map(([name, p]) => [name, all[p] ?? "missing"]));
}

async function prHashes(database: string): Promise<Record<string, string>> {
  const all = (await dbHash(client, database)).collections;
  const names = Object.keys(await snapshotHashes());
  return Object.fromEntries(names.map((n) => [n, all[n] ?? "missing"]));
}

const THROTTLED: ThrottleSettings = {
  mode: "auto",
  maxLagSeconds: 1,
  maxLatencyMs: 300,
  // Never critical in these tests: a loaded machine must not turn a pause into an abort.
  criticalLagSeconds: 3_600,
  criticalLatencyMs: 3_600_000,
  criticalSeconds: 3_600,
};

function restoreInputs(pr: number, extra: Record<string, string | number | boolean> = {}) {
  return {
    "mongodb-uri": rs.uri,
    "db-prefix": "th",
    "pr-number": pr,
    comment: false,
    "wait-timeout-seconds": 60,
    "chunk-mb": 1,
    "progress-interval-seconds": 1,
    "allow-privileged-credentials": true,
    ...extra,
  };
}

function restoreProcess(pr: number, extra: Record<string, string | number | boolean> = {}): StartedAction {
  return startAction("restore-snapshot", {
    eventName: "workflow_dispatch",
    workspace,
    timeoutMs: 180_000,
    inputs: restoreInputs(pr, extra),
  });
}

describe("the throttle on a 3-member replica set", { timeout: 240_000 }, () => {
  it("pauses between chunks on the probe's latency and on majority lag, resumes when they clear; byte-identical", async () => {
    const log = capture();
    const text = () => log.lines.join("\n");
    const monitor = new MongoClient(rs.uri, { appName: TEST_PROBES, maxPoolSize: 4 });
    let release: (() => Promise<void>) | undefined;
    // Where each fault was injected in the log: the waits below look only at what came after.
    const marks = { probe: Number.POSITIVE_INFINITY, lag: Number.POSITIVE_INFINITY };
    const between = async (at: ChunkPosition) => {
      if (at.collection !== EVENTS) return;
      // Before the gate of chunk 2: the server starts holding the probe; the gate must find the copy paused.
      if (at.chunk === 2) {
        marks.probe = log.lines.length;
        await failProbes(TEST_PROBES, 1_000);
        await seen(
          linesSince(log, () => marks.probe),
          /over threshold: probe latency/,
        );
      }
      if (at.chunk === 5) {
        marks.lag = log.lines.length;
        release = await freezeMajority();
        await seen(
          linesSince(log, () => marks.lag),
          /over threshold: .*majority lag/,
        );
      }
    };
    try {
      const restore = restoreSnapshot({
        client,
        log,
        snapshotDatabase: SNAP,
        target: "th_pr_1",
        policy: targetPolicy({ prefix: "th" }),
        waitTimeoutMs: 10_000,
        pollIntervalMs: 1_000,
        concurrency: 4,
        dryRun: false,
        allowPrivilegedCredentials: true,
        chunkMb: 1,
        betweenChunks: between,
        progressIntervalMs: 200,
        throttle: THROTTLED,
        monitor,
      });
      restore.catch(() => {});
      await seen(
        linesSince(log, () => marks.probe),
        /Throttle: pausing the copy: probe latency [\d.]+ ms > 300 ms/,
      );
      await failProbes(TEST_PROBES, "off");
      await seen(
        linesSince(log, () => marks.probe),
        /Throttle: paused [\d.]+ (s|min): probe latency .*; resuming\./,
      );
      await seen(
        linesSince(log, () => marks.lag),
        /Throttle: pausing the copy: majority lag [\d.]+ s > 1 s/,
      );
      await (release as () => Promise<void>)();
      release = undefined;
      const report = await restore;

      expect(report.collections.find((c) => c.name === EVENTS)?.method).toMatch(/^chunks ×1\d$/);
      const signals = report.throttle?.pauses.map((p) => p.signal) ?? [];
      expect(signals).toContain("latency");
      expect(signals).toContain("lag");
      expect(report.throttle?.pausedMs).toBeGreaterThan(0);
      expect(report.throttle?.peaks[0]?.lagMs).toBeGreaterThan(1_000);
      expect(text()).toMatch(/Throttle: paused [\d.]+ (s|min): majority lag [\d.]+ s > 1 s; resuming\./);
      // Progress lines say that the copy is paused, and why.
      expect(text()).toMatch(/info Restoring th_pr_1: .*; paused [\d.]+ s: (probe latency|majority lag)/);
      expect(await prHashes("th_pr_1")).toEqual(await snapshotHashes());
    } finally {
      await release?.();
      await failProbes(TEST_PROBES, "off");
      await monitor.close();
    }
  });

  it("3 concurrent restores back off together on the same signals, without a coordinator, and each is identical", async () => {
    // Held before they start: every restore is paused at its first write, whatever the machine's speed.
    await failProbes(RESTORE_PROBES, 1_000);
    const runs = [2, 3, 4].map((pr) =>
      restoreProcess(pr, { "max-lag-seconds": 1, "max-latency-ms": 300, "critical-seconds": 3_600 }),
    );
    let release: (() => Promise<void>) | undefined;
    try {
      for (const r of runs) await seen(r.stdout, /Throttle: pausing the copy: probe latency/);
      release = await freezeMajority();
      for (const r of runs) await seen(r.stdout, /Throttle: still paused: .*majority lag [\d.]+ s > 0\.5 s/);
      await failProbes(RESTORE_PROBES, "off");
      for (const r of runs)
        await seen(r.stdout, /Throttle: still paused: majority lag [\d.]+ s > 0\.5 s \(resume level\)\./);
      await release();
      release = undefined;
      const done = await Promise.all(runs.map((r) => r.done));
      for (const [i, run] of done.entries()) {
        expect(run.code, run.stdout).toBe(0);
        expect(run.stdout).toMatch(
          /Throttle: paused [\d.]+ (s|min): probe latency [\d.]+ ms > 300 ms.*; resuming\./,
        );
        expect(run.summary).toContain("#### Throttle");
        expect(run.summary).toContain("section throttle pauses");
        expect(await prHashes(`th_pr_${i + 2}`)).toEqual(await snapshotHashes());
      }
    } finally {
      await release?.();
      await failProbes(RESTORE_PROBES, "off");
      for (const r of runs) if (r.child.exitCode === null) r.child.kill();
    }
  });

  it("critical: majority lag over critical-lag-seconds for critical-seconds stops the producer mid-copy; the previous snapshot stays", async () => {
    const before = await readSnapshotMetadata(client.db(SNAP));
    const hashes = await snapshotHashes();
    const log = capture();
    const text = () => log.lines.join("\n");
    const monitor = new MongoClient(rs.uri, { appName: TEST_PROBES, maxPoolSize: 4 });
    let release: (() => Promise<void>) | undefined;
    try {
      const produced = produceSnapshot({
        client,
        log,
        ...PRODUCE,
        chunkMb: 1,
        betweenChunks: async (at) => {
          // From chunk 3 on nothing can be majority-committed: the chunk in flight waits on the server.
          if (at.collection === EVENTS && at.chunk === 3) release = await freezeMajority();
        },
        throttle: { ...THROTTLED, criticalLagSeconds: 2, criticalSeconds: 2 },
        monitor,
      });
      produced.catch(() => {});
      await seen(text, /Throttle: majority lag [\d.]+ s > critical 2 s for [\d.]+ s: stopping the copy\./);
      // The copy that waited for a majority is stopped on the server (killOp), not left to finish later.
      await until("the copy to be stopped on the server", async () => (await copiesRunning(SNAP)) === 0);
      await (release as () => Promise<void>)();
      release = undefined;
      await expect(produced).rejects.toThrow(
        /The throttle stopped the copy: majority lag [\d.]+ s > critical 2 s for [\d.]+ s .*Nothing was published: the previous snapshot stays complete and in use\./,
      );
      const after = await readSnapshotMetadata(client.db(SNAP));
      expect(after?.generation).toBe(before?.generation);
      expect(after?.status).toBe("complete");
      expect(await snapshotHashes()).toEqual(hashes);
      const failed = await client
        .db(SNAP)
        .collection("snapshot_metadata")
        .findOne({ kind: "generation", status: "failed" });
      expect(String(failed?.error)).toMatch(/The throttle stopped the copy/);
    } finally {
      await release?.();
      await monitor.close();
    }
  });

  it("critical: a restore that the cluster never lets start is stopped before its first write; the previous database stays", async () => {
    const first = await restoreProcess(5, { throttle: "off" }).done;
    expect(first.code, first.stdout).toBe(0);
    const before = { hash: await dataHash(client, "th_pr_5"), meta: await readPrMetadata(client, "th_pr_5") };
    await failProbes(RESTORE_PROBES, 1_500);
    try {
      const run = await restoreProcess(5, {
        "max-latency-ms": 100,
        "critical-latency-ms": 500,
        "critical-seconds": 2,
      }).done;
      expect(run.code).not.toBe(0);
      expect(run.stdout).toMatch(
        /The throttle stopped the copy: probe latency [\d.]+ (ms|s) > critical 500 ms for [\d.]+ s .*Nothing was written: th_pr_5 is as it was\./,
      );
    } finally {
      await failProbes(RESTORE_PROBES, "off");
    }
    expect(await dataHash(client, "th_pr_5")).toBe(before.hash);
    expect(await readPrMetadata(client, "th_pr_5")).toEqual(before.meta);
  });

  it("throttle: off copies exactly as before: no throttle client, no chunks, no pauses", async () => {
    const since = new Date();
    const run = await restoreProcess(6, { throttle: "off", "chunk-mb": "" }).done;
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).not.toMatch(/Throttle/);
    expect(run.summary).not.toContain("#### Throttle");
    expect(run.stdout).toMatch(
      new RegExp(`✓ ${EVENTS}: 12000 documents, \\d+ indexes, [\\d.]+s \\(\\$out\\)`),
    );
    // The server saw the restore's connections, and none of a throttle.
    const apps = await connectedApps(since);
    expect(apps).toContain("pr-snapshots/restore-snapshot");
    expect(apps).not.toContain(RESTORE_PROBES);
    expect(await prHashes("th_pr_6")).toEqual(await snapshotHashes());
  });
});

/** Server-side copies into `database` still running (any run's). */
async function copiesRunning(database: string): Promise<number> {
  const ops = await client
    .db("admin")
    .aggregate([
      { $currentOp: { allUsers: true, idleConnections: false } },
      { $match: { "command.comment": { $regex: `^pr-snapshots copy into ${database}\\.` } } },
    ])
    .toArray();
  return ops.length;
}

/** Application names of the connections the primary accepted since `since` (its in-memory log). */
async function connectedApps(since: Date): Promise<string[]> {
  const { log } = await client.db("admin").command({ getLog: "global" });
  const apps = new Set<string>();
  for (const line of log as string[]) {
    const entry = JSON.parse(line) as { t?: { $date?: string }; msg?: string; attr?: Document };
    if (entry.msg !== "client metadata" || new Date(entry.t?.$date ?? 0) < since) continue;
    const name = entry.attr?.doc?.application?.name;
    if (typeof name === "string") apps.add(name);
  }
  return [...apps];
}

/**
 * Benchmark section `consistency` (issue 24): the producer on a 3-member replica set while
 * production takes a steady write load, point-in-time (change stream + catch-up) against
 * per-collection, on the same data in the same run. Every published snapshot is checked against
 * the shop's invariants (test/support/shop.ts), which hold at every moment in production.
 * Goals: point-in-time ≤ 1.15× the per-collection time, and zero invariant violations.
 */
import os from "node:os";
import { serverCores } from "@pr-snapshots/core/mongo/server";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { startMongo } from "../test/support/mongod";
import { runAction } from "../test/support/run-action";
import { seedShop, shopChange, shopViolations } from "../test/support/shop";
import type { SectionContext } from "./engine";
import { GiB, seedToSize } from "./lib/dataset";
import { compare, fmtS, median, ratio } from "./lib/measure";

const PROD = "pitbench";
const GOAL_RATIO = 1.15;

interface RunFacts {
  contender: string;
  ms: number;
  violations: string[];
  /** Point in time: what the catch-up did, from the job summary. */
  catchUp?: { documents: number; passes: number; seconds: number };
}

/**
 * A steady load of shop transactions, paced to `writesPerSecond` documents written per second by
 * two concurrent writers (on 2 cores, more writers measured slower: 260 writes/s with one, 180
 * with two, 150 with four on an idle 3-member set; two hide a slow commit behind the other).
 */
function startWorkload(client: MongoClient, writesPerSecond: number, writers = 2) {
  let stop = false;
  let writes = 0;
  let failures = 0;
  const started = performance.now();
  const writer = async (w: number) => {
    for (let k = w; !stop; k += writers) {
      // Ahead of the pace: wait until the rate is back at the target.
      const due = (writes / writesPerSecond) * 1000 - (performance.now() - started);
      if (due > 0) {
        await new Promise((r) => setTimeout(r, due));
        continue;
      }
      try {
        writes += await shopChange(client, PROD, k);
      } catch {
        failures++;
      }
    }
  };
  const done = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  return {
    async stop() {
      stop = true;
      await done;
      const seconds = (performance.now() - started) / 1000;
      return { writes, seconds, rate: writes / seconds, failures };
    },
  };
}

export async function consistencySection(
  ctx: SectionContext,
  gib: number,
  writesPerSecond = 200,
): Promise<void> {
  ctx.log(
    `\nPoint-in-time against per-collection snapshots: ${gib} GiB on a 3-member replica set, ~${writesPerSecond} writes/s...`,
  );
  const rs = await startMongo({ kind: "replset", members: 3 });
  const client = new MongoClient(rs.uri);
  await client.connect();
  try {
    const cores = await serverCores(client);
    const data = await seedToSize(client, PROD, gib * GiB);
    // The shop: customers (padded) are copied first, orders and counters later, while it changes.
    await seedShop(client, PROD, { customers: 20_000, orders: 40_000, pad: 1_000 });
    const { apiUrl, token } = await ctx.github();
    const facts: RunFacts[] = [];
    const produce = (contender: string, consistency: string) => async () => {
      const started = performance.now();
      const r = await runAction("trigger-producer", {
        eventName: "workflow_dispatch",
        apiUrl,
        inputs: {
          "github-token": token,
          "mongodb-uri": rs.uri,
          "db-prefix": "pitb",
          "source-database": PROD,
          consistency,
          force: true,
          "grace-seconds": 0,
          retain: 0,
        },
        timeoutMs: 3_600_000,
      });
      const ms = performance.now() - started;
      if (r.code !== 0) throw new Error(`producer (${contender}) failed:\n${r.stdout}`);
      if (r.outputs.consistency !== consistency)
        throw new Error(`producer (${contender}) published a ${r.outputs.consistency} snapshot`);
      const meta = await readSnapshotMetadata(client.db("pitb_snapshot"));
      const violations = await shopViolations(client, "pitb_snapshot", (n) => meta?.physical?.[n] ?? n);
      const m = /The catch-up read (\d+) changed document\(s\) again .* in (\d+) pass\(es\), ([\d.]+) s/.exec(
        r.summary,
      );
      facts.push({
        contender,
        ms,
        violations,
        ...(m ? { catchUp: { documents: Number(m[1]), passes: Number(m[2]), seconds: Number(m[3]) } } : {}),
      });
    };
    // The application's writes wait for the primary only (w: 1), as many do: with w: majority, on
    // one machine, every commit waits for secondaries busy replicating the producer's copies.
    const app = new MongoClient(rs.uri, { writeConcern: { w: 1 } });
    await app.connect();
    const workload = startWorkload(app, writesPerSecond);
    let times: Record<string, number[]>;
    let load: Awaited<ReturnType<typeof workload.stop>>;
    try {
      times = await compare(
        [
          { name: "point-in-time", run: produce("point-in-time", "point-in-time") },
          { name: "per-collection", run: produce("per-collection", "per-collection") },
        ],
        ctx.repeat,
        ctx.log,
      );
    } finally {
      load = await workload.stop();
      await app.close();
    }
    const pit = median(times["point-in-time"] ?? []);
    const per = median(times["per-collection"] ?? []);
    const pitRuns = facts.filter((f) => f.contender === "point-in-time");
    const perRuns = facts.filter((f) => f.contender === "per-collection");
    const pitViolations = pitRuns.reduce((n, f) => n + f.violations.length, 0);
    const perViolations = perRuns.filter((f) => f.violations.length > 0).length;
    const catchUps = pitRuns.flatMap((f) => (f.catchUp ? [f.catchUp] : []));
    const catchUpSeconds = median(catchUps.map((c) => c.seconds));
    const catchUpDocs = median(catchUps.map((c) => c.documents));
    ctx.log(
      `  point-in-time ${fmtS(pit)}, per-collection ${fmtS(per)} (${ratio(pit, per).toFixed(2)}×); ` +
        `load ${load.rate.toFixed(0)} writes/s; catch-up median ${catchUpDocs} documents, ${catchUpSeconds.toFixed(2)} s; ` +
        `invariant violations: point-in-time ${pitViolations}, per-collection ${perViolations} of ${perRuns.length} snapshots`,
    );
    for (const f of perRuns)
      if (f.violations.length) ctx.log(`    per-collection: ${f.violations.join("; ")}`);
    ctx.results.consistency = {
      bytes: data.bytes,
      members: 3,
      machineCores: os.cpus().length,
      serverCores: cores,
      targetWritesPerSecond: writesPerSecond,
      load,
      times,
      runs: facts,
    };
    ctx.md.push(
      [
        `### Point-in-time snapshots (${(data.bytes / GiB).toFixed(3)} GiB + the shop, 3-member replica set on this ${os.cpus().length}-core machine, ${load.rate.toFixed(0)} writes/s during the runs)`,
        "",
        "All three mongods, the write load and the producer share the machine's cores" +
          `${cores ? ` (the server reports ${cores})` : ""}. Each snapshot is checked against the shop's invariants (every order's customer exists, the order counter and total match the orders, the accounts keep their total).`,
        ...(load.rate < 0.8 * writesPerSecond
          ? [
              "",
              `The load reached ${load.rate.toFixed(0)} of the ${writesPerSecond} writes/s asked for (${load.failures} failed transactions; writes acknowledged by the primary, w: 1): the three mongods, the producer and the load saturate this machine's ${os.cpus().length} cores.`,
            ]
          : []),
        "",
        "| producer | median | ratio | snapshots with invariant violations |",
        "| --- | --- | --- | --- |",
        `| per-collection | ${fmtS(per)} | 1.00 | ${perViolations} of ${perRuns.length} |`,
        `| point-in-time (change stream + catch-up) | ${fmtS(pit)} | ${ratio(pit, per).toFixed(2)} | ${pitRuns.filter((f) => f.violations.length).length} of ${pitRuns.length} |`,
        "",
        `The catch-up read a median of ${catchUpDocs} changed documents again in ${catchUpSeconds.toFixed(2)} s ` +
          `(${catchUps.map((c) => `${c.documents} in ${c.passes} pass${c.passes === 1 ? "" : "es"}`).join(", ")}).` +
          (perRuns.some((f) => f.violations.length)
            ? ` Per-collection snapshots broke: ${[...new Set(perRuns.flatMap((f) => f.violations.map((v) => v.replace(/\d+/g, "N"))))].join("; ")}.`
            : ""),
        "",
      ].join("\n"),
    );
    ctx.goals.push({
      goal: `point-in-time producer ≤ ${GOAL_RATIO}× per-collection under ~${writesPerSecond} writes/s (3-member replica set)`,
      value: ratio(pit, per).toFixed(2),
      pass: pit <= GOAL_RATIO * per,
    });
    ctx.goals.push({
      goal: "point-in-time snapshots: zero invariant violations",
      value: String(pitViolations),
      pass: pitViolations === 0 && pitRuns.length > 0,
    });
  } finally {
    await client.close();
    await rs.stop();
  }
}

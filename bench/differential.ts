/**
 * Benchmark section `differential` (issue 25): a full restore against a differential one, into a
 * PR database that already holds the snapshot, at each size, on both topologies:
 *   full  refresh: full, every collection dropped and copied (the restore before this feature);
 *   (a)   the database untouched since the last restore;
 *   (b)   one small collection changed (one document of pmProject updated);
 *   (c)   the largest collection changed (one document of pmStudy updated: same count, so only a
 *         proof can tell, and the text index makes it the slowest copy).
 * On a replica set the change stream proves (a) and (b)'s untouched collections unchanged without
 * reading them; on a standalone server (no change streams) dbHash reads every candidate. The goals
 * (a) ≤ 0.1×, (b) ≤ 0.2×, (c) ≤ 1.05× the full restore are judged on the replica set, the
 * topology of every managed and production deployment; the standalone rows show the dbHash
 * fallback (also what a restore does after an oplog gap) and have no goal.
 * Every run is the bundled action as a process, as users run it.
 */
import os from "node:os";
import { serverCores } from "@pr-snapshots/core/mongo/server";
import { type Document, MongoClient } from "mongodb";
import { type RunningMongo, startMongo } from "../test/support/mongod";
import { runAction } from "../test/support/run-action";
import type { SectionContext } from "./engine";
import { benchSnapshot, GiB, seedToSize } from "./lib/dataset";
import { compare, fmtS, median, ratio } from "./lib/measure";

export const DIFFERENTIAL_GOALS = { a: 0.1, b: 0.2, c: 1.05 } as const;

const CASES = [
  { key: "full", name: "full restore" },
  { key: "a", name: "(a) untouched" },
  { key: "b", name: "(b) one small collection changed" },
  { key: "c", name: "(c) the largest collection changed" },
] as const;

export interface DifferentialPoint {
  topology: "replica set" | "standalone";
  gib: number;
  bytes: number;
  times: Record<string, number[]>;
  ratios: { a: number; b: number; c: number };
}

async function restoreAction(ctx: SectionContext, uri: string, prefix: string, refresh: string) {
  const { apiUrl, token } = await ctx.github();
  const r = await runAction("restore-snapshot", {
    eventName: "workflow_dispatch",
    apiUrl,
    inputs: {
      "github-token": token,
      "mongodb-uri": uri,
      "db-prefix": prefix,
      "pr-number": 1,
      comment: false,
      "wait-timeout-seconds": 0,
      refresh,
    },
    timeoutMs: 3_600_000,
  });
  if (r.code !== 0) throw new Error(`restore-snapshot failed:\n${r.stdout}`);
  const kept = Number(r.outputs["kept-collections"]);
  const copied = Number(r.outputs["copied-collections"]);
  return { kept, copied };
}

async function point(
  ctx: SectionContext,
  mongo: RunningMongo,
  topology: DifferentialPoint["topology"],
  gib: number,
  index: number,
): Promise<DifferentialPoint> {
  const client = new MongoClient(mongo.uri);
  await client.connect();
  const prefix = `diff${index}`;
  const prod = `${prefix}test`;
  const target = `${prefix}_pr_1`;
  try {
    ctx.log(`\nDifferential restore, ${gib} GiB on a ${topology}: seeding ${prod}...`);
    const data = await seedToSize(client, prod, gib * GiB);
    await benchSnapshot(client, prod, `${prefix}_snapshot`);
    await client.db(prod).dropDatabase();
    // The PR database holds the snapshot, as after any restore.
    await restoreAction(ctx, mongo.uri, prefix, "full");
    const edit = (collection: string) =>
      client
        .db(target)
        .collection<Document>(collection)
        .updateOne({}, { $inc: { benchEdits: 1 } })
        .then(() => undefined);
    const expected: Record<string, (r: { kept: number; copied: number }) => boolean> = {
      full: (r) => r.kept === 0,
      a: (r) => r.copied === 0,
      b: (r) => r.copied === 1,
      c: (r) => r.copied === 1,
    };
    const run = (key: string) => async () => {
      const r = await restoreAction(ctx, mongo.uri, prefix, key === "full" ? "full" : "every-sync");
      // A fast run that did not do what the case says would be fast for the wrong reason.
      if (!expected[key]?.(r))
        throw new Error(`case ${key}: ${r.copied} copied, ${r.kept} kept: not what this case measures`);
    };
    const times = await compare(
      CASES.map((c) => ({
        name: c.name,
        ...(c.key === "b" ? { prepare: () => edit("pmProject") } : {}),
        ...(c.key === "c" ? { prepare: () => edit("pmStudy") } : {}),
        run: run(c.key),
      })),
      ctx.repeat,
      ctx.log,
    );
    const full = median(times["full restore"] ?? []);
    const of = (name: string) => ratio(median(times[name] ?? []), full);
    return {
      topology,
      gib,
      bytes: data.bytes,
      times,
      ratios: {
        a: of("(a) untouched"),
        b: of("(b) one small collection changed"),
        c: of("(c) the largest collection changed"),
      },
    };
  } finally {
    for (const db of [prod, `${prefix}_snapshot`, target])
      await client
        .db(db)
        .dropDatabase()
        .catch(() => {});
    await client.close();
  }
}

export async function differentialSection(ctx: SectionContext, sizes: readonly number[]): Promise<void> {
  const runnerCores = os.cpus().length;
  const replset = await startMongo({ kind: "replset" });
  const points: DifferentialPoint[] = [];
  let serverCoreCount: number | undefined;
  try {
    serverCoreCount = await serverCores(ctx.client);
    ctx.log(
      `\nDifferential restore: ${runnerCores} cores on this machine (server: ${serverCoreCount ?? "unknown"}); a single-member replica set and the standalone server`,
    );
    for (const [i, gib] of sizes.entries()) {
      points.push(await point(ctx, replset, "replica set", gib, i * 2));
      points.push(await point(ctx, ctx.mongo, "standalone", gib, i * 2 + 1));
    }
  } finally {
    await replset.stop();
  }
  ctx.results.differential = { cores: runnerCores, serverCores: serverCoreCount, points };
  const rows = points.map((p) => {
    const m = (name: string) => fmtS(median(p.times[name] ?? []));
    return `| ${p.gib} GiB (${(p.bytes / GiB).toFixed(3)}) | ${p.topology} | ${m("full restore")} | ${m("(a) untouched")} (${p.ratios.a.toFixed(2)}×) | ${m("(b) one small collection changed")} (${p.ratios.b.toFixed(2)}×) | ${m("(c) the largest collection changed")} (${p.ratios.c.toFixed(2)}×) |`;
  });
  for (const p of points) {
    if (p.topology !== "replica set") continue;
    for (const k of ["a", "b", "c"] as const) {
      const label = {
        a: "untouched",
        b: "one small collection changed",
        c: "the largest collection changed",
      }[k];
      ctx.goals.push({
        goal: `differential restore at ${p.gib} GiB, (${k}) ${label}: ≤ ${DIFFERENTIAL_GOALS[k]}× the full restore (replica set, ${runnerCores} cores)`,
        value: p.ratios[k].toFixed(2),
        pass: p.ratios[k] <= DIFFERENTIAL_GOALS[k],
      });
    }
  }
  ctx.md.push(
    [
      `### Differential restore (${runnerCores} cores)`,
      "",
      "Into a PR database that holds the snapshot: a full restore (`refresh: full`) against a differential one when the database is (a) untouched, (b) one small collection changed (one document of pmProject), (c) the largest changed (one document of pmStudy, whose copy includes its text index). " +
        `Bundled action as a process, median of ${ctx.repeat}, cases alternating. Goals on the replica set: (a) ≤ ${DIFFERENTIAL_GOALS.a}×, (b) ≤ ${DIFFERENTIAL_GOALS.b}×, (c) ≤ ${DIFFERENTIAL_GOALS.c}×. ` +
        "The standalone server has no change streams, so every candidate is read by dbHash (the fallback; no goal).",
      "",
      "| data | topology | full | (a) untouched | (b) small changed | (c) largest changed |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
}

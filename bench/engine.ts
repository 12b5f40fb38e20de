/**
 * Benchmark sections of the copy engine v2 and of masked and subset snapshots (issues 11, 12):
 * - engine:  restore and producer against the previous engine (the bundles of commit V1_COMMIT),
 *            at each size, in the same run;
 * - methods: one large collection with its indexes (one of them text) copied by each method;
 * - stream:  documents streamed between two mongods against $out inside one (throughput);
 * - masking: the masked producer against the unmasked one on the same data;
 * - subset:  restoring a 10 % subset against restoring everything.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { mapLargestFirst } from "@pr-snapshots/core/concurrency";
import { type CopyEnv, copyCollection } from "@pr-snapshots/core/copy/engine";
import type { CopyMethodSetting } from "@pr-snapshots/core/copy/methods";
import { silentLog } from "@pr-snapshots/core/log";
import { serverCores } from "@pr-snapshots/core/mongo/server";
import { indexSpecsFor, readCollectionSpec, readCollectionSpecs } from "@pr-snapshots/core/mongo/specs";
import { targetPolicy } from "@pr-snapshots/core/names";
import { dataSize } from "@pr-snapshots/core/snapshot/restore";
import { type Document, MongoClient } from "mongodb";
import { type RunningMongo, repoRoot, startMongo } from "../test/support/mongod";
import { runAction } from "../test/support/run-action";
import { SAMPLE_COLLECTIONS, SAMPLE_MASKING_CONFIG } from "../test/support/sample-data";
import { GiB, seedToSize } from "./lib/dataset";
import { compare, fmtS, median, ratio } from "./lib/measure";

/** The last commit of the first engine: its committed bundles are the baseline. */
export const V1_COMMIT = "beb6c68758cebe4c4e8ce7e9f951d4f95a555511";

export interface Goal {
  goal: string;
  value: string;
  pass: boolean;
}

export interface SectionContext {
  client: MongoClient;
  mongo: RunningMongo;
  repeat: number;
  log: (line?: string) => void;
  github: () => Promise<{ apiUrl: string; token: string }>;
  md: string[];
  goals: Goal[];
  results: Record<string, unknown>;
}

const drop = (client: MongoClient, db: string) =>
  client
    .db(db)
    .dropDatabase()
    .then(() => undefined);

/** The previous engine's bundles, extracted from git once; undefined when the history is not there. */
function v1Bundles(log: (line: string) => void): { restore: string; produce: string } | undefined {
  const dir = path.join(repoRoot, ".cache/bench/v1");
  const restore = path.join(dir, "actions/restore-snapshot/dist/index.js");
  const produce = path.join(dir, "actions/trigger-producer/dist/index.js");
  if (!existsSync(restore) || !existsSync(produce)) {
    try {
      mkdirSync(dir, { recursive: true });
      const tar = execFileSync(
        "git",
        ["archive", V1_COMMIT, "actions/restore-snapshot/dist", "actions/trigger-producer/dist"],
        { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 },
      );
      execFileSync("tar", ["-x", "-C", dir], { input: tar });
    } catch (error) {
      log(
        `  (no baseline: commit ${V1_COMMIT.slice(0, 7)} is not in this clone: ${(error as Error).message.split("\n")[0]})`,
      );
      return undefined;
    }
  }
  return { restore, produce };
}

/**
 * A checked-out workspace with a config file: the engines are compared on their copies, not on
 * how they find the config (the first engine had no contents API lookup).
 */
function workspaceWith(config: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-workspace-"));
  mkdirSync(path.join(dir, ".github"));
  writeFileSync(path.join(dir, ".github/pr-snapshots.yml"), config);
  return dir;
}

async function restoreWith(
  ctx: SectionContext,
  entry: string | undefined,
  prefix: string,
  pr: number,
  workspace?: string,
) {
  const { apiUrl, token } = await ctx.github();
  const r = await runAction("restore-snapshot", {
    eventName: "workflow_dispatch",
    apiUrl,
    ...(entry ? { entry } : {}),
    ...(workspace ? { workspace } : {}),
    inputs: {
      "github-token": token,
      "mongodb-uri": ctx.mongo.uri,
      "db-prefix": prefix,
      "pr-number": pr,
      comment: false,
      "wait-timeout-seconds": 0,
    },
    timeoutMs: 3_600_000,
  });
  if (r.code !== 0) throw new Error(`restore failed:\n${r.stdout}`);
}

async function produceWith(
  ctx: SectionContext,
  entry: string | undefined,
  prefix: string,
  source: string,
  extra: { inputs?: Record<string, string | number | boolean>; workspace?: string } = {},
) {
  const { apiUrl, token } = await ctx.github();
  const r = await runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl,
    ...(entry ? { entry } : {}),
    ...(extra.workspace ? { workspace: extra.workspace } : {}),
    inputs: {
      "github-token": token,
      "mongodb-uri": ctx.mongo.uri,
      "db-prefix": prefix,
      "source-database": source,
      force: true,
      "grace-seconds": 0,
      retain: 0,
      ...extra.inputs,
    },
    timeoutMs: 3_600_000,
  });
  if (r.code !== 0) throw new Error(`producer failed:\n${r.stdout}`);
}

/** Restore and producer, ours against the previous engine, at each size. */
export async function engineSection(ctx: SectionContext, sizes: readonly number[]): Promise<void> {
  const v1 = v1Bundles(ctx.log);
  if (!v1) return;
  const rows: string[] = [];
  const out: Record<string, unknown> = {};
  const checkout = workspaceWith("{}\n");
  for (const [i, gib] of sizes.entries()) {
    const prod = `eng${i}test`;
    ctx.log(`\nEngine v2 against the previous engine, ${gib} GiB: seeding ${prod}...`);
    const data = await seedToSize(ctx.client, prod, gib * GiB);
    await drop(ctx.client, `eng${i}_snapshot`);
    await produceWith(ctx, undefined, `eng${i}`, prod);
    const restore = await compare(
      [
        {
          name: "pr-snapshots",
          prepare: () => drop(ctx.client, `eng${i}_pr_1`),
          run: () => restoreWith(ctx, undefined, `eng${i}`, 1, checkout),
        },
        {
          name: "previous engine",
          prepare: () => drop(ctx.client, `eng${i}_pr_2`),
          run: () => restoreWith(ctx, v1.restore, `eng${i}`, 2, checkout),
        },
      ],
      ctx.repeat,
      ctx.log,
    );
    const produce = await compare(
      [
        {
          name: "pr-snapshots",
          prepare: () => drop(ctx.client, `engp${i}_snapshot`),
          run: () => produceWith(ctx, undefined, `engp${i}`, prod, { workspace: checkout }),
        },
        {
          name: "previous engine",
          prepare: () => drop(ctx.client, `engp${i}_snapshot`),
          run: () => produceWith(ctx, v1.produce, `engp${i}`, prod, { workspace: checkout }),
        },
      ],
      ctx.repeat,
      ctx.log,
    );
    for (const [what, times] of [
      ["restore", restore],
      ["producer", produce],
    ] as const) {
      const ours = median(times["pr-snapshots"] ?? []);
      const before = median(times["previous engine"] ?? []);
      rows.push(
        `| ${what} | ${gib} GiB (${(data.bytes / GiB).toFixed(3)}) | ${fmtS(ours)} | ${fmtS(before)} | ${ratio(ours, before).toFixed(2)} |`,
      );
      ctx.goals.push({
        goal: `${what} at ${gib} GiB ≤ 1.0× the previous engine (same run)`,
        value: ratio(ours, before).toFixed(2),
        pass: ours <= before,
      });
    }
    out[`${gib}`] = { bytes: data.bytes, restore, producer: produce };
    for (const db of [prod, `eng${i}_snapshot`, `engp${i}_snapshot`, `eng${i}_pr_1`, `eng${i}_pr_2`])
      await drop(ctx.client, db);
  }
  ctx.results.engine = out;
  ctx.md.push(
    [
      "### Copy engine v2 against the previous engine",
      "",
      `The bundled actions of this commit against those of ${V1_COMMIT.slice(0, 7)} (the first engine), alternating, median of ${ctx.repeat}.`,
      "",
      "| what | data | pr-snapshots | previous engine | ratio |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n"),
  );
}

/** The engine's own copy of one collection, or a raw variant the engine does not use, timed end to end. */
async function copyTimed(
  ctx: SectionContext,
  env: Partial<CopyEnv> & { method: CopyMethodSetting },
  from: { db: string; collection: string },
  to: { db: string; collection: string },
  target: MongoClient = ctx.client,
  withoutIndexes = false,
) {
  const spec = await readCollectionSpec(ctx.client.db(from.db), from.collection);
  if (!spec) throw new Error(`no ${from.db}.${from.collection}`);
  const bytes = await dataSize(ctx.client.db(from.db), from.collection);
  const documents = await ctx.client.db(from.db).collection(from.collection).estimatedDocumentCount();
  return copyCollection(
    {
      source: ctx.client,
      target,
      sameDeployment: target === ctx.client,
      policy: targetPolicy({ prefix: "bench", allowedTargets: [".*"] }),
      log: silentLog,
      tag: "bench",
      timeseriesOut: false,
      concurrency: 4,
      rangeThresholdBytes: 0,
      ...env,
    } as CopyEnv,
    {
      source: from,
      target: to,
      spec: { ...spec, name: to.collection, ...(withoutIndexes ? { indexes: [] } : {}) },
      bytes,
      documents,
    },
  );
}

/** One large collection with its indexes (one of them text), copied by each method. */
export async function methodsSection(ctx: SectionContext, gib: number): Promise<void> {
  ctx.log(`\nOne large collection by each method: seeding ~${gib} GiB...`);
  await seedToSize(ctx.client, "mtest", gib * GiB * 1.08);
  const coll = "pmStudy";
  const bytes = await dataSize(ctx.client.db("mtest"), coll);
  const spec = await readCollectionSpec(ctx.client.db("mtest"), coll);
  const indexes = indexSpecsFor(spec ?? { name: coll, type: "collection", options: {}, indexes: [] });
  const cores = (await serverCores(ctx.client)) ?? 0;
  const k = Math.max(2, Math.round(cores / 2), cores >= 4 ? 0 : 2);
  ctx.log(
    `  ${coll}: ${(bytes / GiB).toFixed(3)} GiB, ${indexes.length} secondary indexes (${indexes.map((i) => i.name).join(", ")}); server cores (hostInfo): ${cores}; ranges: ${k}`,
  );
  const target = (n: number) => ({ db: `mtarget${n}`, collection: coll });
  const source = { db: "mtest", collection: coll };
  const rangesOf = async (n: number) => {
    const { splitById } = await import("@pr-snapshots/core/copy/ranges");
    return splitById(ctx.client.db("mtest").collection(coll), n);
  };
  const mergeRanges = async (to: { db: string; collection: string }) => {
    const { rangeMatch } = await import("@pr-snapshots/core/copy/ranges");
    const ranges = await rangesOf(k);
    await Promise.all(
      ranges.map((r) =>
        ctx.client
          .db("mtest")
          .collection(coll)
          .aggregate([
            ...(rangeMatch(r) ? [rangeMatch(r) as Document] : []),
            {
              $merge: {
                into: { db: to.db, coll: to.collection },
                on: "_id",
                whenMatched: "fail",
                whenNotMatched: "insert",
              },
            },
          ])
          .toArray(),
      ),
    );
  };
  const contenders = [
    {
      name: "$out, then indexes",
      run: () => copyTimed(ctx, { method: "out" }, source, target(1)).then(() => undefined),
    },
    {
      name: "$out into the indexed collection",
      run: async () => {
        await ctx.client.db("mtarget2").createCollection(coll);
        await ctx.client.db("mtarget2").command({ createIndexes: coll, indexes });
        await ctx.client
          .db("mtest")
          .collection(coll)
          .aggregate([{ $out: { db: "mtarget2", coll } }])
          .toArray();
      },
    },
    {
      name: `${k} × $merge, then indexes`,
      run: async () => {
        await ctx.client.db("mtarget3").createCollection(coll);
        await mergeRanges(target(3));
        await ctx.client.db("mtarget3").command({ createIndexes: coll, indexes });
      },
    },
    {
      name: `indexes, then ${k} × $merge (ranges)`,
      run: () => copyTimed(ctx, { method: "ranges", cores: k * 2 }, source, target(4)).then(() => undefined),
    },
    {
      name: "stream ×4 (through this process)",
      run: () => copyTimed(ctx, { method: "stream" }, source, target(5)).then(() => undefined),
    },
  ];
  const times = await compare(
    contenders.map((c, i) => ({
      name: c.name,
      prepare: () => drop(ctx.client, `mtarget${i + 1}`),
      run: c.run,
    })),
    ctx.repeat,
    ctx.log,
  );
  const base = median(times["$out, then indexes"] ?? []);
  ctx.results.methods = { bytes, cores, ranges: k, indexes: indexes.map((i) => i.name), times };
  ctx.md.push(
    [
      `### One large collection by each method (${(bytes / GiB).toFixed(2)} GiB, ${indexes.length} secondary indexes incl. text; server: ${cores} cores)`,
      "",
      "| method | median | vs $out then indexes |",
      "| --- | --- | --- |",
      ...contenders.map((c) => {
        const m = median(times[c.name] ?? []);
        return `| ${c.name} | ${fmtS(m)} | ${ratio(m, base).toFixed(2)} |`;
      }),
      "",
      `With ${cores} cores the single-threaded text index build bounds every method; the engine's \`auto\` uses ranges only on servers with at least 3 cores (measured on 16 cores: 8 ranges 14.5–16 s against 32–39 s for $out then indexes, 1 GiB).`,
      "",
    ].join("\n"),
  );
  for (let i = 1; i <= contenders.length; i++) await drop(ctx.client, `mtarget${i}`);
  await drop(ctx.client, "mtest");
}

/** Documents streamed between two mongods against $out inside one: throughput, indexes left out. */
export async function streamSection(ctx: SectionContext, gib: number): Promise<void> {
  ctx.log(`\nStream between two mongods against $out inside one, ${gib} GiB...`);
  const other = await startMongo();
  const otherClient = new MongoClient(other.uri);
  await otherClient.connect();
  try {
    const data = await seedToSize(ctx.client, "stest", gib * GiB);
    const names = (await readCollectionSpecs(ctx.client.db("stest")))
      .filter((s) => s.type === "collection")
      .map((s) => s.name);
    const sizes = new Map(
      await Promise.all(names.map(async (n) => [n, await dataSize(ctx.client.db("stest"), n)] as const)),
    );
    const all = (target: MongoClient, method: CopyMethodSetting) => async () => {
      await mapLargestFirst(
        names,
        (n) => sizes.get(n) ?? 0,
        4,
        (n) =>
          copyTimed(
            ctx,
            { method },
            { db: "stest", collection: n },
            { db: "starget", collection: n },
            target,
            true,
          ),
      );
    };
    const times = await compare(
      [
        {
          name: "$out inside one mongod",
          prepare: () => drop(ctx.client, "starget"),
          run: all(ctx.client, "out"),
        },
        {
          name: "stream between two mongods",
          prepare: () => drop(otherClient, "starget"),
          run: all(otherClient, "auto"),
        },
      ],
      ctx.repeat,
      ctx.log,
    );
    const mbps = (name: string) => data.bytes / 2 ** 20 / (median(times[name] ?? []) / 1000);
    const out = mbps("$out inside one mongod");
    const stream = mbps("stream between two mongods");
    ctx.results.stream = { bytes: data.bytes, times, mbps: { out, stream } };
    ctx.md.push(
      [
        `### Stream between two mongods against $out inside one (${(data.bytes / GiB).toFixed(3)} GiB, 11 collections, documents only)`,
        "",
        "| contender | median | throughput |",
        "| --- | --- | --- |",
        `| $out inside one mongod | ${fmtS(median(times["$out inside one mongod"] ?? []))} | ${out.toFixed(0)} MB/s |`,
        `| stream between two mongods (raw BSON through this process) | ${fmtS(median(times["stream between two mongods"] ?? []))} | ${stream.toFixed(0)} MB/s (${(stream / out).toFixed(2)}×) |`,
        "",
        "Both mongods and this process share the machine's cores.",
        "",
      ].join("\n"),
    );
    ctx.goals.push({
      goal: "stream between two mongods ≥ 0.6× the $out throughput",
      value: (stream / out).toFixed(2),
      pass: stream >= 0.6 * out,
    });
    await drop(ctx.client, "stest");
    await drop(ctx.client, "starget");
  } finally {
    await otherClient.close();
    await other.stop();
  }
}

/** The masked producer against the unmasked one on the same data: 5 fields in 3 collections. */
export async function maskingSection(ctx: SectionContext, gib: number): Promise<void> {
  ctx.log(`\nMasked producer against the unmasked one, ${gib} GiB...`);
  const data = await seedToSize(ctx.client, "masktest", gib * GiB);
  const workspace = workspaceWith(SAMPLE_MASKING_CONFIG);
  const plain = workspaceWith("{}\n");
  const times = await compare(
    [
      {
        name: "unmasked",
        prepare: () => drop(ctx.client, "maskp_snapshot"),
        run: () => produceWith(ctx, undefined, "maskp", "masktest", { workspace: plain }),
      },
      {
        name: "masked (5 fields, 3 collections)",
        prepare: () => drop(ctx.client, "maskm_snapshot"),
        run: () =>
          produceWith(ctx, undefined, "maskm", "masktest", {
            workspace,
            inputs: { "mask-salt": "bench-salt-0123456789abcdef" },
          }),
      },
    ],
    ctx.repeat,
    ctx.log,
  );
  const plainMs = median(times.unmasked ?? []);
  const maskedMs = median(times["masked (5 fields, 3 collections)"] ?? []);
  ctx.results.masking = { bytes: data.bytes, times };
  ctx.md.push(
    [
      `### Masked producer (${(data.bytes / GiB).toFixed(3)} GiB; email, first and last name in pmInvestigator, pmInvestigatorEmail._id, pmStudy.authors.name)`,
      "",
      "| contender | median | ratio |",
      "| --- | --- | --- |",
      `| unmasked producer | ${fmtS(plainMs)} | 1.00 |`,
      `| masked producer (rules in the pipeline, verified against production before publishing) | ${fmtS(maskedMs)} | ${ratio(maskedMs, plainMs).toFixed(2)} |`,
      "",
    ].join("\n"),
  );
  ctx.goals.push({
    goal: "masked producer ≤ 1.3× the unmasked producer",
    value: ratio(maskedMs, plainMs).toFixed(2),
    pass: maskedMs <= 1.3 * plainMs,
  });
  for (const db of ["masktest", "maskp_snapshot", "maskm_snapshot"]) await drop(ctx.client, db);
}

/** Restoring a 10 % subset against restoring everything, from the same production. */
export async function subsetSection(ctx: SectionContext, gib: number): Promise<void> {
  ctx.log(`\nRestore of a 10 % subset against the full restore, ${gib} GiB...`);
  const data = await seedToSize(ctx.client, "subtest", gib * GiB);
  const workspace = workspaceWith(
    `subset:\n${SAMPLE_COLLECTIONS.map((c) => `  ${c}: { sample: 0.1 }`).join("\n")}\n`,
  );
  await produceWith(ctx, undefined, "full", "subtest");
  await produceWith(ctx, undefined, "part", "subtest", { workspace });
  const times = await compare(
    [
      {
        name: "full",
        prepare: () => drop(ctx.client, "full_pr_1"),
        run: () => restoreWith(ctx, undefined, "full", 1),
      },
      {
        name: "10 % subset",
        prepare: () => drop(ctx.client, "part_pr_1"),
        run: () => restoreWith(ctx, undefined, "part", 1),
      },
    ],
    ctx.repeat,
    ctx.log,
  );
  const full = median(times.full ?? []);
  const part = median(times["10 % subset"] ?? []);
  const kept = await ctx.client
    .db("part_pr_1")
    .command({ dbStats: 1 })
    .catch(() => ({ objects: 0 }));
  ctx.results.subset = { bytes: data.bytes, times };
  ctx.md.push(
    [
      `### Restore of a 10 % subset (sample: 0.1 on every collection of ${(data.bytes / GiB).toFixed(3)} GiB)`,
      "",
      "| restore | median | ratio |",
      "| --- | --- | --- |",
      `| full snapshot (${data.documents} documents) | ${fmtS(full)} | 1.00 |`,
      `| 10 % subset (about ${Math.round(Number(kept.objects ?? 0))} documents) | ${fmtS(part)} | ${ratio(part, full).toFixed(2)} |`,
      "",
    ].join("\n"),
  );
  ctx.goals.push({
    goal: "restore of a 10 % subset ≤ 0.25× the full restore",
    value: ratio(part, full).toFixed(2),
    pass: part <= 0.25 * full,
  });
  for (const db of ["subtest", "full_snapshot", "part_snapshot", "full_pr_1", "part_pr_1"])
    await drop(ctx.client, db);
}

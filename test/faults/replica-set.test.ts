import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { type Document, MongoClient } from "mongodb";
import type { MongoMemoryServer } from "mongodb-memory-server-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitCheckout } from "../support/git-workspace";
import { dbHash, type RunningMongo, startMongo } from "../support/mongod";
import { type ActionRun, type StartedAction, startAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

/**
 * Faults on a real 3-member replica set, started once for the file: a step-down in the middle of
 * a snapshot, the primary killed with SIGKILL in the middle of a restore, and a restore process
 * killed with `kill -9` (its server-side copies still running). Each converges to a complete,
 * byte-identical database, and nothing is marked complete before it is.
 */
const EVENTS = "events";
let rs: RunningMongo;
let client: MongoClient;
let prodHash: Record<string, string>;

beforeAll(async () => {
  rs = await startMongo({ kind: "replset", members: 3, electionTimeoutMillis: 2_000 });
  client = new MongoClient(rs.uri);
  await client.connect();
  await seedProduction(client, "rf_prod");
  // ~24 MB in 24,000 documents: copied in 4 MB chunks, so a fault lands between or inside chunks.
  const events = client.db("rf_prod").collection<Document>(EVENTS);
  for (let b = 0; b < 6; b++)
    await events.insertMany(
      Array.from(
        { length: 4_000 },
        (_, i) => ({ _id: b * 4_000 + i, n: i, pad: "e".repeat(1_000) }) as Document,
      ),
    );
  prodHash = (await dbHash(client, "rf_prod")).collections;
}, 240_000);

afterAll(async () => {
  await client?.close();
  await rs?.stop().catch(() => {});
});

/** A checkout at the workflow's commit with the config file on disk (no GitHub API needed). */
const checkout = gitCheckout({ ".github/pr-snapshots.yml": "dbPrefix: rf\n" });
const CHUNK_MB = 4;
const LEASE_SECONDS = 4;

function produce(): StartedAction {
  return startAction("trigger-producer", {
    eventName: "workflow_dispatch",
    workspace: checkout.dir,
    sha: checkout.sha,
    timeoutMs: 180_000,
    inputs: {
      "mongodb-uri": rs.uri,
      "db-prefix": "rf",
      "source-database": "rf_prod",
      "chunk-mb": CHUNK_MB,
      "lease-seconds": 10,
      "allow-privileged-credentials": true,
    },
  });
}

function restore(pr: number): StartedAction {
  return startAction("restore-snapshot", {
    eventName: "workflow_dispatch",
    workspace: checkout.dir,
    sha: checkout.sha,
    timeoutMs: 180_000,
    inputs: {
      "mongodb-uri": rs.uri,
      "db-prefix": "rf",
      "pr-number": pr,
      comment: false,
      "poll-interval-seconds": 1,
      "wait-timeout-seconds": 60,
      "chunk-mb": CHUNK_MB,
      "lease-seconds": LEASE_SECONDS,
      "allow-privileged-credentials": true,
    },
  });
}

/** Waits until `events` has documents in `db.coll` (copying has begun) while `run` is still running. */
async function midCopy(run: StartedAction, db: string, coll: () => Promise<string | undefined>) {
  let exited = false;
  void run.done.then(() => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`The run finished before the fault could be injected:\n${run.stdout()}`);
    const name = await coll();
    if (name && (await client.db(db).collection(name).estimatedDocumentCount()) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function primary(): Promise<{ server: MongoMemoryServer; port: number }> {
  for (;;) {
    const hello = await client.db("admin").command({ hello: 1 });
    const port = Number(String(hello.primary ?? "").split(":")[1]);
    const server = rs.replSet?.servers.find((s) => s.instanceInfo?.port === port);
    if (server) return { server, port };
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The first run, whatever the fault did to it, then as many again (at most two) as it takes to converge. */
async function converge(first: ActionRun, again: () => StartedAction): Promise<ActionRun[]> {
  const runs = [first];
  while (runs.at(-1)?.code !== 0 && runs.length < 3) runs.push(await again().done);
  return runs;
}

describe("3-member replica set: faults in the middle of a copy", { timeout: 240_000 }, () => {
  it("a step-down in the middle of a snapshot: the published snapshot is complete and byte-identical", async () => {
    const run = produce();
    await midCopy(run, "rf_snapshot", async () => {
      const gen = await client
        .db("rf_snapshot")
        .collection("snapshot_metadata")
        .findOne({ kind: "generation", status: "writing" });
      return (gen?.physical as string[] | undefined)?.find((p) => p.endsWith(`.${EVENTS}`));
    });
    const { port } = await primary();
    const direct = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`);
    await direct
      .db("admin")
      .command({ replSetStepDown: 10, secondaryCatchUpPeriodSecs: 5, force: true })
      .catch(() => {});
    await direct.close();
    const first = await run.done;
    if (first.code !== 0) {
      // A failed run publishes nothing: there was no snapshot before it.
      expect((await readSnapshotMetadata(client.db("rf_snapshot")))?.status).not.toBe("complete");
    }
    const runs = await converge(first, produce);
    expect(runs.at(-1)?.code, runs.map((r) => r.stdout).join("\n----\n")).toBe(0);
    const meta = await readSnapshotMetadata(client.db("rf_snapshot"));
    expect(meta?.status).toBe("complete");
    const snap = (await dbHash(client, "rf_snapshot")).collections;
    for (const [name, physical] of Object.entries(meta?.physical ?? {}))
      expect(snap[physical], name).toBe(prodHash[name]);
  });

  it("kill -9 of a restore mid-copy: never marked complete; the next run stops its leftovers and converges", async () => {
    await ensureSnapshot();
    const run = restore(1);
    await midCopy(run, "rf_pr_1", async () => EVENTS);
    run.child.kill("SIGKILL");
    const killed = await run.done;
    expect(killed.code).not.toBe(0);
    const record = await readPrMetadata(client, "rf_pr_1");
    expect(record?.status).toBe("restoring");
    const runs = await converge(await restore(1).done, () => restore(1));
    expect(runs.at(-1)?.code, runs.map((r) => r.stdout).join("\n----\n")).toBe(0);
    expect((await readPrMetadata(client, "rf_pr_1"))?.status).toBe("complete");
    await expectProduction("rf_pr_1");
  });

  it("the primary killed with SIGKILL mid-restore: a new primary is elected and the restore converges", async () => {
    await ensureSnapshot();
    const run = restore(2);
    await midCopy(run, "rf_pr_2", async () => EVENTS);
    const { server } = await primary();
    server.instanceInfo?.instance.mongodProcess?.kill("SIGKILL");
    const first = await run.done;
    if (first.code !== 0) expect((await readPrMetadata(client, "rf_pr_2"))?.status).not.toBe("complete");
    const runs = await converge(first, () => restore(2));
    expect(runs.at(-1)?.code, runs.map((r) => r.stdout).join("\n----\n")).toBe(0);
    expect((await readPrMetadata(client, "rf_pr_2"))?.status).toBe("complete");
    await expectProduction("rf_pr_2");
  });
});

/** A complete snapshot to restore (the first test publishes one; alone, a test makes its own). */
async function ensureSnapshot(): Promise<void> {
  if ((await readSnapshotMetadata(client.db("rf_snapshot")))?.status === "complete") return;
  const r = await produce().done;
  expect(r.code, r.stdout).toBe(0);
}

/** Every collection of the PR database is production's, byte for byte (the snapshot is unmasked). */
async function expectProduction(database: string): Promise<void> {
  const got = (await dbHash(client, database)).collections;
  for (const [name, hash] of Object.entries(prodHash))
    if (!name.startsWith("system.")) expect(got[name], name).toBe(hash);
}

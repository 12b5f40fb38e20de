import { createHash, randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { kindOf, runKeyOf } from "../../packages/core/src/github/comments";
import { pullRequestEvent } from "../support/events";
import { GitHubStandIn, type LabelEvent, SECONDARY_RATE_LIMIT_BODY } from "../support/github-stand-in";
import { dataHash, type RunningMongo, startMongo } from "../support/mongod";
import { type ActionRun, runAction } from "../support/run-action";
import { mulberry32 } from "../support/sample-data";

/**
 * enforce-lock as the runner runs it: the bundled dist/index.js as a child process, against the
 * GitHub stand-in and a real mongod. Every test uses its own database prefix and PR numbers
 * (the mongod is shared with other test files running at the same time).
 */

const P = "preview";
const U = "use-snapshot";
const L = "persist-db";
const SNAPSHOT_TAKEN = new Date("2026-11-22T03:00:00Z");

const uri = inject("mongoStandaloneUri");
let gh: GitHubStandIn;
let mongo: MongoClient;
let prefix: string;
let nextPr = 100;
const prefixes: string[] = [];
/** GitHub API requests per label-event row on a first attempt, for the report at the end. */
const requestCounts = new Map<string, number>();

beforeAll(async () => {
  gh = await GitHubStandIn.start();
  mongo = new MongoClient(uri);
  await mongo.connect();
});

afterAll(async () => {
  await gh?.stop();
  if (mongo) {
    const { databases } = await mongo.db("admin").admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (prefixes.some((p) => name.startsWith(`${p}_`))) await mongo.db(name).dropDatabase();
    }
    await mongo.close();
  }
  console.log(
    `[enforce-lock] GitHub API requests per label event (first attempt):\n${[...requestCounts]
      .map(([row, n]) => `  ${n}  ${row}`)
      .join("\n")}`,
  );
});

beforeEach(() => {
  gh.restore();
  gh.clearRequests();
  prefix = `el${randomBytes(4).toString("hex")}`;
  prefixes.push(prefix);
});

const pr = () => nextPr++;
const dbName = (n: number, p = prefix) => `${p}_pr_${n}`;

interface EnforceOptions {
  inputs?: Record<string, string | undefined>;
  runId?: number;
  runAttempt?: number;
  workspace?: string;
  token?: string;
  /** Run without mongodb-uri. */
  noMongo?: boolean;
}

/**
 * enforce-lock as pr-preview.yml runs it: after detect-labels, whose config-sha output it gets.
 * "none" (the base commit has no config file) unless a test says otherwise, so the request
 * counts below are those of a real label event; test/actions/config-source.test.ts covers the rest.
 */
function enforce(event: Record<string, unknown>, o: EnforceOptions = {}): Promise<ActionRun> {
  return runAction("enforce-lock", {
    event,
    apiUrl: gh.url,
    ...(o.runId !== undefined ? { runId: o.runId } : {}),
    ...(o.runAttempt !== undefined ? { runAttempt: o.runAttempt } : {}),
    ...(o.workspace ? { workspace: o.workspace } : {}),
    inputs: {
      "github-token": o.token ?? gh.defaultToken,
      "config-sha": "none",
      "db-prefix": prefix,
      ...(o.noMongo ? {} : { "mongodb-uri": uri }),
      ...o.inputs,
    },
  });
}

type Kind = "snapshot" | "seed" | "restoring";

/** A PR database as restore-snapshot leaves it (snapshot), as the application seeds it (seed), or mid-restore. */
async function seedDatabase(database: string, kind: Kind): Promise<void> {
  const db = mongo.db(database);
  await db.collection("projects").insertMany([
    { name: "Alpha", members: 3 },
    { name: "Beta", members: 5 },
  ]);
  if (kind === "seed") return;
  await db.collection("snapshot_metadata").insertOne({
    _id: "latest" as never,
    source: "snapshot",
    status: kind === "restoring" ? "restoring" : "complete",
    snapshotTimestamp: SNAPSHOT_TAKEN,
    restoredAt: new Date(),
    collections: ["projects"],
    counts: { projects: 2 },
  });
}

async function exists(database: string): Promise<boolean> {
  return (await mongo.db(database).listCollections({}, { nameOnly: true }).toArray()).length > 0;
}

/**
 * The data and the restore's `latest` record: what a lock protects. The lock record that
 * enforce-lock keeps beside them is bookkeeping (tested on its own below).
 */
const hash = async (database: string) =>
  `${await dataHash(mongo, database)} ${JSON.stringify(
    await mongo.db(database).collection<{ _id: string }>("snapshot_metadata").findOne({ _id: "latest" }),
  )}`;

function openPr(labels: string[], more: { state?: "open" | "closed" } = {}): number {
  const number = pr();
  gh.addPullRequest({ number, labels, ...more });
  return number;
}

/** An event as GitHub sends it; `labels` in the payload default to the live ones at this moment. */
function event(
  action: string,
  number: number,
  more: { label?: string; labels?: string[]; sender?: { login: string; type?: "User" | "Bot" } } = {},
) {
  const live = gh.pull(number);
  return pullRequestEvent({
    action,
    number,
    baseSha: live.baseSha,
    state: live.state,
    labels: more.labels ?? [...live.labels],
    ...(more.label ? { label: more.label } : {}),
    ...(more.sender ? { sender: more.sender } : {}),
  });
}

function expectOk(r: ActionRun): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.errors).toEqual([]);
}

/** Requests that change something (the GraphQL identity query is a read). */
function writes(): string[] {
  return gh.calls().filter((c) => !c.startsWith("GET ") && c !== "POST /graphql");
}

function countRequests(row: string): number {
  const n = gh.requests.length;
  requestCounts.set(row, Math.max(requestCounts.get(row) ?? 0, n));
  return n;
}

describe("CONTRACT §3, row by row", () => {
  it("labeled use-snapshot under the lock: label removed, comment explains, database untouched", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    const r = await enforce(event("labeled", n, { label: U, labels: [P, L, U] }));
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "none",
      "label-reverted": "true",
      "label-change": `-${U}`,
      locked: "true",
      database: dbName(n),
      "comment-kind": "snapshot-add-blocked",
      initialized: "true",
      "db-executed": "false",
    });
    expect(gh.pull(n).labels).toEqual([P, L]);
    const comments = gh.commentsOn(n);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.split("\n")[0]).toBe("<!-- pr-snapshots:snapshot-add-blocked -->");
    expect(comments[0]?.body).toContain(`remove \`${L}\` first`);
    expect(comments[0]?.body).toContain(`\`${dbName(n)}\``);
    expect(r.outputs["comment-url"]).toBe(
      `https://github.com/acme/shop/pull/${n}#issuecomment-${comments[0]?.id}`,
    );
    expect(await hash(dbName(n))).toBe(before);
    expect(gh.calls()).toEqual([
      `GET /repos/acme/shop/pulls/${n}`,
      `DELETE /repos/acme/shop/issues/${n}/labels/${U}`,
      `POST /repos/acme/shop/issues/${n}/comments`,
    ]);
    expect(countRequests("labeled snapshot under the lock (revert + comment)")).toBeLessThanOrEqual(3);
    expect(r.summary).toContain("snapshot-add-blocked");
    expect(r.summary).toContain(`removed \`${U}\``);
  });

  it("unlabeled use-snapshot under the lock: label put back, comment names the snapshot", async () => {
    const n = openPr([P, L]);
    await seedDatabase(dbName(n), "snapshot");
    const before = await hash(dbName(n));
    const r = await enforce(event("unlabeled", n, { label: U }));
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "none",
      "label-reverted": "true",
      "label-change": `+${U}`,
      "comment-kind": "snapshot-remove-blocked",
    });
    expect(gh.pull(n).labels).toEqual([P, L, U]);
    const [comment] = gh.commentsOn(n);
    expect(kindOf(comment?.body)).toBe("snapshot-remove-blocked");
    expect(comment?.body).toContain("snapshot taken 2026-11-22 03:00 UTC");
    expect(comment?.body).toContain(`remove \`${L}\` first, then remove \`${U}\``);
    expect(await hash(dbName(n))).toBe(before);
    expect(countRequests("unlabeled snapshot under the lock (revert + comment)")).toBeLessThanOrEqual(3);
  });

  it("labeled use-snapshot, unlocked: db-action restore for restore-snapshot, no comment", async () => {
    const n = openPr([P, U]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    const r = await enforce(event("labeled", n, { label: U }));
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "restore",
      "label-reverted": "false",
      "comment-kind": "",
    });
    expect(await hash(dbName(n))).toBe(before);
    expect(gh.commentsOn(n)).toHaveLength(0);
    expect(countRequests("labeled snapshot, unlocked (restore)")).toBe(1);
  });

  it("unlabeled use-snapshot, unlocked: reset drops the database, db-reset comment", async () => {
    const n = openPr([P]);
    await seedDatabase(dbName(n), "snapshot");
    const r = await enforce(event("unlabeled", n, { label: U }));
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "reset",
      "db-executed": "true",
      "comment-kind": "db-reset",
    });
    expect(await exists(dbName(n))).toBe(false);
    const [comment] = gh.commentsOn(n);
    expect(kindOf(comment?.body)).toBe("db-reset");
    expect(comment?.body).toContain(`\`${dbName(n)}\` was dropped`);
    expect(countRequests("unlabeled snapshot, unlocked (reset + comment)")).toBeLessThanOrEqual(3);
  });

  it("labeled persist-db: lock-added", async () => {
    const n = openPr([P, L]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    const r = await enforce(event("labeled", n, { label: L }));
    expectOk(r);
    expect(r.outputs).toMatchObject({ "db-action": "none", locked: "true", "comment-kind": "lock-added" });
    expect(gh.commentsOn(n)[0]?.body).toContain(`**To unlock:** remove \`${L}\``);
    expect(await hash(dbName(n))).toBe(before);
    expect(countRequests("labeled lock (comment)")).toBe(2);
  });

  it("unlabeled persist-db on an open PR: lock-removed says whether the next sync restores or seeds", async () => {
    const withSnapshot = openPr([P, U]);
    await seedDatabase(dbName(withSnapshot), "snapshot");
    const a = await enforce(event("unlabeled", withSnapshot, { label: L }));
    expectOk(a);
    expect(a.outputs).toMatchObject({ "db-action": "none", locked: "false", "comment-kind": "lock-removed" });
    expect(gh.commentsOn(withSnapshot)[0]?.body).toContain("restored from the latest production snapshot");
    expect(await exists(dbName(withSnapshot))).toBe(true);
    expect(countRequests("unlabeled lock, open (comment)")).toBe(2);

    const withSeed = openPr([P]);
    await seedDatabase(dbName(withSeed), "seed");
    const b = await enforce(event("unlabeled", withSeed, { label: L }));
    expectOk(b);
    expect(gh.commentsOn(withSeed)[0]?.body).toContain("reset to fresh seed data");
    expect(gh.commentsOn(withSeed)[0]?.body).toContain("current data will be replaced");
  });

  it("unlabeled persist-db on a closed PR drops <prefix>_pr_<N> and nothing else", async () => {
    const n = openPr([P], { state: "closed" });
    const production = `${prefix}_prod`;
    const bystanders = [dbName(n + 1000), `${dbName(n)}0`, `${prefix}_snapshot`, production];
    for (const db of bystanders) await seedDatabase(db, "seed");
    await seedDatabase(dbName(n), "snapshot");
    const hashes = await Promise.all(bystanders.map(hash));
    const r = await enforce(event("unlabeled", n, { label: L }), {
      inputs: { "source-database": production },
    });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "drop",
      "db-executed": "true",
      "comment-kind": "db-dropped",
    });
    expect(await exists(dbName(n))).toBe(false);
    expect(await Promise.all(bystanders.map(hash))).toEqual(hashes);
    expect(gh.commentsOn(n)[0]?.body).toContain(`because \`${L}\` was removed from this closed pull request`);
    expect(countRequests("unlabeled lock, closed (drop + comment)")).toBe(2);
  });

  it("closing a locked PR keeps its database and says how to delete it later", async () => {
    const n = openPr([P, L], { state: "closed" });
    await seedDatabase(dbName(n), "snapshot");
    const before = await hash(dbName(n));
    const r = await enforce(event("closed", n));
    expectOk(r);
    expect(r.outputs).toMatchObject({ "db-action": "keep", "comment-kind": "db-kept", locked: "true" });
    expect(await hash(dbName(n))).toBe(before);
    expect(gh.commentsOn(n)[0]?.body).toContain(
      `remove the \`${L}\` label from this pull request, even though it is closed`,
    );
  });

  it("closing an unlocked PR drops its database", async () => {
    const n = openPr([P, U], { state: "closed" });
    await seedDatabase(dbName(n), "snapshot");
    const r = await enforce(event("closed", n));
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "db-action": "drop",
      "db-executed": "true",
      "comment-kind": "db-dropped",
    });
    expect(await exists(dbName(n))).toBe(false);
    expect(gh.commentsOn(n)[0]?.body).toContain("because this pull request was closed");
  });

  it("closing a PR that never had a database: no drop comment", async () => {
    const n = openPr(["bug"], { state: "closed" });
    const r = await enforce(event("closed", n));
    expectOk(r);
    expect(r.outputs).toMatchObject({ "db-action": "drop", "comment-kind": "db-dropped", "comment-url": "" });
    expect(gh.commentsOn(n)).toHaveLength(0);
    expect(r.summary).toContain("did not exist");
  });

  it("opened, reopened, synchronize, labeled preview with P, L and a database: nothing", async () => {
    const n = openPr([P, U, L]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    for (const [action, label] of [["opened"], ["reopened"], ["synchronize"], ["labeled", P]] as const) {
      gh.clearRequests();
      const r = await enforce(event(action, n, label ? { label } : {}));
      expectOk(r);
      expect(r.outputs).toMatchObject({ "db-action": "none", "label-reverted": "false", "comment-kind": "" });
      expect(gh.requests).toHaveLength(1);
    }
    expect(countRequests("labeled preview, locked (nothing)")).toBe(1);
    expect(await hash(dbName(n))).toBe(before);
    expect(gh.commentsOn(n)).toHaveLength(0);
  });

  it("first deploy with the lock (no database, or a restore never finished): restore if use-snapshot, else reset", async () => {
    const withU = openPr([P, U, L]);
    const a = await enforce(event("synchronize", withU));
    expectOk(a);
    expect(a.outputs).toMatchObject({ "db-action": "restore", initialized: "false" });

    const unfinished = openPr([P, U, L]);
    await seedDatabase(dbName(unfinished), "restoring");
    const b = await enforce(event("opened", unfinished));
    expect(b.outputs).toMatchObject({ "db-action": "restore", initialized: "false" });

    const withoutU = openPr([P, L]);
    await seedDatabase(dbName(withoutU), "restoring");
    const c = await enforce(event("reopened", withoutU));
    expectOk(c);
    expect(c.outputs).toMatchObject({ "db-action": "reset", "db-executed": "true" });
    expect(await exists(dbName(withoutU))).toBe(false);
    expect(gh.comments.filter((x) => [withU, unfinished, withoutU].includes(x.issue))).toHaveLength(0);
  });

  it("sync without the lock: restore if use-snapshot, else reset (dropped here)", async () => {
    const withU = openPr([P, U]);
    await seedDatabase(dbName(withU), "snapshot");
    const a = await enforce(event("synchronize", withU));
    expect(a.outputs).toMatchObject({ "db-action": "restore", "db-executed": "false" });
    expect(await exists(dbName(withU))).toBe(true);

    const withoutU = openPr([P]);
    await seedDatabase(dbName(withoutU), "seed");
    gh.clearRequests();
    const b = await enforce(event("labeled", withoutU, { label: P }));
    expectOk(b);
    expect(b.outputs).toMatchObject({ "db-action": "reset", "db-executed": "true", "comment-kind": "" });
    expect(await exists(dbName(withoutU))).toBe(false);
    expect(countRequests("labeled preview, unlocked (reset, no comment)")).toBe(1);
  });

  it("unlabeled preview: drop when unlocked, keep when locked", async () => {
    const unlocked = openPr([U]);
    await seedDatabase(dbName(unlocked), "snapshot");
    const a = await enforce(event("unlabeled", unlocked, { label: P }));
    expectOk(a);
    expect(a.outputs).toMatchObject({ "db-action": "drop", "comment-kind": "db-dropped" });
    expect(await exists(dbName(unlocked))).toBe(false);
    expect(gh.commentsOn(unlocked)[0]?.body).toContain(`\`${P}\` was removed`);
    expect(countRequests("unlabeled preview, unlocked (drop + comment)")).toBe(2);

    const locked = openPr([U, L]);
    await seedDatabase(dbName(locked), "snapshot");
    const before = await hash(dbName(locked));
    const b = await enforce(event("unlabeled", locked, { label: P }));
    expectOk(b);
    expect(b.outputs).toMatchObject({ "db-action": "keep", "comment-kind": "db-kept" });
    expect(await hash(dbName(locked))).toBe(before);
  });

  it("anything else: nothing", async () => {
    const n = openPr([P, "bug"]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    for (const e of [
      event("edited", n),
      event("labeled", n, { label: "bug" }),
      event("unlabeled", n, { label: "docs" }),
    ]) {
      gh.clearRequests();
      const r = await enforce(e);
      expectOk(r);
      expect(r.outputs).toMatchObject({ "db-action": "none", "comment-kind": "" });
      expect(writes()).toEqual([]);
    }
    expect(countRequests("labeled another label (nothing)")).toBe(1);
    expect(await hash(dbName(n))).toBe(before);
  });

  it("both labels on the first deploy: restored first, then locked on the next sync", async () => {
    // A PR opened with preview, use-snapshot and persist-db: GitHub sends opened and one labeled
    // event per label; the labeled use-snapshot run may well come first.
    const n = openPr([P, U, L]);
    const early = await enforce(event("labeled", n, { label: U }));
    expectOk(early);
    expect(early.outputs).toMatchObject({ "db-action": "restore", "label-reverted": "false" });
    const opened = await enforce(event("opened", n));
    expect(opened.outputs).toMatchObject({ "db-action": "restore" });
    expect(gh.pull(n).labels).toEqual([P, U, L]);

    await seedDatabase(dbName(n), "snapshot"); // what restore-snapshot leaves behind
    const restored = await hash(dbName(n));
    for (const e of [
      event("synchronize", n),
      event("labeled", n, { label: U }),
      event("labeled", n, { label: L }),
    ]) {
      const r = await enforce(e);
      expectOk(r);
      expect(r.outputs["db-action"]).toBe("none");
      expect(r.outputs["label-reverted"]).toBe("false");
    }
    expect(gh.pull(n).labels).toEqual([P, U, L]);
    expect(await hash(dbName(n))).toBe(restored);
    expect(gh.commentsOn(n).map((c) => kindOf(c.body))).toEqual(["lock-added"]);
  });

  it("custom label names from the config file at the base commit", async () => {
    const n = openPr(["env: preview", "keep db", "data/prod", U]);
    gh.pull(n).baseSha = createHash("sha1").update(`base of ${prefix}`).digest("hex");
    gh.setFile(
      gh.pull(n).baseSha,
      ".github/pr-snapshots.yml",
      `dbPrefix: ${prefix}\nlabels:\n  preview: "env: preview"\n  snapshot: data/prod\n  lock: keep db\n`,
    );
    await seedDatabase(dbName(n), "seed");
    // no config-sha: enforce-lock fetches the file itself
    const inputs = { "db-prefix": undefined, "config-sha": undefined };
    const r = await enforce(event("labeled", n, { label: "data/prod" }), { inputs });
    expectOk(r);
    expect(r.outputs).toMatchObject({ "label-change": "-data/prod", locked: "true", database: dbName(n) });
    expect(gh.pull(n).labels).toEqual(["env: preview", "keep db", U]);
    expect(gh.commentsOn(n)[0]?.body).toContain("remove `keep db` first, then add `data/prod` again");
    expect(gh.contentsRequests()).toEqual([`.github/pr-snapshots.yml@${gh.pull(n).baseSha}`]);
    // the default name is just another label here
    const other = await enforce(event("unlabeled", n, { label: U }), { inputs });
    expect(other.outputs).toMatchObject({ "db-action": "none", "label-reverted": "false" });
  });

  it("dry-run decides and reports but changes nothing", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "seed");
    const r = await enforce(event("labeled", n, { label: U }), { inputs: { "dry-run": "true" } });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "label-reverted": "true",
      "comment-kind": "snapshot-add-blocked",
      "comment-url": "",
    });
    expect(gh.pull(n).labels).toEqual([P, L, U]);
    const closed = openPr([P], { state: "closed" });
    await seedDatabase(dbName(closed), "seed");
    const d = await enforce(event("closed", closed), { inputs: { "dry-run": "true" } });
    expect(d.outputs).toMatchObject({ "db-action": "drop", "db-executed": "false" });
    expect(await exists(dbName(closed))).toBe(true);
    expect(writes()).toEqual([]);
    expect(d.summary).toContain("Dry run");
  });

  it("without mongodb-uri: assumes the database exists, executes nothing, outputs say what to do", async () => {
    const n = openPr([P], { state: "closed" });
    await seedDatabase(dbName(n), "seed");
    const r = await enforce(event("closed", n), { noMongo: true });
    expectOk(r);
    expect(r.outputs).toMatchObject({ "db-action": "drop", "db-executed": "false", initialized: "true" });
    expect(await exists(dbName(n))).toBe(true);
    expect(gh.commentsOn(n)[0]?.body).toContain("is being dropped by this workflow");
  });
});

describe("the lock record (what a stale restore, reset or drop Job checks)", () => {
  const lockRecord = (database: string) =>
    mongo.db(database).collection<{ _id: string; at?: Date }>("snapshot_metadata").findOne({ _id: "lock" });
  const databases = async () =>
    (await mongo.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);

  it("written on lock-added and lock-removed, kept as it is while the state does not change", async () => {
    const n = openPr([P, L]);
    await seedDatabase(dbName(n), "seed");
    const { headSha } = gh.pull(n);
    expectOk(await enforce(event("labeled", n, { label: L })));
    const locked = await lockRecord(dbName(n));
    expect(locked).toMatchObject({ locked: true, sha: headSha });
    expect(locked?.at).toBeInstanceOf(Date);

    gh.pull(n).headSha = "c".repeat(40);
    expectOk(await enforce(event("synchronize", n)));
    expect(await lockRecord(dbName(n))).toEqual(locked);

    gh.userLabels(n, { remove: [L] });
    const r = await enforce(event("unlabeled", n, { label: L }));
    expectOk(r);
    expect(r.stdout).toMatch(/Recorded the lock state \(unlocked\) in /);
    expect(await lockRecord(dbName(n))).toMatchObject({ locked: false, sha: "c".repeat(40) });
  });

  it("written whenever enforce-lock runs with the database present, e.g. closing a locked PR", async () => {
    const n = openPr([P, U, L], { state: "closed" });
    await seedDatabase(dbName(n), "snapshot");
    expect(await lockRecord(dbName(n))).toBeNull();
    const r = await enforce(event("closed", n));
    expectOk(r);
    expect(r.outputs["db-action"]).toBe("keep");
    expect(await lockRecord(dbName(n))).toMatchObject({ locked: true, sha: gh.pull(n).headSha });
  });

  it("never creates the database to write it; a dry run writes nothing", async () => {
    const n = openPr([P, L]);
    const r = await enforce(event("labeled", n, { label: L }));
    expectOk(r);
    expect(r.stdout).toMatch(/No lock record: \S+ does not exist \(it is not created for one\)/);
    expect(await databases()).not.toContain(dbName(n));

    const m = openPr([P, L]);
    await seedDatabase(dbName(m), "seed");
    expectOk(await enforce(event("labeled", m, { label: L }), { inputs: { "dry-run": "true" } }));
    expect(await lockRecord(dbName(m))).toBeNull();
  });

  it("not written when the database is dropped or reset (it would go with it)", async () => {
    const n = openPr([P]);
    await seedDatabase(dbName(n), "seed");
    gh.pull(n).state = "closed";
    expectOk(await enforce(event("closed", n)));
    expect(await databases()).not.toContain(dbName(n));
  });
});

describe("database targets are checked before anything is read or written", () => {
  const refused: [string, (p: string) => { prefix?: string; database: string; rule: RegExp }][] = [
    ["admin", () => ({ database: "admin", rule: /protected \(a MongoDB system database\)/ })],
    [
      "the production database",
      (p) => ({ database: `${p}_prod`, rule: /protected \(the production database\)/ }),
    ],
    [
      "the snapshot database",
      (p) => ({ database: `${p}_snapshot`, rule: /protected \(the snapshot database\)/ }),
    ],
    [
      "x_pr_0",
      () => ({ prefix: "x", database: "x_pr_0", rule: /matches none of the allowed target patterns/ }),
    ],
    [
      "x_pr_12a",
      () => ({ prefix: "x", database: "x_pr_12a", rule: /matches none of the allowed target patterns/ }),
    ],
    ["a name with a dot", (p) => ({ database: `${p}_pr.1`, rule: /contains "\."/ })],
    ["a name with a dollar", (p) => ({ database: `${p}_pr_$1`, rule: /contains "\$"/ })],
    ["a name with a space", (p) => ({ database: `${p}_pr_ 1`, rule: /contains a space/ })],
    [
      "an over-long name",
      (p) => ({ database: `${p}_pr_${"1".repeat(60)}`, rule: /bytes long \(MongoDB allows at most 63\)/ }),
    ],
    [
      "a listed protected database",
      (p) => ({ database: `${p}_pr_7`, rule: /listed in protected-databases/ }),
    ],
  ];

  it.each(refused)(
    "refuses %s: exit 1 before any request, labels, comments and databases untouched",
    async (_n, make) => {
      const t = make(prefix);
      const production = `${prefix}_prod`;
      await seedDatabase(production, "seed");
      await seedDatabase(`${prefix}_snapshot`, "snapshot");
      const hashes = [await hash(production), await hash(`${prefix}_snapshot`)];
      const n = openPr([P, U], { state: "closed" });
      const r = await enforce(event("closed", n), {
        inputs: {
          database: t.database,
          "source-database": production,
          "protected-databases": `${prefix}_pr_7`,
          ...(t.prefix ? { "db-prefix": t.prefix } : {}),
        },
      });
      expect(r.code).toBe(1);
      const error = r.errors.join("\n");
      expect(error).toContain(`Refusing to write to database "${t.database}"`);
      expect(error).toMatch(t.rule);
      expect(error).toContain("Nothing was changed");
      expect(gh.requests).toHaveLength(0);
      expect(gh.pull(n).labels).toEqual([P, U]);
      expect(gh.commentsOn(n)).toHaveLength(0);
      expect([await hash(production), await hash(`${prefix}_snapshot`)]).toEqual(hashes);
      expect(r.outputs).toEqual({});
    },
  );

  it("masks the connection string and its password (auth mongod)", async () => {
    let auth: RunningMongo | undefined;
    try {
      auth = await startMongo({ auth: true });
      const n = openPr([P], { state: "closed" });
      const r = await enforce(event("closed", n), { inputs: { "mongodb-uri": auth.uri } });
      expectOk(r);
      const password = decodeURIComponent(new URL(auth.uri).password);
      expect(r.masked).toContain(auth.uri);
      expect(r.masked).toContain(password);
      for (const text of [
        r.stdout.replace(/^::add-mask::.*$/gm, ""),
        r.stderr,
        r.summary,
        JSON.stringify(r.outputs),
      ]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(auth.uri);
      }
    } finally {
      await auth?.stop();
    }
  });
});

describe("no loops: label changes made by the token itself are ignored", () => {
  const botUser = { login: "release-bot", type: "User" as const, id: 7_700_001 };
  const pat = "ghp_enforceLockTestToken000000000000000";
  const asEvent = (e: LabelEvent) =>
    event(e.action, e.number, { label: e.label, sender: { login: e.sender.login, type: e.sender.type } });
  /** Label changes the stand-in recorded on PR n since index `from`, as [action, label, sender]. */
  const causedOn = (n: number, from: number) => gh.labelEvents.slice(from).filter((e) => e.number === n);

  beforeAll(() => gh.addToken(pat, { identity: botUser, kind: "user" }));

  /** Feeds the recorded label changes back as events until none are left: each must be a no-op. */
  async function feedBack(
    n: number,
    from: number,
    rule: RegExp,
    inputs: Record<string, string> = {},
  ): Promise<number> {
    let fed = 0;
    for (let seen = from; causedOn(n, seen).length > 0; ) {
      const caused = causedOn(n, seen);
      seen = gh.labelEvents.length;
      expect(fed, "the token's reverts keep producing reverts: ping-pong").toBeLessThan(2);
      for (const e of caused) {
        expect(e.sender.login).toBe("release-bot");
        gh.clearRequests();
        const r = await enforce(asEvent(e), { token: pat, inputs });
        expectOk(r);
        expect(r.outputs).toMatchObject({
          "db-action": "none",
          "label-reverted": "false",
          "comment-kind": "",
        });
        expect(r.outputs.rule).toMatch(rule);
        expect(writes()).toEqual([]);
        fed++;
      }
    }
    return fed;
  }

  it("personal access token, label reverted to its pre-event value: the revert fed back is a no-op", async () => {
    // A locked database without restore metadata: the label goes back to its value before the event,
    // exactly where an unrecognised self event would flip it again.
    const n = openPr([P, L]);
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    gh.userLabels(n, { add: [U] });
    const from = gh.labelEvents.length;
    const r = await enforce(event("labeled", n, { label: U }), { token: pat });
    expectOk(r);
    expect(gh.pull(n).labels).toEqual([P, L]);
    // a PAT acts as a user, so the sender (a user) may be the token: its login is looked up once
    expect(gh.calls()).toContain("POST /graphql");
    expect(countRequests("labeled snapshot under the lock, PAT without self-login")).toBe(4);
    expect(causedOn(n, from).map((e) => [e.action, e.label])).toEqual([["unlabeled", U]]);

    // decided as someone else's, this event would put the label back: only the identity check stops it
    expect(await feedBack(n, from, /own token/)).toBe(1);
    expect(gh.pull(n).labels).toEqual([P, L]);
    expect(gh.commentsOn(n)).toHaveLength(1);
    expect(await hash(dbName(n))).toBe(before);
  });

  it("personal access token with self-login: no lookup, three requests, no ping-pong", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "snapshot");
    gh.userLabels(n, { remove: [U] });
    const from = gh.labelEvents.length;
    const inputs = { "self-login": "release-bot" };
    const r = await enforce(event("unlabeled", n, { label: U }), { token: pat, inputs });
    expectOk(r);
    expect(gh.pull(n).labels).toEqual([P, L, U]);
    expect(gh.calls()).not.toContain("POST /graphql");
    expect(countRequests("unlabeled snapshot under the lock, PAT with self-login")).toBe(3);
    expect(causedOn(n, from).map((e) => [e.action, e.label])).toEqual([["labeled", U]]);

    // with the locked value known, the echo is already a no-op before anyone asks who sent it
    expect(await feedBack(n, from, /already at its locked value/, inputs)).toBe(1);
    expect(gh.pull(n).labels).toEqual([P, L, U]);
    expect(gh.commentsOn(n).map((c) => kindOf(c.body))).toEqual(["snapshot-remove-blocked"]);
  });

  it("GITHUB_TOKEN: events from github-actions[bot] are ignored without any identity request", async () => {
    const n = openPr([P]);
    await seedDatabase(dbName(n), "snapshot");
    const r = await enforce(
      event("unlabeled", n, { label: U, sender: { login: "github-actions[bot]", type: "Bot" } }),
    );
    expectOk(r);
    expect(r.outputs).toMatchObject({ "db-action": "none", "comment-kind": "" });
    expect(await exists(dbName(n))).toBe(true);
    expect(gh.calls()).toEqual([`GET /repos/acme/shop/pulls/${n}`]);
    expect(countRequests("token's own label event (GITHUB_TOKEN)")).toBe(1);
  });
});

describe("faults", () => {
  it("5xx on reading the pull request is retried", async () => {
    const n = openPr([P, L]);
    gh.fail({ path: `/repos/acme/shop/pulls/${n}`, status: 502 });
    const r = await enforce(event("labeled", n, { label: L }));
    expectOk(r);
    expect(gh.requests.map((q) => q.status)).toEqual([502, 200, 201]);
    expect(gh.commentsOn(n)).toHaveLength(1);
  });

  it("a secondary rate limit on the revert is waited out", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "seed");
    gh.fail({
      method: "DELETE",
      path: `/repos/acme/shop/issues/${n}/labels/${U}`,
      status: 403,
      headers: { "retry-after": "1" },
      body: SECONDARY_RATE_LIMIT_BODY,
    });
    const r = await enforce(event("labeled", n, { label: U }));
    expectOk(r);
    expect(r.warnings.join("\n")).toMatch(/secondary rate limit/);
    expect(gh.pull(n).labels).toEqual([P, L]);
    expect(gh.commentsOn(n)).toHaveLength(1);
  });

  it("the pull request cannot be read: fails, nothing changed, the stale payload is not used", async () => {
    const n = openPr([P], { state: "closed" });
    await seedDatabase(dbName(n), "seed");
    const before = await hash(dbName(n));
    const r = await enforce(event("closed", n), { token: "ghp_revokedToken" });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      new RegExp(`Could not read pull request #${n} .*Nothing was changed`),
    );
    expect(await hash(dbName(n))).toBe(before);
    expect(gh.commentsOn(n)).toHaveLength(0);
  });

  it("a GitHub outage (503 after retries) fails without changing anything", async () => {
    const n = openPr([P, L, U]);
    gh.outage(503);
    const r = await enforce(event("labeled", n, { label: U }));
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/Nothing was changed/);
    expect(gh.requests.length).toBeGreaterThan(1); // retried
    expect(writes()).toEqual([]);
    gh.restore();
    expect(gh.pull(n).labels).toEqual([P, L, U]);
  });

  it("the comment fails after the revert: exit 1 naming what was done; a re-run posts exactly one comment", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "seed");
    const runId = 990_000 + n;
    gh.fail({
      method: "POST",
      path: `/repos/acme/shop/issues/${n}/comments`,
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    const first = await enforce(event("labeled", n, { label: U }), { runId, runAttempt: 1 });
    expect(first.code).toBe(1);
    const error = first.errors.join("\n");
    expect(error).toContain(`Done: removed label "${U}" from pull request #${n}`);
    expect(error).toContain("Not done: post the snapshot-add-blocked comment");
    expect(error).toContain("Resource not accessible by integration");
    expect(error).toContain("pull-requests: write");
    expect(first.outputs).toMatchObject({ "label-reverted": "true", "comment-url": "" });
    expect(gh.pull(n).labels).toEqual([P, L]);
    expect(gh.commentsOn(n)).toHaveLength(0);

    for (const attempt of [2, 3]) {
      const rerun = await enforce(event("labeled", n, { label: U }), { runId, runAttempt: attempt });
      expectOk(rerun);
      expect(rerun.outputs).toMatchObject({
        "label-reverted": "false",
        "comment-kind": "snapshot-add-blocked",
      });
      expect(gh.pull(n).labels).toEqual([P, L]);
      const comments = gh.commentsOn(n);
      expect(comments).toHaveLength(1);
      expect(runKeyOf(comments[0]?.body)).toBe(String(runId));
      expect(rerun.outputs["comment-url"]).toContain(String(comments[0]?.id));
    }
  });

  it("the comment fails after the drop: exit 1 naming the drop; a re-run converges with one comment", async () => {
    const n = openPr([P], { state: "closed" });
    await seedDatabase(dbName(n), "snapshot");
    const runId = 990_000 + n;
    gh.fail({ method: "POST", path: `/repos/acme/shop/issues/${n}/comments`, status: 422 });
    const first = await enforce(event("closed", n), { runId });
    expect(first.code).toBe(1);
    expect(first.errors.join("\n")).toMatch(
      new RegExp(`Done: dropped database ${dbName(n)}\\. Not done: post the db-dropped comment`),
    );
    expect(first.outputs).toMatchObject({ "db-executed": "true" });
    expect(await exists(dbName(n))).toBe(false);
    const rerun = await enforce(event("closed", n), { runId, runAttempt: 2 });
    expectOk(rerun);
    expect(gh.commentsOn(n).map((c) => kindOf(c.body))).toEqual(["db-dropped"]);
  });

  it("reverting a label that is already gone is fine", async () => {
    const n = openPr([P, L, U]);
    await seedDatabase(dbName(n), "seed");
    // someone removes it between our read and our revert
    gh.fail({
      method: "DELETE",
      path: `/repos/acme/shop/issues/${n}/labels/${U}`,
      status: 404,
      body: { message: "Label does not exist" },
    });
    const r = await enforce(event("labeled", n, { label: U }));
    expectOk(r);
    expect(r.stdout).toContain(`Label "${U}" was already gone`);
    expect(gh.commentsOn(n)).toHaveLength(1);
  });
});

describe("a burst of label events", () => {
  it("20 events with stale payloads, processed in a shuffled order, end where the table says", async () => {
    const seed = Number(process.env.BURST_SEED ?? Date.now() % 1_000_000);
    const rand = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const n = openPr([P, L, U, "bug"]);
    await seedDatabase(dbName(n), "snapshot");
    const before = await hash(dbName(n));

    // users toggle labels; each change is an event whose payload shows the labels at that moment.
    // The users end with use-snapshot removed, so the lock has something to hold.
    const burst: Record<string, unknown>[] = [];
    const toggle = (label: string) => {
      const present = gh.pull(n).labels.includes(label);
      gh.userLabels(n, present ? { remove: [label] } : { add: [label] });
      burst.push(event(present ? "unlabeled" : "labeled", n, { label }));
    };
    while (burst.length < 19) toggle(pick([U, U, U, "bug", "docs", "needs-review"]));
    toggle(gh.pull(n).labels.includes(U) ? U : pick(["bug", "docs", "needs-review"]));
    expect(gh.pull(n).labels).not.toContain(U);
    const userLabels = gh.pull(n).labels.filter((l) => l !== U);
    const order = burst
      .map((e) => ({ e, k: rand() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);
    const selfEvents = gh.labelEvents.length;

    for (const [i, e] of order.entries()) {
      const r = await enforce(e, { runId: 770_000 + i });
      expect(r.code, `seed ${seed}, run ${i}: ${r.stdout}`).toBe(0);
      expect(r.outputs["db-action"], `seed ${seed}`).toBe("none");
    }
    // the token's own changes come back as events too: no-ops
    const caused = gh.labelEvents.slice(selfEvents).filter((e) => e.sender.login === "github-actions[bot]");
    for (const e of caused) {
      const r = await enforce(
        event(e.action, n, { label: e.label, sender: { login: e.sender.login, type: "Bot" } }),
      );
      expect(r.outputs).toMatchObject({ "label-reverted": "false", "comment-kind": "" });
    }

    // the database holds the snapshot, so under the lock the snapshot label is held present
    expect(gh.pull(n).labels.sort(), `seed ${seed}`).toEqual([...userLabels, U].sort());
    expect(await hash(dbName(n))).toBe(before);
    // exactly one revert (the first use-snapshot event processed puts it back), one comment: no ping-pong
    expect(
      caused.map((e) => [e.action, e.label]),
      `seed ${seed}`,
    ).toEqual([["labeled", U]]);
    expect(gh.commentsOn(n).map((c) => kindOf(c.body))).toEqual(["snapshot-remove-blocked"]);
  });
});

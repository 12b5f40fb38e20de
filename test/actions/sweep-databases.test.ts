import { randomBytes } from "node:crypto";
import { kindOf, renderComment, runKeyOf } from "@pr-snapshots/core/github/comments";
import { silentLog } from "@pr-snapshots/core/log";
import { formatBytes } from "@pr-snapshots/core/markdown";
import { readDatabaseSize } from "@pr-snapshots/core/mongo/size";
import { acquireWriterLease, LEASE_COLLECTION } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { MongoClient } from "mongodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GitHubStandIn } from "../support/github-stand-in";
import { dbHash, type RunningMongo } from "../support/mongod";
import { authServerForSuite, createSweeper } from "../support/permission-model";
import { type ActionRun, runAction } from "../support/run-action";

/**
 * sweep-databases as the runner runs it (the bundle as a process, on a schedule event) against
 * the GitHub stand-in's GraphQL and a real mongod. Each test has its own prefix and stand-in.
 */
const DAY = 86_400_000;
const uri = inject("mongoStandaloneUri");
let mongo: MongoClient;
let gh: GitHubStandIn;
let prefix: string;

beforeAll(async () => {
  mongo = new MongoClient(uri);
  await mongo.connect();
});
afterAll(async () => mongo?.close());
beforeEach(async () => {
  gh = await GitHubStandIn.start();
  prefix = `sw${randomBytes(3).toString("hex")}`;
});
afterEach(async () => gh?.stop());

const db = (n: number | string, p = prefix) => `${p}_pr_${n}`;
const ago = (days: number) => new Date(Date.now() - days * DAY);

interface SweepOptions {
  inputs?: Record<string, string | number | boolean>;
  runId?: number;
  runAttempt?: number;
  client?: MongoClient;
}

function sweep(o: SweepOptions = {}, mongoUri = uri): Promise<ActionRun> {
  return runAction("sweep-databases", {
    apiUrl: gh.url,
    eventName: "schedule",
    event: { schedule: "17 4 * * *" },
    runId: o.runId ?? 4_000_001,
    runAttempt: o.runAttempt ?? 1,
    inputs: {
      "github-token": gh.defaultToken,
      "mongodb-uri": mongoUri,
      "db-prefix": prefix,
      "source-database": `${prefix}_prod`,
      ...o.inputs,
    },
  });
}

/** A PR database as restore-snapshot leaves it (with its restore record) or as the application seeds it. */
async function seed(database: string, restored = true, client = mongo): Promise<void> {
  const d = client.db(database);
  await d
    .collection("projects")
    .insertMany(Array.from({ length: 300 }, (_, i) => ({ i, name: `project ${i}`, notes: "n".repeat(200) })));
  await d.collection("projects").createIndex({ name: 1 });
  if (restored) {
    await d.collection("snapshot_metadata").insertOne({
      _id: "latest" as never,
      source: "snapshot",
      status: "complete",
      snapshotTimestamp: new Date("2026-11-22T03:00:00Z"),
      restoredAt: new Date("2026-11-22T09:15:00Z"),
      collections: ["projects"],
      counts: { projects: 300 },
    });
  }
}

async function databases(client = mongo): Promise<string[]> {
  return (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases
    .map((d) => d.name)
    .filter((n) => n.startsWith(prefix))
    .sort();
}

/** Every other database's content, for "nothing else was written". */
async function hashes(names: readonly string[], client = mongo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = (await dbHash(client, n)).md5;
  return out;
}

/** The rows of the summary's table, by database. */
function summaryRows(summary: string): Record<string, string[]> {
  const rows: Record<string, string[]> = {};
  for (const line of summary.split("\n")) {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[0] ?? "")?.[1];
    if (name && cells.length === 8) rows[name] = cells;
  }
  return rows;
}

const kinds = (n: number) => gh.commentsOn(n).map((c) => kindOf(c.body));
const writes = () => gh.calls().filter((c) => !c.startsWith("GET ") && c !== "POST /graphql");

/** One pull request per row of CONTRACT §10, each with its database. */
async function everyRow(): Promise<void> {
  gh.addPullRequest({ number: 1, labels: ["preview", "use-snapshot"] });
  gh.addPullRequest({ number: 2, labels: ["persist-db"] });
  gh.addPullRequest({ number: 3, labels: ["use-snapshot"] });
  gh.addPullRequest({ number: 4, labels: ["preview"] });
  gh.close(4, ago(2));
  gh.addPullRequest({ number: 5, labels: [] });
  gh.close(5, ago(100), true);
  gh.addPullRequest({ number: 6, labels: ["preview", "persist-db"] });
  gh.close(6, ago(5));
  gh.addPullRequest({ number: 7, labels: ["persist-db"] });
  gh.close(7, ago(25));
  gh.addPullRequest({ number: 8, labels: ["persist-db"] });
  gh.close(8, ago(40), true);
  gh.addPullRequest({ number: 10, labels: ["preview"] });
  gh.deletePullRequest(10);
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) await seed(db(n), n % 2 === 1);
}

const EXPECTED: Record<number, { decision: RegExp; dropped: boolean; comment?: string }> = {
  1: { decision: /^keep: open, with `?preview/, dropped: false },
  2: { decision: /^keep: open, locked by persist-db/, dropped: false },
  3: { decision: /^\*\*drop\*\*: open without preview or persist-db/, dropped: true, comment: "db-dropped" },
  4: { decision: /^\*\*drop\*\*: closed, not locked/, dropped: true, comment: "db-dropped" },
  5: { decision: /^\*\*drop\*\*: merged, not locked/, dropped: true, comment: "db-dropped" },
  6: { decision: /^keep: closed 5 days ago, locked: expires in 2[45] days$/, dropped: false },
  7: {
    decision: /^keep: closed 25 days ago, locked: expires in [45] days \(remind-days 7\)/,
    dropped: false,
    comment: "db-expiring",
  },
  8: {
    decision: /^\*\*drop\*\*: merged 40 days ago, locked: expired \(keep-closed-days 30\)/,
    dropped: true,
    comment: "db-expired",
  },
  9: {
    decision: /^\*\*drop\*\*: no pull request #9 in this repository \(deleted or transferred\)/,
    dropped: true,
  },
  10: { decision: /^\*\*drop\*\*: no pull request #10/, dropped: true },
};

describe("sweep-databases (bundled action as a process, CONTRACT §10)", () => {
  it("covers every row of the table in one GraphQL request, never touching anything else", async () => {
    await everyRow();
    // Look-alikes and protected databases that must never be candidates, all with data.
    const others = [
      `${prefix}_prod`,
      `${prefix}_snapshot`,
      db("7_backup"),
      db("07"),
      db("0"),
      db("3000000000"),
      db(12),
      db("9\n::warning::injected"),
      db("5|x"),
    ];
    gh.addPullRequest({ number: 12, labels: [] });
    gh.close(12, ago(90));
    for (const o of others) await seed(o, false);
    await mongo.db("admin").command({ fsync: 1 });
    const measured = Object.fromEntries(
      await Promise.all(
        Object.keys(EXPECTED).map(async (n) => [n, await readDatabaseSize(mongo, db(n))] as const),
      ),
    );
    const sizes = Object.fromEntries(Object.entries(measured).map(([n, m]) => [n, m.onDisk]));
    const untouched = await hashes(others);

    const r = await sweep({ inputs: { "protected-databases": db(12) } });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const dropped = Object.keys(EXPECTED).filter((n) => EXPECTED[Number(n)]?.dropped);
    const kept = Object.keys(EXPECTED).filter((n) => !EXPECTED[Number(n)]?.dropped);
    expect(r.outputs.dropped).toBe(dropped.map((n) => db(n)).join(","));
    expect(r.outputs.kept).toBe(kept.map((n) => db(n)).join(","));
    expect(r.outputs["would-drop"]).toBe("");
    expect(r.outputs.reminded).toBe(db(7));
    const freed = dropped.reduce((sum, n) => sum + (sizes[n] ?? 0), 0);
    expect(Number(r.outputs["bytes-freed"])).toBe(freed);

    expect(await databases()).toEqual([...kept.map((n) => db(n)), ...others].sort());
    expect(await hashes(others)).toEqual(untouched);

    // One GraphQL request for all ten pull requests; comments only where the table says.
    expect(gh.graphqlQueries()).toHaveLength(1);
    expect(gh.graphqlQueries()[0]).not.toMatch(/pullRequest\(number: (0|12|3000000000)\)/);
    for (const [n, e] of Object.entries(EXPECTED)) {
      if (Number(n) >= 9) continue;
      expect(kinds(Number(n)), `#${n}`).toEqual(e.comment ? [e.comment] : []);
    }
    const expiring = gh.commentsOn(7)[0]?.body ?? "";
    expect(expiring).toMatch(/\*\*To keep it longer:\*\* reopen this pull request/);
    expect(expiring).toMatch(/raise `keep-closed-days`/);
    expect(expiring).toMatch(/\*\*To delete it now:\*\* remove `persist-db`/);
    expect(gh.commentsOn(8)[0]?.body).toMatch(/deleted its locked database `sw\w+_pr_8`/);

    // The summary: every candidate with PR, state, labels, size, last restore and decision.
    const rows = summaryRows(r.summary);
    expect(Object.keys(rows).sort()).toEqual(
      Object.keys(EXPECTED)
        .map((n) => db(n))
        .sort(),
    );
    for (const [n, e] of Object.entries(EXPECTED)) {
      const [, pr, state, labels, size, restore, decision, done] = rows[db(n)] ?? [];
      expect(pr).toBe(`#${n}`);
      expect(decision, `#${n}`).toMatch(e.decision);
      expect(done, `#${n}`).toMatch(e.dropped ? /^dropped/ : /^kept/);
      expect(size).toBe(`${formatBytes(sizes[n] ?? 0)} (${formatBytes(measured[n]?.dataSize ?? 0)} data)`);
      expect(restore).toBe(
        Number(n) % 2 === 1
          ? "2026-11-22 09:15 UTC (snapshot of 2026-11-22 03:00 UTC)"
          : "none (seed data or empty)",
      );
      if (Number(n) === 7) expect(labels).toBe("`persist-db`");
      if (Number(n) === 9) expect(state).toBe("not found");
      if (Number(n) === 5) expect(state).toMatch(/^merged \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    }
    expect(r.summary).toContain(
      `**${formatBytes(Object.values(sizes).reduce((a, b) => a + b, 0))}** in 10 before, **${formatBytes(
        kept.reduce((sum, n) => sum + (sizes[n] ?? 0), 0),
      )}** in 4 after; freed ${formatBytes(freed)}.`,
    );
    // Hostile names: listed as ignored, escaped, never a workflow command.
    expect(r.summary).toContain(`- \`${db("9\\u000a::warning::injected")}\`: not named`);
    expect(r.warnings.join("\n")).not.toMatch(/injected/);
    expect(r.summary).toMatch(
      new RegExp(`- \`${db(12)}\`: it is protected \\(listed in protected-databases\\)`),
    );
    expect(r.stdout.replace(/::add-mask::.*/g, "")).not.toContain(uri);
    expect(r.summary + JSON.stringify(r.outputs) + gh.comments.map((c) => c.body).join("")).not.toMatch(
      /mongodb:\/\/|ghs_/,
    );
  });

  it("dry-run: the same decisions and summary rows, nothing dropped or commented", async () => {
    await everyRow();
    const before = await hashes((await databases()).filter((n) => n.startsWith(`${prefix}_pr_`)));
    const dry = await sweep({ inputs: { "dry-run": true } });
    expect(dry.code, dry.stdout).toBe(0);
    expect(await hashes(Object.keys(before))).toEqual(before);
    expect(writes()).toEqual([]);
    expect(dry.outputs).toMatchObject({ dropped: "", "bytes-freed": "0", reminded: "" });
    expect(dry.summary).toContain("(dry run: nothing dropped or commented)");
    expect(dry.summary).toMatch(/after the drops it would make; it would free/);

    const real = await sweep({ runId: 4_000_002 });
    expect(real.code, real.stdout).toBe(0);
    expect(dry.outputs["would-drop"]).toBe(real.outputs.dropped);
    const [d, w] = [summaryRows(dry.summary), summaryRows(real.summary)];
    expect(Object.keys(d)).toEqual(Object.keys(w));
    for (const name of Object.keys(d)) {
      // Everything but "done" is the same (sizes included).
      expect(d[name]?.slice(0, 7), name).toEqual(w[name]?.slice(0, 7));
      expect(d[name]?.[7], name).toMatch(/^(would drop|kept)/);
    }
    expect(d[db(7)]?.[7]).toBe("kept; `db-expiring` would post");
  });

  it("a GitHub outage drops nothing and fails, saying why; so does an answer with errors", async () => {
    await everyRow();
    const before = await databases();
    // Everything down: the config file (which names the lock label) cannot be read, so nothing runs.
    gh.outage(503);
    const config = await sweep();
    expect(config.code).toBe(1);
    expect(config.errors.join("\n")).toMatch(
      /Cannot read the config file .* sweep-databases refuses to run without it/,
    );
    expect(await databases()).toEqual(before);
    gh.restore();

    // The GraphQL API down (after the retries).
    gh.fail({ path: "/graphql", status: 503, times: 100, body: { message: "Service Unavailable" } });
    const down = await sweep();
    expect(down.code).toBe(1);
    expect(down.errors.join("\n")).toMatch(
      /Could not read pull request\(s\) #1, #2, .*#10 \(the GitHub GraphQL API could not be reached/,
    );
    expect(down.errors.join("\n")).toMatch(/their databases were kept/);
    expect(await databases()).toEqual(before);
    expect(down.outputs).toMatchObject({ dropped: "", "bytes-freed": "0" });
    expect(summaryRows(down.summary)[db(3)]?.[6]).toMatch(/^keep: pull request #3 could not be read/);
    gh.restore();

    gh.fail({
      path: "/graphql",
      status: 200,
      body: {
        data: {
          repository: {
            pr3: { number: 3, state: "OPEN", closedAt: null, labels: { totalCount: 0, nodes: [] } },
          },
        },
        errors: [
          { type: "MAX_NODE_LIMIT_EXCEEDED", message: "This query requests up to 600,000 possible nodes." },
        ],
      },
    });
    const partial = await sweep();
    expect(partial.code).toBe(1);
    expect(partial.errors.join("\n")).toMatch(/MAX_NODE_LIMIT_EXCEEDED/);
    expect(await databases()).toEqual(before);
    expect(gh.comments).toHaveLength(0);
  });

  it("the db-expiring reminder is posted once per pull request, ever: re-runs and new runs do not repeat it", async () => {
    gh.addPullRequest({ number: 21, labels: ["persist-db"] });
    gh.close(21, ago(26));
    await seed(db(21));
    const first = await sweep({ runId: 5_000_001 });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.reminded).toBe(db(21));
    expect(kinds(21)).toEqual(["db-expiring"]);
    expect(runKeyOf(gh.commentsOn(21)[0]?.body)).toBe("5000001");

    const rerun = await sweep({ runId: 5_000_001, runAttempt: 2 });
    const nextDay = await sweep({ runId: 5_000_002 });
    for (const r of [rerun, nextDay]) {
      expect(r.code, r.stdout).toBe(0);
      expect(r.outputs.reminded).toBe("");
      expect(summaryRows(r.summary)[db(21)]?.[7]).toMatch(/^kept; \[db-expiring\]\(.+\) already posted$/);
    }
    expect(kinds(21)).toEqual(["db-expiring"]);
    expect(await databases()).toEqual([db(21)]);
  });

  it("a db-expiring marker typed by someone else does not suppress the reminder (only the token's own comments count)", async () => {
    gh.addPullRequest({ number: 22, labels: ["persist-db"] });
    gh.close(22, ago(26));
    await seed(db(22));
    const planted = gh.seedComment(22, renderComment("db-expiring", "nothing to see here", "5000001"), {
      login: "mallory",
      type: "User",
      id: 666,
    });
    const r = await sweep({ runId: 5_000_001, runAttempt: 2 });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.reminded).toBe(db(22));
    const reminders = gh.commentsOn(22).filter((c) => kindOf(c.body) === "db-expiring");
    expect(reminders.map((c) => c.user.login)).toEqual(["mallory", "github-actions[bot]"]);
    expect(reminders.map((c) => c.id)).toContain(planted.id);
  });

  it("keep-closed-days 0 never expires locked databases; remind-days 0 sends no reminder", async () => {
    gh.addPullRequest({ number: 31, labels: ["persist-db"] });
    gh.close(31, ago(3_000));
    gh.addPullRequest({ number: 32, labels: ["persist-db"] });
    gh.close(32, ago(29));
    gh.addPullRequest({ number: 33, labels: [] });
    gh.close(33, ago(1));
    for (const n of [31, 32, 33]) await seed(db(n));
    const forGood = await sweep({ inputs: { "keep-closed-days": 0 } });
    expect(forGood.code, forGood.stdout).toBe(0);
    expect(forGood.outputs.dropped).toBe(db(33));
    expect(summaryRows(forGood.summary)[db(31)]?.[6]).toMatch(/locked databases never expire/);
    expect(gh.comments).toHaveLength(1);

    const quiet = await sweep({ inputs: { "remind-days": 0 }, runId: 6_000_002 });
    expect(quiet.outputs).toMatchObject({ dropped: db(31), reminded: "" });
    expect(kinds(32)).toEqual([]);
  });

  it("keeps a database whose one-writer lease another run holds, and drops it once the lease is free", async () => {
    gh.addPullRequest({ number: 41, labels: ["preview"] });
    gh.close(41, ago(1));
    await seed(db(41));
    const lease = await acquireWriterLease({
      client: mongo,
      database: db(41),
      policy: targetPolicy({ prefix }),
      log: silentLog,
      what: "restore",
      waitMs: 0,
      ttlMs: 60_000,
    });
    const busy = await sweep();
    expect(busy.code, busy.stdout).toBe(0);
    expect(busy.outputs).toMatchObject({ dropped: "", kept: db(41) });
    expect(summaryRows(busy.summary)[db(41)]?.[7]).toMatch(
      /^kept for now: Database sw\w+_pr_41 is still being written by/,
    );
    expect(gh.comments).toHaveLength(0);
    await lease.release();
    const free = await sweep({ runId: 4_000_009 });
    expect(free.outputs.dropped).toBe(db(41));
    expect(kinds(41)).toEqual(["db-dropped"]);
  });

  it("refuses a bad prefix or keep-closed-days before connecting", async () => {
    const closed = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=5000";
    const badPrefix = await sweep({ inputs: { "db-prefix": "Shop!" } }, closed);
    expect(badPrefix.errors.join("\n")).toMatch(
      /The database prefix "Shop!" \(from input "db-prefix"\) is not valid/,
    );
    const badDays = await sweep({ inputs: { "keep-closed-days": "-1" } }, closed);
    expect(badDays.errors.join("\n")).toBe(
      'Input "keep-closed-days" must be a whole number between 0 and 36500, got "-1".',
    );
    for (const r of [badPrefix, badDays]) {
      expect(r.code).toBe(1);
      expect(r.durationMs).toBeLessThan(2_000);
    }
  });
});

describe("sweep-databases with the sweeper role on an --auth mongod", () => {
  const server = authServerForSuite();

  async function scenario(m: RunningMongo, admin: MongoClient) {
    gh.addPullRequest({ number: 51, labels: ["preview"] });
    gh.addPullRequest({ number: 52, labels: [] });
    gh.close(52, ago(3));
    gh.addPullRequest({ number: 53, labels: [] });
    gh.close(53, ago(3));
    for (const n of [51, 52, 53]) await seed(db(n), true, admin);
    await seed(`${prefix}_prod`, false, admin);
    return { prod: await dbHash(admin, `${prefix}_prod`), m };
  }

  it("works with exactly the role of the README: lease taken, production untouched", async () => {
    const { prod } = await scenario(server.mongo, server.admin);
    const sweeperUri = await createSweeper(server.mongo, server.admin, { user: `${prefix}-sweeper` });
    const r = await sweep({}, sweeperUri);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /cannot write any protected database \(they can drop any database: the target rules decide which ones are dropped\): least privilege confirmed/,
    );
    expect(r.warnings).toEqual([]);
    expect(r.outputs.dropped).toBe(`${db(52)},${db(53)}`);
    expect(r.summary).toContain("each drop holds the database's one-writer lease.");
    expect(await databases(server.admin)).toEqual([db(51), `${prefix}_prod`]);
    expect(await dbHash(server.admin, `${prefix}_prod`)).toEqual(prod);
    expect(r.masked).toContain(sweeperUri);
  });

  it("without the lease privilege: a warning naming it, the lease checked read-only, held ones kept", async () => {
    await scenario(server.mongo, server.admin);
    // Another run holds #52's lease (as a restore in progress would).
    await server.admin
      .db(db(52))
      .collection(LEASE_COLLECTION)
      .insertOne({
        _id: "writer" as never,
        holder: "h",
        owner: "pr-snapshots in acme/shop workflow run 1 attempt 1",
        what: "restore",
        acquiredAt: new Date(),
        renewedAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      });
    const sweeperUri = await createSweeper(server.mongo, server.admin, {
      user: `${prefix}-nolease`,
      withoutLease: true,
    });
    const r = await sweep({}, sweeperUri);
    expect(r.code, r.stdout).toBe(0);
    expect(r.warnings.join("\n")).toMatch(
      /lack insert, remove, update on \{db: "", collection: "pr_snapshots_lease"\}.*checks each database's lease read-only/,
    );
    expect(r.outputs).toMatchObject({ dropped: db(53), kept: `${db(51)},${db(52)}` });
    expect(summaryRows(r.summary)[db(52)]?.[7]).toMatch(
      /^kept for now: Database sw\w+_pr_52 is being written by pr-snapshots in acme\/shop workflow run 1/,
    );
    expect(r.summary).toContain(
      "the lease privilege is missing: each database's lease was checked read-only.",
    );
  });

  it("refuses the role plus writes in production unless allow-privileged-credentials; nothing dropped", async () => {
    const { prod } = await scenario(server.mongo, server.admin);
    const tooMuch = await createSweeper(server.mongo, server.admin, {
      user: `${prefix}-prodwriter`,
      extraRoles: [{ role: "readWrite", db: `${prefix}_prod` }],
    });
    const r = await sweep({}, tooMuch);
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      new RegExp(`can write ${prefix}_prod, including protected databases`),
    );
    expect(r.errors.join("\n")).toMatch(/allow-privileged-credentials: true/);
    expect(await databases(server.admin)).toEqual([db(51), db(52), db(53), `${prefix}_prod`]);
    expect(await dbHash(server.admin, `${prefix}_prod`)).toEqual(prod);
  });
});

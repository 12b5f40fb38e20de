import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { silentLog } from "@pr-snapshots/core/log";
import { acquireWriterLease, databaseExists, readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { targetPolicy } from "@pr-snapshots/core/names";
import { generations } from "@pr-snapshots/core/snapshot/generations";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dataHash, dbHash, repoRoot } from "../support/mongod";
import { runAction, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";

const entry = path.join(repoRoot, "packages/cli/dist/index.js");
let client: MongoClient;
let uri: string;
beforeAll(async () => {
  uri = inject("mongoStandaloneUri");
  client = new MongoClient(uri);
  await client.connect();
});
afterAll(async () => client?.close());

/** The CLI is a plain node program: argv and environment only, no GitHub Actions variables. */
function cli(args: string[], env: Record<string, string> = {}, cwd?: string) {
  return runAction("cli", {
    entry,
    env: { MONGODB_URI: uri, ...env, GITHUB_ACTIONS: "" },
    argv: args,
    ...(cwd ? { workspace: cwd } : {}),
  });
}

describe("pr-snapshots command line", () => {
  it("documents its commands, options and exit codes", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(
      /Usage: pr-snapshots <command>[\s\S]*produce[\s\S]*restore[\s\S]*MONGODB_URI[\s\S]*Exit codes/,
    );
    const produce = await cli(["produce", "--help"]);
    expect(produce.stdout).toMatch(/--source-database[\s\S]*--max-shrink-percent[\s\S]*--force/);
    expect((await cli([])).code).toBe(2);
    for (const command of ["reset", "drop"]) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    const restore = await cli(["restore", "--help"]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/--pr-number[\s\S]*--expect-sha[\s\S]*--json/);
    const drop = await cli(["help", "drop"]);
    expect(drop.stdout).toMatch(/^Usage: pr-snapshots drop/);
    expect(drop.stdout).not.toMatch(/--concurrency/);
  });

  it("rejects bad usage with exit 2 and refuses the URI as a flag", async () => {
    const unknown = await cli(["produce", "--sauce-database", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option\(s\) for produce: --sauce-database/);
    const flag = await cli(["restore", "--mongodb-uri", "mongodb://u:p@h"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/MONGODB_URI environment variable, not as a flag/);
    const joined = await cli(["drop", "--pr-number=3", "--source-uri=mongodb://u:secret-pw@h"]);
    expect(joined.code).toBe(2);
    expect(joined.stderr).toMatch(/PR_SNAPSHOTS_SOURCE_URI environment variable, not as a flag/);
    expect(joined.stderr).not.toContain("secret-pw");
    const missing = await cli(["reset", "--db-prefix", "cz", "--pr-number"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--pr-number <value>' argument missing[\s\S]*pr-snapshots reset --help/);
    const stray = await cli(["drop", "cz_pr_1"]);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/Unexpected argument 'cz_pr_1'/);
    const late = await cli(["--db-prefix", "cz", "drop"]);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/The command comes first/);
    const notACommand = await cli(["sweep-all"]);
    expect(notACommand.code).toBe(2);
    expect(notACommand.stderr).toMatch(
      /Unknown command "sweep-all". Commands: produce, restore, reset, drop/,
    );
  });

  it("checks the target and --expect-sha before it connects (the server here does not exist)", async () => {
    const nowhere = { MONGODB_URI: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=20000" };
    const producer = await cli(
      ["produce", "--source-database", "cz_prod", "--snapshot-database", "admin", "--db-prefix", "cz"],
      nowhere,
    );
    expect(producer.code).toBe(3);
    expect(producer.stderr).toMatch(
      /Refusing to write to database "admin": it is protected \(a MongoDB system database\)/,
    );
    expect(producer.durationMs).toBeLessThan(10_000);
    for (const command of ["restore", "reset", "drop"]) {
      const refused = await cli([command, "--db-prefix", "cz", "--database", "cz_snapshot"], nowhere);
      expect(refused.code, command).toBe(3);
      expect(refused.stderr).toMatch(/Refusing to write to database "cz_snapshot": it is protected/);
      expect(refused.durationMs).toBeLessThan(10_000);
      const badSha = await cli(
        [command, "--db-prefix", "cz", "--pr-number", "4", "--expect-sha", "HEAD~1"],
        nowhere,
      );
      expect(badSha.code, command).toBe(2);
      expect(badSha.stderr).toMatch(
        /--expect-sha must be a git commit id \(7 to 40 hexadecimal digits\), got "HEAD~1"/,
      );
      expect(badSha.durationMs).toBeLessThan(10_000);
    }
  });

  it("produces and restores, configured by flags and PR_SNAPSHOTS_* variables", async () => {
    await seedProduction(client, "cl_prod");
    const produced = await cli(["produce", "--json", "--source-database", "cl_prod"], {
      PR_SNAPSHOTS_DB_PREFIX: "cl",
      PR_SNAPSHOTS_ALLOW_PRIVILEGED_CREDENTIALS: "true",
    });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).toMatch(/^No config file at \.github\/pr-snapshots\.yml in \S+: only options/m);
    const report = JSON.parse(produced.stdout);
    expect(report.collections).toHaveLength(11);
    const restored = await cli([
      "restore",
      "--db-prefix",
      "cl",
      "--pr-number",
      "5",
      "--allow-privileged-credentials",
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/Restored 11 collections/);
    expect(restored.stderr).not.toContain(uri);
    expect((await readPrMetadata(client, "cl_pr_5"))?.status).toBe("complete");
  });

  it("reads --config from disk in its directory (a Job has no GitHub access) and says which file", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "cli-cwd-"));
    mkdirSync(path.join(cwd, "ci"));
    writeFileSync(path.join(cwd, "ci/snapshots.yml"), "dbPrefix: cy\nprotectedDatabases: [cy_pr_9]\n");
    const r = await cli(["restore", "--config", "ci/snapshots.yml", "--pr-number", "9"], {}, cwd);
    expect(r.stderr).toContain(`Config: read ${path.join(cwd, "ci/snapshots.yml")}.`);
    // dbPrefix and protectedDatabases came from the file
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Refusing to write to database "cy_pr_9".*listed in protected-databases/);
  });

  it("exit 3 for a refused target, exit 4 when no snapshot appears", async () => {
    const refused = await cli(["restore", "--db-prefix", "cx", "--database", "admin"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Refusing to write to database "admin"/);
    const none = await cli([
      "restore",
      "--db-prefix",
      "cx",
      "--pr-number",
      "2",
      "--wait-timeout-seconds",
      "1",
      "--poll-interval-seconds",
      "1",
    ]);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/No complete snapshot in database "cx_snapshot"/);
  });

  it("a producer killed mid-run leaves the previous snapshot complete and restorable; its lease then expires", async () => {
    await seedProduction(client, "ck_prod", { scale: 2 });
    const env = {
      PR_SNAPSHOTS_DB_PREFIX: "ck",
      PR_SNAPSHOTS_SOURCE_DATABASE: "ck_prod",
      PR_SNAPSHOTS_GRACE_SECONDS: "0",
      PR_SNAPSHOTS_ALLOW_PRIVILEGED_CREDENTIALS: "true",
    };
    expect((await cli(["produce"], env)).code).toBe(0);
    const first = await readSnapshotMetadata(client.db("ck_snapshot"));
    const firstHash = await dbHash(client, "ck_prod");

    await seedProduction(client, "ck_prod", { scale: 40, abstractWords: 300, seed: 99 });
    const running = startAction("cli", {
      entry,
      env: { ...env, MONGODB_URI: uri, GITHUB_ACTIONS: "" },
      argv: ["produce", "--concurrency", "1", "--lease-seconds", "10"],
    });
    const deadline = Date.now() + 60_000;
    while (!/✓ pm\w+:/.test(running.stderr()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    running.child.kill("SIGKILL");
    expect((await running.done).code).not.toBe(0);

    const after = await readSnapshotMetadata(client.db("ck_snapshot"));
    expect(after).toMatchObject({ status: "complete", generation: first?.generation });
    const writing = await generations(client.db("ck_snapshot"))
      .find({ kind: "generation", status: "writing" })
      .toArray();
    expect(writing).toHaveLength(1);

    // The dead run's lease blocks a second producer until it expires (checked first: a slow machine
    // must not let it expire before the check).
    const blocked = await cli(["produce"], env);
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toMatch(/Another snapshot producer is running on ck_snapshot/);

    const restored = await cli(["restore", "--pr-number", "1", "--allow-privileged-credentials"], {
      PR_SNAPSHOTS_DB_PREFIX: "ck",
    });
    expect(restored.code, restored.stderr).toBe(0);
    const pr = await dbHash(client, "ck_pr_1");
    for (const name of SAMPLE_COLLECTIONS)
      expect(pr.collections[name], name).toBe(firstHash.collections[name]);

    // Once the lease has expired (by the server's clock), the next run takes over and cleans up.
    const leaseHeld = () =>
      client
        .db("ck_snapshot")
        .collection<{ _id: string }>("snapshot_metadata")
        .countDocuments({ _id: "producer-lease", $expr: { $gt: ["$expiresAt", "$$NOW"] } });
    while ((await leaseHeld()) > 0) await new Promise((r) => setTimeout(r, 250));
    const next = await cli(["produce", "--force"], env);
    expect(next.code, next.stderr).toBe(0);
    const gens = await generations(client.db("ck_snapshot")).find({ kind: "generation" }).toArray();
    expect(gens.map((g) => g.status).sort()).toEqual(["complete", "retired"]);
    expect(next.stderr).toMatch(/Deleted writing snapshot generation/);
  });
});

describe("restore, reset and drop as a decision's Job (--expect-sha)", () => {
  const SHA_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
  const SHA_B = "b2c3d4e5f60718293a4b5c6d7e8f9012345678a1";
  const env = { PR_SNAPSHOTS_DB_PREFIX: "cj", PR_SNAPSHOTS_ALLOW_PRIVILEGED_CREDENTIALS: "true" };
  const job = (command: string, pr: number, sha: string, extra: string[] = []) =>
    cli([command, "--pr-number", String(pr), "--expect-sha", sha, "--json", ...extra], env);
  const lockRecord = (database: string, locked: boolean) =>
    client
      .db(database)
      .collection<{ _id: string }>("snapshot_metadata")
      .replaceOne({ _id: "lock" }, { locked, sha: SHA_A, at: new Date() }, { upsert: true });
  const applied = (database: string) =>
    client.db(database).collection<{ _id: string }>("snapshot_metadata").findOne({ _id: "applied" });

  beforeAll(async () => {
    await seedProduction(client, "cj_prod");
    const produced = await cli(["produce", "--source-database", "cj_prod"], env);
    expect(produced.code, produced.stderr).toBe(0);
  });

  it("a restore Job run twice for the same commit copies once; a new commit restores again", async () => {
    const first = await job("restore", 1, SHA_A);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ command: "restore", outcome: "done" });
    expect(await applied("cj_pr_1")).toMatchObject({ sha: SHA_A, command: "restore" });
    // The preview writes to its database; a second run of the same Job must not undo that.
    await client.db("cj_pr_1").collection("previewNotes").insertOne({ name: "made in the preview" });
    const written = await dbHash(client, "cj_pr_1");
    const again = await job("restore", 1, SHA_A.toUpperCase());
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: "already-applied" });
    expect(again.stderr).toMatch(/already had this restore for commit a1b2c3d/);
    expect((await dbHash(client, "cj_pr_1")).md5).toBe(written.md5);
    const next = await job("restore", 1, SHA_B);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ outcome: "done" });
    expect(
      await client.db("cj_pr_1").collection("pmProject").countDocuments({ name: "made in the preview" }),
    ).toBe(0);
  });

  it("the same commit with another command is a new decision (restore, then reset, then restore)", async () => {
    expect((await job("restore", 2, SHA_A)).code).toBe(0);
    const reset = await job("reset", 2, SHA_A);
    expect(reset.code, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ command: "reset", outcome: "done", existed: true });
    // Only bookkeeping remains, which is not data: the application seeds the database.
    expect(await databaseExists(client, "cj_pr_2")).toBe(false);
    expect(await applied("cj_pr_2")).toMatchObject({ sha: SHA_A, command: "reset" });
    const resetAgain = await job("reset", 2, SHA_A);
    expect(JSON.parse(resetAgain.stdout)).toMatchObject({ outcome: "already-applied" });
    const restored = await job("restore", 2, SHA_A);
    expect(JSON.parse(restored.stdout)).toMatchObject({ outcome: "done" });
    expect((await readPrMetadata(client, "cj_pr_2"))?.status).toBe("complete");
  });

  it("refuses (exit 3) to restore, reset or drop a locked database that holds data, and changes nothing", async () => {
    expect((await job("restore", 3, SHA_A)).code).toBe(0);
    await lockRecord("cj_pr_3", true);
    const before = await dbHash(client, "cj_pr_3");
    for (const command of ["restore", "reset", "drop"]) {
      const r = await job(command, 3, SHA_B);
      expect(r.code, `${command}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(`Refusing to ${command} cj_pr_3: it is locked .* Nothing was changed`),
      );
      expect((await dbHash(client, "cj_pr_3")).md5).toBe(before.md5);
    }
    // Without --expect-sha the command is a person's explicit request: no stale-Job check.
    const byHand = await cli(["drop", "--pr-number", "3"], env);
    expect(byHand.code, byHand.stderr).toBe(0);
    expect(await client.db("admin").admin().listDatabases({ nameOnly: true })).not.toMatchObject({
      databases: expect.arrayContaining([{ name: "cj_pr_3" }]),
    });
  });

  it("a locked database that holds no data yet still gets its first copy (PR opened with both labels)", async () => {
    await lockRecord("cj_pr_4", true);
    const r = await job("restore", 4, SHA_A);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/locked, but it holds no data yet: first deploy/);
    expect((await readPrMetadata(client, "cj_pr_4"))?.status).toBe("complete");
  });

  it("an unlocked record does not stop anything; drop takes the sha from PR_SNAPSHOTS_EXPECT_SHA", async () => {
    expect((await job("restore", 5, SHA_A)).code).toBe(0);
    await lockRecord("cj_pr_5", false);
    const r = await cli(["drop", "--pr-number", "5", "--json"], { ...env, PR_SNAPSHOTS_EXPECT_SHA: SHA_B });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      command: "drop",
      outcome: "done",
      existed: true,
      expectSha: SHA_B,
    });
    const names = (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(names).not.toContain("cj_pr_5");
  });

  it("reads the records only once it holds the writer lease: a lock set while it waited stops it", async () => {
    expect((await job("restore", 7, SHA_A)).code).toBe(0);
    const held = await acquireWriterLease({
      client,
      database: "cj_pr_7",
      policy: targetPolicy({ prefix: "cj" }),
      log: silentLog,
      what: "restore",
      waitMs: 0,
      owner: "the test",
    });
    const running = startAction("cli", {
      entry,
      env: { ...env, MONGODB_URI: uri, GITHUB_ACTIONS: "" },
      argv: ["restore", "--pr-number", "7", "--expect-sha", SHA_B, "--wait-timeout-seconds", "60"],
    });
    const deadline = Date.now() + 30_000;
    while (!/is being written by the test/.test(running.stderr()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(running.stderr()).toMatch(/is being written by the test/);
    await lockRecord("cj_pr_7", true);
    const before = await dataHash(client, "cj_pr_7");
    await held.release();
    const r = await running.done;
    expect(r.code, r.stderr).toBe(3);
    expect(await dataHash(client, "cj_pr_7")).toBe(before);
  });

  it("--dry-run says what the Job would do and writes nothing", async () => {
    expect((await job("restore", 6, SHA_A)).code).toBe(0);
    const before = await dbHash(client, "cj_pr_6");
    const r = await job("drop", 6, SHA_B, ["--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "dry-run", verdict: "proceed" });
    expect((await dbHash(client, "cj_pr_6")).md5).toBe(before.md5);
    const off = await job("drop", 6, SHA_B, ["--dry-run", "--no-dry-run"]);
    expect(JSON.parse(off.stdout)).toMatchObject({ outcome: "done" });
  });
});

describe("pr-snapshots scan and the masking secrets", () => {
  it("lists field paths, their types, what looks personal and what covers it; --json for machines; --strict exits 3", async () => {
    const { README_MASKING_CONFIG, seedPersonal } = await import("../support/personal-data");
    await seedPersonal(client, "sc_prod", 20);
    await client
      .db("sc_prod")
      .collection("people")
      .updateMany({}, [{ $set: { contactEmail: { $concat: ["c.", "$email"] } } }]);
    const dir = mkdtempSync(path.join(tmpdir(), "cli-scan-"));
    writeFileSync(path.join(dir, "rules.yml"), README_MASKING_CONFIG);
    const table = await cli(
      ["scan", "--source-database", "sc_prod", "--config", "rules.yml", "--collections", "people,orders"],
      {},
      dir,
    );
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^people \(20 documents sampled\)$/m);
    expect(table.stdout).toMatch(
      /^ {2}contactEmail +string +PERSONAL, NOT COVERED +suggested: email +name: e-mail; values: 100 % e-mail addresses$/m,
    );
    expect(table.stdout).toMatch(
      /^ {2}email +string +personal +rule email: email +name: e-mail; values: 100 % e-mail addresses$/m,
    );
    // The rules for what is not covered, ready to paste.
    expect(table.stdout).toContain(
      "masking:\n  rules:\n    people:\n      contactEmail: email\n      nickname: hash\n",
    );
    expect(table.stdout).toMatch(/^ {2}addresses\.city +string +personal +keep addresses\.city/m);
    expect(table.stderr).toMatch(
      /2 likely-personal field\(s\) covered by no masking rule and no keep: people\.contactEmail \(name: e-mail; values: 100 % e-mail addresses\) → email; people\.nickname \(name: username \(nick name\)\) → hash/,
    );
    // Values are classified, never printed.
    const someone = await client.db("sc_prod").collection("people").findOne({});
    expect(table.stdout + table.stderr).not.toContain(String(someone?.email));

    const json = await cli(
      ["scan", "--source-database", "sc_prod", "--config", "rules.yml", "--json", "--sample", "5"],
      {},
      dir,
    );
    const report = JSON.parse(json.stdout) as {
      collection: string;
      sampled: number;
      fields: { path: string; personal: boolean; reasons: { by: string; detector: string }[] }[];
    }[];
    // 5 random documents, and a few more for paths those 5 lack (nickname is in 3 of 20).
    const people = report.find((s) => s.collection === "people");
    expect(people?.sampled).toBeGreaterThanOrEqual(5);
    expect(people?.sampled).toBeLessThan(20);
    expect(people?.fields.find((f) => f.path === "nickname")?.personal).toBe(true);
    expect(people?.fields.find((f) => f.path === "contactEmail")).toMatchObject({
      personal: true,
      reasons: [
        { by: "name", detector: "e-mail" },
        { by: "values", detector: "email" },
      ],
    });

    const strict = await cli(
      ["scan", "--source-database", "sc_prod", "--config", "rules.yml", "--strict"],
      {},
      dir,
    );
    expect(strict.code).toBe(3);
    expect(strict.stderr).toMatch(
      /people\.contactEmail \(name: e-mail; values: 100 % e-mail addresses\) → email/,
    );
  });

  it("takes the masking salt and production's URI only from the environment", async () => {
    const flag = await cli(["produce", "--mask-salt", "a-salt-given-on-the-command-line"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/PR_SNAPSHOTS_MASK_SALT environment variable, not as a flag/);
    expect(flag.stderr).not.toContain("a-salt-given-on-the-command-line");
    const { PERSONAL_CONFIG, seedPersonal } = await import("../support/personal-data");
    // Production on the other deployment (the replica set), the snapshot on this one.
    const production = new MongoClient(inject("mongoReplSetUri"));
    await production.connect();
    await seedPersonal(production, "cs_prod", 10).finally(() => production.close());
    const dir = mkdtempSync(path.join(tmpdir(), "cli-masked-"));
    mkdirSync(path.join(dir, ".github"));
    writeFileSync(path.join(dir, ".github/pr-snapshots.yml"), PERSONAL_CONFIG);
    const salt = "cli-salt-0123456789abcdef-secret";
    const produced = await cli(
      ["produce", "--source-database", "cs_prod", "--db-prefix", "cs", "--allow-privileged-credentials"],
      { PR_SNAPSHOTS_MASK_SALT: salt, PR_SNAPSHOTS_SOURCE_URI: inject("mongoReplSetUri") },
      dir,
    );
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stderr).not.toContain(salt);
    expect(produced.stderr).toMatch(/cross-cluster/);
    expect((await readSnapshotMetadata(client.db("cs_snapshot")))?.masking).toMatchObject({ verified: true });
  });
});

import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import type { MongoClient } from "mongodb";
import { beforeEach, describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { dbHash } from "../support/mongod";
import { authServerForSuite, pullRequestRoles } from "../support/permission-model";
import { type RunActionOptions, runAction, startAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";

const suite = mongoAndGitHub();
beforeEach(() => {
  suite.gh.restore();
  suite.gh.clearRequests();
});

async function snapshotOf(
  prefix: string,
  scale = 1,
  c: MongoClient = suite.client,
  extra: { abstractWords?: number } = {},
) {
  await seedProduction(c, `${prefix}_prod`, { scale, ...extra });
  return produceTestSnapshot(c, prefix);
}

const restore = (inputs: Record<string, string | number | boolean>, extra: RunActionOptions = {}) =>
  runAction("restore-snapshot", {
    apiUrl: suite.gh.url,
    ...extra,
    inputs: {
      "github-token": suite.gh.defaultToken,
      "mongodb-uri": suite.uri,
      "poll-interval-seconds": 1,
      "wait-timeout-seconds": 5,
      ...inputs,
    },
  });

async function databases(): Promise<string[]> {
  return (await suite.client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
    (d) => d.name,
  );
}

describe("restore-snapshot (bundled action as a process)", () => {
  it("restores the PR database, reports it, and comments with the snapshot's timestamp", async () => {
    const produced = await snapshotOf("ra");
    suite.gh.addPullRequest({ number: 7, labels: ["preview", "use-snapshot"] });
    const prodBefore = await dbHash(suite.client, "ra_prod");
    const r = await restore(
      { "db-prefix": "ra" },
      { event: pullRequestEvent({ action: "labeled", number: 7, label: "use-snapshot" }) },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      database: "ra_pr_7",
      "snapshot-timestamp": produced.timestamp.toISOString(),
      collections: "11",
      documents: String(produced.documents),
      generation: produced.generation,
    });
    expect(Number(r.outputs["duration-ms"])).toBeGreaterThan(0);
    const pr = await dbHash(suite.client, "ra_pr_7");
    for (const name of SAMPLE_COLLECTIONS) expect(pr.collections[name]).toBe(prodBefore.collections[name]);
    expect(await dbHash(suite.client, "ra_prod")).toEqual(prodBefore);

    const comments = suite.gh.commentsOn(7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.split("\n")[0]).toBe("<!-- pr-snapshots:db-restored -->");
    expect(comments[0]?.body).toContain(produced.timestamp.toISOString().slice(0, 16).replace("T", " "));
    expect(r.outputs["comment-url"]).toBe(
      `https://github.com/acme/shop/pull/7#issuecomment-${comments[0]?.id}`,
    );
    expect(r.summary).toMatch(/\| pmStudy \| \d+ \| 4 \| [\d.]+ \| \$out \|/);
    expect(r.stdout).toContain("::group::pmProject");
    // The URI is masked before anything is printed and appears nowhere else.
    expect(r.masked).toContain(suite.uri);
    expect(r.stdout.replace(/::add-mask::.*/g, "")).not.toContain(suite.uri);
    expect(JSON.stringify(r.outputs) + r.summary + comments[0]?.body).not.toContain("mongodb://");
  });

  it("a re-run of the same workflow run does not post a second comment", async () => {
    await snapshotOf("rr");
    suite.gh.addPullRequest({ number: 8 });
    const event = pullRequestEvent({ action: "synchronize", number: 8 });
    expect((await restore({ "db-prefix": "rr" }, { event, runId: 42 })).code).toBe(0);
    const again = await restore({ "db-prefix": "rr" }, { event, runId: 42, runAttempt: 2 });
    expect(again.code).toBe(0);
    expect(suite.gh.commentsOn(8)).toHaveLength(1);
  });

  it("dry-run prints the plan and writes nothing", async () => {
    await snapshotOf("rd");
    const r = await restore({ "db-prefix": "rd", "pr-number": 3, "dry-run": true });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(
      /would copy pmStudy: \d+ documents, indexes: project_year, doi_unique_sparse, fulltext, annotations_wildcard/,
    );
    expect(r.summary).toContain("dry run, nothing written");
    expect(await databases()).not.toContain("rd_pr_3");
    expect(suite.gh.requests).toHaveLength(0);
  });

  it.each([
    ["admin", /it is protected \(a MongoDB system database\)/],
    ["rb_snapshot", /it is protected \(the snapshot database\)/],
    ["rb_prod", /it is protected \(the production database/],
    ["rb_pr_0", /matches none of the allowed target patterns/],
    ["rb_pr_12a", /matches none of the allowed target patterns/],
    ["rb_pr_1.x", /not a valid MongoDB database name/],
    ["rb pr 1", /not a valid MongoDB database name/],
    [`rb_pr_${"1".repeat(64)}`, /not a valid MongoDB database name/],
  ])("refuses target %j before any write", async (database, message) => {
    if (!(await databases()).includes("rb_snapshot")) await snapshotOf("rb");
    const before = await dbHash(suite.client, "rb_prod");
    const r = await restore({ "db-prefix": "rb", database, "source-database": "rb_prod" });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(message);
    expect(await dbHash(suite.client, "rb_prod")).toEqual(before);
    expect((await databases()).filter((d) => d.startsWith("rb_pr_"))).toEqual([]);
  });

  it("missing snapshot: waits, then fails with the three ways out", async () => {
    const r = await restore({ "db-prefix": "rm", "pr-number": 4, "wait-timeout-seconds": 2 });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /No complete snapshot in database "rm_snapshot" after waiting 2s \(no snapshot yet\)/,
    );
    expect(r.errors.join("\n")).toMatch(/snapshot-on-demand/);
    expect(r.stdout).toMatch(/Waiting for a complete snapshot/);
    expect(await databases()).not.toContain("rm_pr_4");
  });

  it("unreachable server and a malformed URI fail fast and say why", async () => {
    const down = await restore({
      "db-prefix": "ru",
      "pr-number": 1,
      "mongodb-uri": "mongodb://u:s3cret@127.0.0.1:9/?serverSelectionTimeoutMS=500",
    });
    expect(down.code).toBe(1);
    expect(down.errors.join("\n")).toMatch(/Could not reach MongoDB at mongodb:\/\/u@127.0.0.1:9/);
    expect(down.stdout.replace(/::add-mask::.*/g, "")).not.toContain("s3cret");
    const bad = await restore({
      "db-prefix": "ru",
      "pr-number": 1,
      "mongodb-uri": "postgres://u:s3cret@db/x",
    });
    expect(bad.code).toBe(1);
    expect(bad.errors.join("\n")).toMatch(/must start with "mongodb:\/\/" or "mongodb\+srv:\/\/"/);
    expect(bad.stdout.replace(/::add-mask::.*/g, "")).not.toContain("s3cret");
  });

  it("killing the process mid-copy and running again converges to a correct database", async () => {
    await snapshotOf("rk", 40, suite.client, { abstractWords: 400 });
    const prod = await dbHash(suite.client, "rk_prod");
    const inputs = {
      "db-prefix": "rk",
      "pr-number": 11,
      concurrency: 1,
      comment: false,
      "github-token": suite.gh.defaultToken,
      "mongodb-uri": suite.uri,
      // The killed run's lease must expire before the next run may write: keep that short here.
      "lease-seconds": 3,
    };
    const first = startAction("restore-snapshot", { apiUrl: suite.gh.url, inputs });
    const deadline = Date.now() + 60_000;
    while (!/✓ pm\w+:/.test(first.stdout()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.code).not.toBe(0);
    expect(killed.stdout).not.toMatch(/Restored 11 collections/);
    expect((await readPrMetadata(suite.client, "rk_pr_11"))?.status).toBe("restoring");

    const second = await runAction("restore-snapshot", { apiUrl: suite.gh.url, inputs });
    expect(second.code, second.stdout).toBe(0);
    const pr = await dbHash(suite.client, "rk_pr_11");
    for (const name of SAMPLE_COLLECTIONS) expect(pr.collections[name], name).toBe(prod.collections[name]);
    expect(Object.keys(pr.collections).filter((n) => n.startsWith("tmp."))).toEqual([]);
    expect((await readPrMetadata(suite.client, "rk_pr_11"))?.status).toBe("complete");
  });
});

describe("restore-snapshot on an --auth server with the original permission model", () => {
  const server = authServerForSuite();

  it("succeeds with the PR user's credentials and refuses root's unless allowed; wrong password is explained", async () => {
    await snapshotOf("sy", 1, server.admin);
    const prUri = await server.mongo.createUser({
      user: "sy-pr-21-user",
      pwd: "pr:secret/21",
      roles: pullRequestRoles("sy_snapshot", "sy_pr_21"),
    });
    const ok = await restore({
      "db-prefix": "sy",
      "pr-number": 21,
      "mongodb-uri": prUri,
      comment: false,
    });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/sy-pr-21-user@admin cannot write any protected database/);
    expect(ok.masked).toEqual(
      expect.arrayContaining([prUri, encodeURIComponent("pr:secret/21"), "pr:secret/21"]),
    );
    // The differential proofs (dbHash on both databases, the swap's rename) need nothing more.
    const again = await restore({ "db-prefix": "sy", "pr-number": 21, "mongodb-uri": prUri, comment: false });
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs["kept-collections"]).toBe("11");
    expect(again.stdout).not.toMatch(/refused/);

    const root = await restore({
      "db-prefix": "sy",
      "pr-number": 21,
      "mongodb-uri": server.mongo.uri,
      comment: false,
    });
    expect(root.code).toBe(1);
    expect(root.errors.join("\n")).toMatch(
      /can write every database[\s\S]*allow-privileged-credentials: true/,
    );

    const wrong = await restore({
      "db-prefix": "sy",
      "pr-number": 21,
      "mongodb-uri": server.mongo.uriFor("sy-pr-21-user", "nope"),
      comment: false,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.errors.join("\n")).toMatch(/rejected the credentials for user "sy-pr-21-user"/);
  });
});

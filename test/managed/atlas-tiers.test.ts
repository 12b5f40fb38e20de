import path from "node:path";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { sweeperCreateRole } from "@pr-snapshots/core/sweep/role";
import { type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AtlasProxy } from "../support/atlas-proxy";
import { pullRequestEvent } from "../support/events";
import { GitHubStandIn } from "../support/github-stand-in";
import { dbHash, type RunningMongo, repoRoot, startMongo } from "../support/mongod";
import { DEFAULT_GITHUB_SHA, runAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, SAMPLE_MASKING_CONFIG, seedProduction } from "../support/sample-data";

/**
 * The whole flow (produce, masked produce, restore, comment, drop, sweep) as the bundled actions
 * run it, against "Atlas": a proxy in front of a real mongod that answers as Atlas documents its
 * M0/Flex tiers (and, as a robustness case, also refuses $currentOp) and its M10+ tier (access
 * control, users with only the roles Atlas gives). Plus the failures of CONTRACT §14: names over
 * the shared tiers' limits refused before any write, with the limit and the fix.
 */
const SALT = "atlas-tier-test-salt-0c1d2e3f4a5b";
const CONFIG_PATH = ".github/pr-snapshots.yml";
const BIG = "pmAuditTrail";

let gh: GitHubStandIn;
let shared: RunningMongo; // behind the M0/Flex proxies
let dedicated: RunningMongo; // behind the M10 proxy, with access control
let sharedClient: MongoClient;
let dedicatedClient: MongoClient;
const proxies: AtlasProxy[] = [];

beforeAll(async () => {
  [gh, shared, dedicated] = await Promise.all([
    GitHubStandIn.start(),
    startMongo(),
    startMongo({ auth: true }),
  ]);
  sharedClient = new MongoClient(shared.uri);
  dedicatedClient = new MongoClient(dedicated.uri);
  await Promise.all([sharedClient.connect(), dedicatedClient.connect()]);
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await sharedClient?.close();
  await dedicatedClient?.close();
  await Promise.all([gh?.stop(), shared?.stop(), dedicated?.stop()]);
});

async function proxy(
  profile: "m0" | "flex" | "m10",
  refuseCurrentOp = false,
  alsoRefuse?: (command: string, body: Document) => boolean,
): Promise<AtlasProxy> {
  const backend = profile === "m10" ? dedicated : shared;
  const p = await AtlasProxy.start({
    backend: backend.host,
    backendUri: backend.uri,
    profile,
    refuseCurrentOp,
    ...(alsoRefuse ? { alsoRefuse } : {}),
  });
  proxies.push(p);
  return p;
}

/** Production: the sample data plus one collection of about 2.5 MB, copied in 1 MB chunks. */
async function seed(client: MongoClient, db: string) {
  await seedProduction(client, db);
  const docs = Array.from({ length: 2_500 }, (_, i) => ({
    _id: i,
    at: new Date(1e12 + i),
    note: "x".repeat(1_000),
  }));
  await client
    .db(db)
    .collection<Document>(BIG)
    .insertMany(docs as Document[]);
}

async function databases(client: MongoClient): Promise<string[]> {
  return (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
}

const produce = (uri: string, inputs: Record<string, string | number | boolean>) =>
  runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl: gh.url,
    inputs: {
      "github-token": gh.defaultToken,
      "mongodb-uri": uri,
      "chunk-mb": 1,
      "allow-privileged-credentials": true,
      ...inputs,
    },
  });

const restore = (uri: string, inputs: Record<string, string | number | boolean>) =>
  runAction("restore-snapshot", {
    apiUrl: gh.url,
    eventName: "workflow_dispatch",
    inputs: {
      "github-token": gh.defaultToken,
      "mongodb-uri": uri,
      "poll-interval-seconds": 1,
      "wait-timeout-seconds": 5,
      "chunk-mb": 1,
      comment: false,
      ...inputs,
    },
  });

interface FlowUsers {
  producer: string;
  masked: string;
  pr: (n: number) => string;
  sweeper: string;
}

/** The flow of one tier; returns every run's warnings for the caller's checks. */
async function wholeFlow(p: AtlasProxy, backend: MongoClient, prefix: string, users?: FlowUsers) {
  const uri = p.uri();
  const warnings: string[] = [];
  const ok = (r: Awaited<ReturnType<typeof runAction>>) => {
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    warnings.push(...r.warnings);
    return r;
  };
  await seed(backend, `${prefix}_prod`);
  await seed(backend, `${prefix}m_prod`);
  const prodBefore = await dbHash(backend, `${prefix}_prod`);

  // produce, and a masked produce (rules from the config file at the workflow's commit)
  ok(await produce(users?.producer ?? uri, { "db-prefix": prefix, "source-database": `${prefix}_prod` }));
  gh.setFile(DEFAULT_GITHUB_SHA, CONFIG_PATH, SAMPLE_MASKING_CONFIG);
  const masked = ok(
    await produce(users?.masked ?? uri, {
      "db-prefix": `${prefix}m`,
      "source-database": `${prefix}m_prod`,
      "mask-salt": SALT,
    }),
  );
  gh.setFile(DEFAULT_GITHUB_SHA, CONFIG_PATH, "");
  expect(masked.summary).toMatch(/verified against production before publishing/);
  const meta = await readSnapshotMetadata(backend.db(`${prefix}_snapshot`));
  expect(meta?.status).toBe("complete");
  expect(meta?.generation).toMatch(/^g\d{10}_[0-9a-f]{4}$/);

  // restore, comment, drop
  gh.addPullRequest({ number: 7, labels: ["preview", "use-snapshot"] });
  ok(await restore(users?.pr(7) ?? uri, { "db-prefix": prefix, "pr-number": 7 }));
  const pr = await dbHash(backend, `${prefix}_pr_7`);
  for (const name of [...SAMPLE_COLLECTIONS, BIG])
    expect(pr.collections[name], name).toBe(prodBefore.collections[name]);
  expect(
    (
      await backend
        .db(`${prefix}_pr_7`)
        .collection("snapshot_metadata")
        .findOne({ _id: "latest" as never })
    )?.status,
  ).toBe("complete");
  ok(
    await runAction("post-preview-comment", {
      apiUrl: gh.url,
      event: pullRequestEvent({ action: "synchronize", number: 7, labels: ["preview", "use-snapshot"] }),
      inputs: {
        "github-token": gh.defaultToken,
        "config-sha": "none",
        "mongodb-uri": users?.pr(7) ?? uri,
        "db-prefix": prefix,
        "use-snapshot": true,
        "persist-db": false,
        "head-sha": "a".repeat(40),
      },
    }),
  );
  expect(gh.commentsOn(7).some((c) => c.body.startsWith("<!-- pr-snapshots:preview -->"))).toBe(true);
  gh.close(7);
  const dropped = ok(
    await runAction("enforce-lock", {
      apiUrl: gh.url,
      event: pullRequestEvent({ action: "closed", number: 7, state: "closed" }),
      inputs: { "github-token": gh.defaultToken, "mongodb-uri": users?.pr(7) ?? uri, "db-prefix": prefix },
    }),
  );
  expect(dropped.outputs["db-action"]).toBe("drop");
  expect(await databases(backend)).not.toContain(`${prefix}_pr_7`);

  // sweep: a closed PR's database is dropped
  gh.addPullRequest({ number: 8, labels: ["preview"] });
  ok(await restore(users?.pr(8) ?? uri, { "db-prefix": prefix, "pr-number": 8 }));
  gh.close(8);
  ok(
    await runAction("sweep-databases", {
      apiUrl: gh.url,
      eventName: "schedule",
      event: { schedule: "17 4 * * *" },
      inputs: {
        "github-token": gh.defaultToken,
        "mongodb-uri": users?.sweeper ?? uri,
        "db-prefix": prefix,
        "allow-privileged-credentials": true,
      },
    }),
  );
  expect(await databases(backend)).not.toContain(`${prefix}_pr_8`);
  expect(await dbHash(backend, `${prefix}_prod`)).toEqual(prodBefore);
  return warnings;
}

/** What reached the server: every aggregation under the cap, none asking to spill to disk. */
function expectUnderTheCap(p: AtlasProxy, cap = 300_000) {
  const aggregates = p.commands.filter((c) => c.name === "aggregate" && !c.refused);
  expect(aggregates.length).toBeGreaterThan(10);
  for (const a of aggregates) {
    expect(Number(a.body.maxTimeMS)).toBeGreaterThan(0);
    expect(Number(a.body.maxTimeMS)).toBeLessThanOrEqual(cap);
    expect(a.body.allowDiskUse).toBeUndefined();
  }
  // The product's own copies carry a limit within the cap (the proxy would only lower it).
  const copies = aggregates.filter((a) => /^pr-snapshots copy into /.test(String(a.sent.comment ?? "")));
  expect(copies.length).toBeGreaterThan(10);
  for (const a of copies) {
    expect(Number(a.sent.maxTimeMS), JSON.stringify(a.sent.pipeline).slice(0, 200)).toBeGreaterThan(0);
    expect(Number(a.sent.maxTimeMS)).toBeLessThanOrEqual(cap);
  }
  // The large collection went in bounded chunks, never in one $out.
  const into = (a: { body: Document }) => {
    const last = (a.body.pipeline as Document[]).at(-1) ?? {};
    return String(last.$out?.coll ?? last.$merge?.into?.coll ?? "");
  };
  const big = aggregates.filter((a) => into(a).endsWith(BIG));
  expect(big.filter((a) => "$out" in ((a.body.pipeline as Document[]).at(-1) ?? {}))).toEqual([]);
  // ≥ 2 chunks each for the producer and both restores.
  expect(big.length).toBeGreaterThanOrEqual(6);
}

describe("Atlas M0 / Flex (proxy: refused commands, 300 s cap, allowDiskUse ignored, 38/95-byte names)", {
  timeout: 300_000,
}, () => {
  it("the whole flow is green; hostInfo is refused and handled", async () => {
    const p = await proxy("m0");
    const warnings = await wholeFlow(p, sharedClient, "am");
    expect(p.refused().map((c) => c.name)).toContain("hostInfo");
    expect(p.refused().every((c) => /is not allowed or the syntax is incorrect/.test(c.refused ?? ""))).toBe(
      true,
    );
    expectUnderTheCap(p);
    expect(warnings.join("\n")).not.toMatch(/leftover copies/);
  });

  it("a service that also refuses $currentOp: one warning per run that says what it costs, and the flow is green", async () => {
    const p = await proxy("flex", true);
    const warnings = await wholeFlow(p, sharedClient, "af");
    expect(p.refused().some((c) => c.name === "aggregate")).toBe(true);
    const stale = warnings.filter((w) =>
      /leftover copies of a killed run cannot be found on this server/.test(w),
    );
    expect(stale.length).toBeGreaterThanOrEqual(3); // restore ×2, enforce-lock's drop, the sweep, the producers
    expect(stale[0]).toMatch(/the one-writer lease still applies/);
    expectUnderTheCap(p);
  });

  it("names over the shared tiers' limits are refused before any write, naming the limit and the fix", async () => {
    const p = await proxy("m0");
    await seedProduction(sharedClient, "an_prod");
    const before = await databases(sharedClient);
    // 39 bytes: one more than M0/Flex allow.
    const long = `an_snapshot_${"s".repeat(27)}`;
    const r = await produce(p.uri(), {
      "db-prefix": "an",
      "source-database": "an_prod",
      "snapshot-database": long,
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /The snapshot database "an_snapshot_s+" is 39 bytes long; Atlas's shared tiers \(M0, Flex; detected: serverStatus answers only Atlas's shared-tier fields.*\) allow database names of at most 38 bytes\. Use a shorter name: snapshot-database/,
    );
    expect(r.errors.join("\n")).toMatch(/Nothing was written\./);
    expect(await databases(sharedClient)).toEqual(before);

    // Known before connecting when set: the connection string points nowhere.
    const early = await restore("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=60000", {
      "db-prefix": "an",
      database: `an_pr_${"1".repeat(35)}`,
      "allowed-targets": "an_pr_[0-9]+",
      "server-limits": "atlas-shared",
    });
    expect(early.code).toBe(1);
    expect(early.errors.join("\n")).toMatch(
      /The PR database "an_pr_1+" is 41 bytes long; .* at most 38 bytes\./,
    );
    expect(early.durationMs).toBeLessThan(30_000);

    // The command line: --server-limits, or PR_SNAPSHOTS_SERVER_LIMITS, the same check before connecting.
    const entry = path.join(repoRoot, "packages/cli/dist/index.js");
    const cli = (argv: string[], env: Record<string, string> = {}) =>
      runAction("cli", {
        entry,
        argv,
        env: {
          MONGODB_URI: "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=60000",
          GITHUB_ACTIONS: "",
          ...env,
        },
      });
    const args = [
      "drop",
      "--db-prefix",
      "an",
      "--database",
      `an_pr_${"2".repeat(35)}`,
      "--allowed-targets",
      "an_pr_[0-9]+",
    ];
    for (const run of [
      await cli([...args, "--server-limits", "atlas-shared"]),
      await cli(args, { PR_SNAPSHOTS_SERVER_LIMITS: "atlas-shared" }),
    ]) {
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toMatch(
        /The PR database "an_pr_2+" is 41 bytes long; .* at most 38 bytes\./,
      );
      expect(run.durationMs).toBeLessThan(30_000);
    }
  });

  it("a legal 59-byte production name fits the generation; a name the PR database cannot hold is refused before any write", async () => {
    const p = await proxy("m0");
    const name59 = `c${"x".repeat(58)}`;
    const name88 = `d${"y".repeat(87)}`;
    await sharedClient
      .db("ag")
      .collection<Document>(name59)
      .insertOne({ _id: 1 } as Document);
    await sharedClient
      .db("ag")
      .collection<Document>(name88)
      .insertOne({ _id: 2 } as Document); // "ag." + 88 = 91 bytes: legal on M0
    const r = await produce(p.uri(), {
      "db-prefix": "ag",
      "source-database": "ag",
      "snapshot-database": "ag_snapshot",
    });
    expect(r.code, r.stdout).toBe(0);
    const meta = await readSnapshotMetadata(sharedClient.db("ag_snapshot"));
    for (const physical of Object.values(meta?.physical ?? {}))
      expect(Buffer.byteLength(`ag_snapshot.${physical}`)).toBeLessThanOrEqual(95);
    expect(meta?.physical?.[name59]).toBe(`${meta?.generation}.${name59}`);
    expect(meta?.physical?.[name88]).toMatch(/~[0-9a-f]{10}$/);

    const refused = await restore(p.uri(), {
      "db-prefix": "ag",
      "pr-number": 12345,
      "snapshot-database": "ag_snapshot",
    });
    expect(refused.code).toBe(1);
    expect(refused.errors.join("\n")).toMatch(
      new RegExp(
        `The collection "${name88}" would be the namespace "ag_pr_12345\\.${name88}", 100 bytes long; .* at most 95 bytes\\. Use a shorter name: the database input, or a shorter db-prefix\\.`,
      ),
    );
    expect(await databases(sharedClient)).not.toContain("ag_pr_12345");
  });
});

describe("Atlas M10+ (proxy: access control, only the roles Atlas users get)", { timeout: 300_000 }, () => {
  it("the whole flow is green with least-privilege users", async () => {
    const p = await proxy("m10");
    const admin = dedicatedClient.db("admin");
    const user = async (name: string, roles: { role: string; db: string }[]) => {
      await admin.command({ createUser: name, pwd: `${name}-pw`, roles });
      return p.uri({ user: name, pwd: `${name}-pw` });
    };
    const roles = (read: string, write: string) => [
      { role: "read", db: read },
      { role: "readWrite", db: write },
      { role: "dbAdmin", db: write },
    ];
    const spec = sweeperCreateRole();
    await admin.command({ createRole: spec.role, privileges: spec.privileges, roles: [] });
    const users: FlowUsers = {
      producer: await user("producer", roles("ad_prod", "ad_snapshot")),
      masked: await user("masked", roles("adm_prod", "adm_snapshot")),
      pr: (n) => p.uri({ user: `pr${n}`, pwd: `pr${n}-pw` }),
      sweeper: await user("sweeper", [{ role: spec.role, db: "admin" }]),
    };
    for (const n of [7, 8]) await user(`pr${n}`, roles("ad_snapshot", `ad_pr_${n}`));
    const warnings = await wholeFlow(p, dedicatedClient, "ad", users);
    expect(warnings.join("\n")).not.toMatch(/no access control/);
    expect(warnings.join("\n")).not.toMatch(/cannot be checked/);
    // hostInfo needs clusterMonitor, which these users lack: the engine falls back, nothing fails.
    expect(p.refused()).toEqual([]);
  });

  it("a server that will not list privileges: built-in roles still decide; unknown ones fail closed unless allowed", async () => {
    // After the flow above: ad_snapshot is complete, user pr7 has read on it and readWrite + dbAdmin on ad_pr_7.
    const pr7 = { user: "pr7", pwd: "pr7-pw" };
    const noDetail = await proxy(
      "m10",
      false,
      (c, b) => c === "connectionStatus" && b.showPrivileges === true,
    );
    const byRoles = await restore(noDetail.uri(pr7), { "db-prefix": "ad", "pr-number": 7 });
    expect(byRoles.code, byRoles.stdout).toBe(0);
    expect(byRoles.stdout).toMatch(/cannot write any protected database: least privilege confirmed/);

    const none = await proxy("m10", false, (c) => c === "connectionStatus");
    const refused = await restore(none.uri(pr7), { "db-prefix": "ad", "pr-number": 7 });
    expect(refused.code).toBe(1);
    expect(refused.errors.join("\n")).toMatch(
      /The privileges of the credentials in mongodb-uri cannot be checked: the server refused connectionStatus \(Command connectionStatus not supported\)\..*allow-privileged-credentials: true/,
    );
    const allowed = await restore(none.uri(pr7), {
      "db-prefix": "ad",
      "pr-number": 7,
      "allow-privileged-credentials": true,
    });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.warnings.join("\n")).toMatch(
      /cannot be checked.*proceeding: allow-privileged-credentials is true/,
    );
  });
});

import { kindOf } from "@pr-snapshots/core/github/comments";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CONFIG_PATH,
  DATABASE,
  DEMO_SALT,
  type Lifecycle,
  PR,
  PROD,
  SNAPSHOT,
  type SyncResult,
  startLifecycle,
} from "../../demo/scenario";
import { DEFAULT_BASE_SHA } from "../support/github-stand-in";
import { DEFAULT_GITHUB_SHA } from "../support/run-action";

/** The demo's scenario, asserted step by step: real bundles, real mongod with auth, GitHub stand-in. */
describe("a pull request's whole lifecycle (the demo, asserted)", () => {
  let life: Lifecycle;
  let productionHash: string;
  const kinds = (r: SyncResult) => r.comments.map((c) => kindOf(c.body)).sort();
  let restoredHash: string | undefined;

  beforeAll(async () => {
    life = await startLifecycle({ scale: 2 });
    productionHash = await life.productionHash();
  });
  afterAll(async () => life?.stop());
  let contentsBefore = 0;
  beforeEach(() => {
    contentsBefore = life.gh.contentsRequests().length;
  });

  /** As in pr-preview.yml: detect-labels fetches the config at the base commit, the later steps use its copy. */
  function expectConfigFetchedOnce(r: SyncResult): void {
    expect(life.gh.contentsRequests().slice(contentsBefore)).toEqual([`${CONFIG_PATH}@${DEFAULT_BASE_SHA}`]);
    for (const [name, run] of Object.entries(r.runs)) {
      expect(run.stdout, name).toContain(
        name === "detect-labels"
          ? "Config: read .github/pr-snapshots.yml at commit f95f852 (the pull request's base commit) through the contents API"
          : "from the runner's cache, verified against detect-labels' config-sha output",
      );
      expect(run.summary, name).toMatch(/Config: read \.github\/pr-snapshots\.yml at commit f95f852/);
    }
    expect(r.requests["enforce-lock"]).toBeLessThanOrEqual(3);
  }

  it("0. the producer publishes a complete snapshot with the producer user", async () => {
    const r = await life.produce();
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.collections).toBe("11");
    expect(life.gh.contentsRequests()).toEqual([`${CONFIG_PATH}@${DEFAULT_GITHUB_SHA}`]);
    expect(r.stdout).toContain(
      "Config: read .github/pr-snapshots.yml at commit 6dcb09b (the workflow's commit GITHUB_SHA) through the contents API",
    );
    expect((await readSnapshotMetadata(life.admin.db(SNAPSHOT)))?.status).toBe("complete");
  });

  it("1. opened with preview + use-snapshot: restored from the snapshot, preview comment posted", async () => {
    const r = await life.open(["preview", "use-snapshot"]);
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("restore");
    expect(r.runs["restore-snapshot"]?.outputs.collections).toBe("11");
    expect(kinds(r)).toEqual(["db-restored", "preview"]);
    const preview = r.comments.find((c) => kindOf(c.body) === "preview")?.body ?? "";
    expect(preview).toContain(`| Database | \`${DATABASE}\` |`);
    expect(preview).toMatch(/Production snapshot.*taken \*\*\d{4}-\d\d-\d\d \d\d:\d\d UTC\*\*/);
    // the URLs come only from the config file at the base commit, through detect-labels' copy
    expect(preview).toContain("- **Web**: https://pr-42.shop.example.com");
    expect(preview).toContain("- **API**: https://api.pr-42.shop.example.com");
    expect(r.database).toMatchObject({ exists: true, collections: 11, views: 1, source: "snapshot" });
    restoredHash = r.database.md5;
  });

  it("2. persist-db added: locked, lock-added comment, preview comment updated, database untouched", async () => {
    const r = await life.label("labeled", "persist-db");
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("none");
    expect(r.runs["enforce-lock"]?.outputs.locked).toBe("true");
    expect(kinds(r)).toEqual(["lock-added", "preview"]);
    expect(r.comments.find((c) => kindOf(c.body) === "preview")?.body).toContain("🔒 locked by `persist-db`");
    expect(r.database.md5).toBe(restoredHash);
    // What a stale restore Job (an Argo CD hook run again) checks before it writes.
    expect(r.database.lockRecord).toBe(true);
  });

  it("3. use-snapshot removed while locked: put back, with an explanation", async () => {
    const r = await life.label("unlabeled", "use-snapshot");
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("none");
    expect(r.runs["enforce-lock"]?.outputs["label-reverted"]).toBe("true");
    expect(r.labels).toContain("use-snapshot");
    expect(kinds(r)).toEqual(["snapshot-remove-blocked"]);
    expect(r.comments[0]?.body).toMatch(/remove `persist-db` first/);
    expect(r.database.md5).toBe(restoredHash);
  });

  it("4. a push: nothing happens to the locked database; the comment shows the new commit", async () => {
    const r = await life.push();
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("none");
    expect(r.runs["restore-snapshot"]).toBeUndefined();
    expect(kinds(r)).toEqual(["preview"]);
    expect(r.comments[0]?.body).toContain(`| Commit | \`${life.gh.pull(PR).headSha.slice(0, 7)}\` |`);
    expect(r.database.md5).toBe(restoredHash);
  });

  it("5. closed while locked: the database is kept, and the comment says how to delete it", async () => {
    const r = await life.close();
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("keep");
    expect(kinds(r)).toEqual(["db-kept"]);
    expect(r.comments[0]?.body).toMatch(/remove the `persist-db` label/);
    expect(r.database).toMatchObject({ exists: true, md5: restoredHash });
  });

  it("6. persist-db removed from the closed PR: the database is dropped", async () => {
    const r = await life.label("unlabeled", "persist-db");
    expectConfigFetchedOnce(r);
    expect(r.dbAction).toBe("drop");
    expect(kinds(r)).toEqual(["db-dropped"]);
    expect(r.database.exists).toBe(false);
  });

  it("afterwards: one preview comment, production byte-for-byte unchanged, secrets never shown", async () => {
    const comments = life.gh.commentsOn(PR);
    expect(comments.filter((c) => kindOf(c.body) === "preview")).toHaveLength(1);
    expect(comments.every((c) => kindOf(c.body) !== undefined)).toBe(true);
    expect(await life.productionHash()).toBe(productionHash);
    const everything = comments.map((c) => c.body).join("\n");
    expect(everything).not.toMatch(/Secret|mongodb:\/\//);
  });
});

/** `pnpm demo --masked`: the same workflow with masking rules in the repository's config file. */
describe("the masked variant of the demo", () => {
  let life: Lifecycle;
  beforeAll(async () => {
    life = await startLifecycle({ scale: 2, masked: true });
  });
  afterAll(async () => life?.stop());

  it("the PR database gets masked investigators; no production email reaches it; the comments say so", async () => {
    const produced = await life.produce();
    expect(produced.code, produced.stdout).toBe(0);
    expect(produced.masked).toContain(DEMO_SALT);
    const r = await life.open(["preview", "use-snapshot"]);
    expect(r.dbAction).toBe("restore");
    const prodEmails = (await life.admin.db(PROD).collection("pmInvestigator").find().toArray()).map(
      (d) => d.email,
    );
    const copies = await life.admin.db(DATABASE).collection("pmInvestigator").find().toArray();
    expect(copies).toHaveLength(prodEmails.length);
    expect(copies.every((d) => /^user\d+@example\.com$/.test(d.email))).toBe(true);
    const copied = JSON.stringify(
      await life.admin.db(DATABASE).collection("pmInvestigatorEmail").find().toArray(),
    );
    for (const email of prodEmails) expect(JSON.stringify(copies)).not.toContain(email);
    expect(copied).not.toMatch(/@(lab|uni|inst)\./);
    const restored = r.comments.find((c) => kindOf(c.body) === "db-restored")?.body ?? "";
    expect(restored).toMatch(/The data is \*\*masked\*\*/);
    const preview = r.comments.find((c) => kindOf(c.body) === "preview")?.body ?? "";
    expect(preview).toMatch(/masked \(policy `[0-9a-f]{12}`\)/);
  });
});

import path from "node:path";
import { kindOf } from "@pr-snapshots/core/github/comments";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";
import { runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";

/** The command line's `sweep` (and restore's --refresh): a plain node program, environment and argv only. */
const entry = path.join(repoRoot, "packages/cli/dist/index.js");
const suite = mongoAndGitHub();

/** No GitHub Actions variables: runAction sets them for actions, so they are blanked here. */
function cli(args: string[], env: Record<string, string> = {}) {
  return runAction("cli", {
    entry,
    argv: args,
    env: {
      MONGODB_URI: suite.uri,
      GITHUB_ACTIONS: "",
      GITHUB_REPOSITORY: "",
      GITHUB_RUN_ID: "",
      GITHUB_EVENT_NAME: "",
      GITHUB_API_URL: suite.gh.url,
      ...env,
    },
  });
}

const names = async (prefix: string) =>
  (await suite.client.db("admin").admin().listDatabases({ nameOnly: true })).databases
    .map((d) => d.name)
    .filter((n) => n.startsWith(`${prefix}_`))
    .sort();

describe("pr-snapshots sweep", () => {
  it("sweeps with the token and repository from the environment, and says so in its help", async () => {
    suite.gh.addPullRequest({ number: 71, labels: ["preview"] });
    suite.gh.addPullRequest({ number: 72, labels: ["persist-db"] });
    suite.gh.close(72, new Date(Date.now() - 45 * 86_400_000));
    for (const n of [71, 72]) await suite.client.db(`csw_pr_${n}`).collection("a").insertOne({ n });
    const env = { GITHUB_TOKEN: suite.gh.defaultToken, PR_SNAPSHOTS_REPOSITORY: "acme/shop" };

    const dry = await cli(["sweep", "--db-prefix", "csw", "--dry-run", "--json"], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, wouldDrop: ["csw_pr_72"], dropped: [] });
    expect(await names("csw")).toEqual(["csw_pr_71", "csw_pr_72"]);

    const r = await cli(["sweep", "--db-prefix", "csw", "--keep-closed-days", "30"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /csw_pr_72 \(#72, closed \S+, labels persist-db\): drop: closed 45 days ago, locked: expired/,
    );
    expect(r.stderr).toMatch(/Dropped csw_pr_72, freeing \S+ \S+; kept 1\./);
    expect(r.stderr).not.toContain(suite.gh.defaultToken);
    expect(await names("csw")).toEqual(["csw_pr_71"]);
    expect(suite.gh.commentsOn(72).map((c) => kindOf(c.body))).toEqual(["db-expired"]);

    const help = await cli(["sweep", "--help"]);
    expect(help.stdout).toMatch(/GITHUB_TOKEN[\s\S]*--keep-closed-days[\s\S]*--remind-days[\s\S]*--dry-run/);
    expect((await cli(["--help"])).stdout).toMatch(/\n {2}sweep {6}drop the PR databases/);
  });

  it("without a token or a repository: exit 2 before connecting; the token is never a flag", async () => {
    const closed = "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=5000";
    const noToken = await cli(["sweep", "--db-prefix", "csx"], {
      MONGODB_URI: closed,
      PR_SNAPSHOTS_REPOSITORY: "acme/shop",
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/Set GITHUB_TOKEN \(or PR_SNAPSHOTS_GITHUB_TOKEN\)/);
    const noRepo = await cli(["sweep", "--db-prefix", "csx"], { MONGODB_URI: closed, GITHUB_TOKEN: "t" });
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toMatch(
      /Set PR_SNAPSHOTS_REPOSITORY \(or GITHUB_REPOSITORY\) to the repository as owner\/name, got ""/,
    );
    const flag = await cli(["sweep", "--db-prefix", "csx", "--github-token", "ghp_x"], {
      MONGODB_URI: closed,
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option\(s\) for sweep: --github-token/);
    for (const r of [noToken, noRepo, flag]) expect(r.durationMs).toBeLessThan(2_000);
  });
});

describe("pr-snapshots restore --refresh new-snapshot", () => {
  it("skips while the database holds the latest snapshot", async () => {
    await seedProduction(suite.client, "crf_prod");
    await produceTestSnapshot(suite.client, "crf");
    const args = ["restore", "--db-prefix", "crf", "--pr-number", "3", "--refresh", "new-snapshot", "--json"];
    const first = await cli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ command: "restore", restore: { skipped: false } });
    const second = await cli(args);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ command: "restore", restore: { skipped: true } });
    expect(second.stderr).toMatch(
      /Skipped the restore into crf_pr_3 \(refresh: new-snapshot\): the database already holds generation/,
    );
  });
});

import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { gitCheckout } from "../support/git-workspace";
import { GitHubStandIn } from "../support/github-stand-in";
import { dbHash } from "../support/mongod";
import { type ActionRun, type RunActionOptions, runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

/**
 * Issue 14: the config file comes only from a trusted commit (CONTRACT §2). The bundled actions
 * run as processes against the GitHub stand-in's contents API and a real mongod. Every pull
 * request here has its own base commit, so the files a test puts there are its own.
 */

const CONFIG = ".github/pr-snapshots.yml";
const P = "preview";
const U = "use-snapshot";
const uri = inject("mongoStandaloneUri");
let gh: GitHubStandIn;
let mongo: MongoClient;
let prefix: string;
let nextPr = 600;
const prefixes: string[] = [];

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
});

beforeEach(() => {
  gh.restore();
  gh.clearRequests();
  prefix = `cs${randomBytes(3).toString("hex")}`;
  prefixes.push(prefix);
});

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
const blobSha = (text: string) => sha1(`blob ${Buffer.byteLength(text)}\0${text}`);
const short = (sha: string) => sha.slice(0, 7);

/** An open (or closed) PR whose base commit is its own. */
function openPr(
  labels: string[],
  more: { state?: "open" | "closed" } = {},
): { number: number; base: string } {
  const number = nextPr++;
  const base = sha1(`base of #${number} ${prefix}`);
  gh.addPullRequest({ number, labels, baseSha: base, ...more });
  return { number, base };
}

function event(action: string, number: number, label?: string) {
  const live = gh.pull(number);
  return pullRequestEvent({
    action,
    number,
    baseSha: live.baseSha,
    state: live.state,
    labels: [...live.labels],
    ...(label ? { label } : {}),
  });
}

/** A checked-out workspace holding `text` at the config path: on pull request events, the PR's head. */
function workspaceWith(text: string, file = CONFIG): string {
  const dir = mkdtempSync(path.join(tmpdir(), "workspace-"));
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  return dir;
}

/** One job's RUNNER_TEMP, shared by its steps (a re-run gets a new runner, so a new one). */
const newRunnerTemp = () => mkdtempSync(path.join(tmpdir(), "runner-temp-"));

interface Step {
  inputs?: Record<string, string | number | boolean | undefined>;
  event?: Record<string, unknown>;
  eventName?: string;
  workspace?: string;
  runnerTemp?: string;
  runAttempt?: number;
  sha?: string;
  env?: Record<string, string>;
}

function step(action: string, s: Step = {}): Promise<ActionRun> {
  const options: RunActionOptions = {
    apiUrl: gh.url,
    ...(s.event ? { event: s.event } : {}),
    ...(s.eventName ? { eventName: s.eventName } : {}),
    ...(s.workspace ? { workspace: s.workspace } : {}),
    ...(s.runAttempt ? { runAttempt: s.runAttempt } : {}),
    ...(s.sha ? { sha: s.sha } : {}),
    env: { ...(s.runnerTemp ? { RUNNER_TEMP: s.runnerTemp } : {}), ...s.env },
    inputs: { "github-token": gh.defaultToken, ...s.inputs },
  };
  return runAction(action, options);
}

function expectOk(r: ActionRun): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.errors).toEqual([]);
}

async function databases(): Promise<string[]> {
  return (await mongo.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
}

async function seed(database: string): Promise<string> {
  await mongo
    .db(database)
    .collection("projects")
    .insertMany([{ name: "Alpha" }, { name: "Beta" }]);
  return (await dbHash(mongo, database)).md5;
}

/** A kubectl that only records that it was called. */
function fakeKubectl(): { dir: string; calls: () => string } {
  const dir = mkdtempSync(path.join(tmpdir(), "kubectl-"));
  const log = path.join(dir, "calls.log");
  writeFileSync(log, "");
  writeFileSync(path.join(dir, "kubectl"), `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\n`);
  chmodSync(path.join(dir, "kubectl"), 0o755);
  return { dir, calls: () => readFileSync(log, "utf8") };
}

describe("(a) the config is applied when only the contents API has it", () => {
  it("trigger-producer on workflow_dispatch: dbPrefix, sourceDatabase and collections.exclude from the file at GITHUB_SHA", async () => {
    await seedProduction(mongo, `${prefix}_prod`, { scale: 0.2 });
    const commit = sha1(`workflow commit ${prefix}`);
    gh.setFile(
      commit,
      CONFIG,
      `dbPrefix: ${prefix}\nsourceDatabase: ${prefix}_prod\ncollections:\n  exclude: ["pmStudy*"]\n`,
    );
    const r = await step("trigger-producer", {
      eventName: "workflow_dispatch",
      sha: commit,
      inputs: { confirm: "refresh-snapshot", "mongodb-uri": uri, "allow-privileged-credentials": true },
    });
    expectOk(r);
    const meta = await readSnapshotMetadata(mongo.db(`${prefix}_snapshot`));
    expect(meta?.status).toBe("complete");
    expect(meta?.collections).not.toContain("pmStudy");
    expect(meta?.collections).not.toContain("pmStudyCorrection");
    expect(meta?.collections).toContain("pmProject");
    expect(gh.contentsRequests()).toEqual([`${CONFIG}@${commit}`]);
    const line = `Config: read ${CONFIG} at commit ${short(commit)} (the workflow's commit GITHUB_SHA) through the contents API`;
    expect(r.stdout).toContain(line);
    expect(r.summary).toContain(line);
  });

  it("detect-labels and enforce-lock on a pull request event: dbPrefix and label names from the base commit", async () => {
    const text = `dbPrefix: ${prefix}\nlabels:\n  preview: env\n  snapshot: prod-data\n  lock: keep\n`;
    const { number, base } = openPr(["env", "keep", "prod-data"]);
    gh.setFile(base, CONFIG, text);
    const runnerTemp = newRunnerTemp();
    const labels = await step("detect-labels", { event: event("labeled", number, "prod-data"), runnerTemp });
    expectOk(labels);
    expect(labels.outputs).toMatchObject({
      database: `${prefix}_pr_${number}`,
      preview: "true",
      "use-snapshot": "true",
      "persist-db": "true",
      "config-sha": blobSha(text),
    });
    const line = `Config: read ${CONFIG} at commit ${short(base)} (the pull request's base commit) through the contents API`;
    expect(labels.stdout).toContain(line);
    expect(labels.summary).toContain(line);

    const lock = await step("enforce-lock", {
      event: event("labeled", number, "prod-data"),
      runnerTemp,
      inputs: { "config-sha": labels.outputs["config-sha"] },
    });
    expectOk(lock);
    expect(lock.outputs).toMatchObject({
      "label-change": "-prod-data",
      locked: "true",
      database: `${prefix}_pr_${number}`,
    });
    expect(gh.pull(number).labels).toEqual(["env", "keep"]);
    // one fetch for the whole job: enforce-lock used detect-labels' copy
    expect(gh.contentsRequests()).toEqual([`${CONFIG}@${base}`]);
  });
});

describe("(b) on pull request events the file in the workspace (maybe the PR's head) is not used", () => {
  it("a head config that widens allowedTargets cannot make enforce-lock drop another database", async () => {
    const victim = `${prefix}_staging`;
    const before = await seed(victim);
    const { number, base } = openPr([P], { state: "closed" });
    gh.setFile(base, CONFIG, `dbPrefix: ${prefix}\n`);
    const head = workspaceWith(`dbPrefix: ${prefix}\nallowedTargets: ["^${victim}$"]\n`);
    const r = await step("enforce-lock", {
      event: event("closed", number),
      workspace: head,
      inputs: { "mongodb-uri": uri, database: victim },
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      new RegExp(`Refusing to write to database "${victim}".*matches none of the allowed target patterns`),
    );
    expect(r.warnings.join("\n")).toContain(
      `Ignoring ${CONFIG} in the workspace: it differs from the copy at the pull request's base commit ${short(base)}.`,
    );
    expect((await dbHash(mongo, victim)).md5).toBe(before);

    // control: the same file at the base commit is applied, and allows the drop
    const other = openPr([P], { state: "closed" });
    gh.setFile(other.base, CONFIG, `dbPrefix: ${prefix}\nallowedTargets: ["^${victim}$"]\n`);
    const allowed = await step("enforce-lock", {
      event: event("closed", other.number),
      inputs: { "mongodb-uri": uri, database: victim },
    });
    expectOk(allowed);
    expect(allowed.outputs).toMatchObject({ "db-action": "drop", "db-executed": "true" });
    expect(await databases()).not.toContain(victim);
  });

  it("a head config that renames the labels is not used by detect-labels; the base's names are", async () => {
    const baseText = `dbPrefix: ${prefix}\nlabels:\n  lock: keep\n`;
    const { number, base } = openPr([P, "keep"]);
    gh.setFile(base, CONFIG, baseText);
    const r = await step("detect-labels", {
      event: event("synchronize", number),
      workspace: workspaceWith(`dbPrefix: ${prefix}x\nlabels:\n  lock: never-locked\n`),
    });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      "persist-db": "true",
      database: `${prefix}_pr_${number}`,
      "config-sha": blobSha(baseText),
    });
    expect(r.warnings.join("\n")).toMatch(
      /Ignoring \.github\/pr-snapshots\.yml in the workspace: it differs/,
    );
    expect(r.warnings.join("\n")).toContain("which its author controls");
  });

  it("a head that adds a config the base commit lacks: ignored with a warning, and the notice says there is none", async () => {
    const { number, base } = openPr([P, "keep"]);
    const r = await step("detect-labels", {
      event: event("synchronize", number),
      workspace: workspaceWith("labels:\n  lock: keep\n"),
      inputs: { "db-prefix": prefix },
    });
    expectOk(r);
    expect(r.outputs).toMatchObject({ "persist-db": "false", "config-sha": "none" });
    expect(r.warnings.join("\n")).toContain(
      `Ignoring ${CONFIG} in the workspace: the pull request's base commit ${short(base)} has no such file.`,
    );
    expect(r.notices.join("\n")).toContain(`no config file at ${CONFIG} (commit ${short(base)})`);
  });
});

describe("(c) no config file at the trusted commit", () => {
  it("404: a notice names the file and the commit, and each action's summary repeats it", async () => {
    const { number, base } = openPr([P]);
    const notice = `no config file at ${CONFIG} (commit ${short(base)})`;
    const runnerTemp = newRunnerTemp();
    const labels = await step("detect-labels", {
      event: event("opened", number),
      runnerTemp,
      inputs: { "db-prefix": prefix },
    });
    expectOk(labels);
    expect(labels.outputs["config-sha"]).toBe("none");
    expect(labels.notices.join("\n")).toContain(notice);
    expect(labels.summary).toContain(notice);
    expect(gh.contentsRequests()).toEqual([`${CONFIG}@${base}`]);

    // the later steps take detect-labels' word for it: no request, same notice and summary line
    gh.clearRequests();
    const comment = await step("post-preview-comment", {
      event: event("opened", number),
      runnerTemp,
      inputs: {
        "db-prefix": prefix,
        "config-sha": "none",
        "use-snapshot": false,
        "persist-db": false,
        "dry-run": true,
      },
    });
    expectOk(comment);
    expect(comment.notices.join("\n")).toContain(notice);
    expect(comment.summary).toContain(notice);
    expect(gh.requests).toEqual([]);

    const commit = sha1(`no config ${prefix}`);
    const producer = await step("trigger-producer", {
      eventName: "workflow_dispatch",
      sha: commit,
      inputs: { mode: "kubernetes", "dry-run": true },
    });
    expectOk(producer);
    expect(producer.notices.join("\n")).toContain(`no config file at ${CONFIG} (commit ${short(commit)})`);
    expect(producer.summary).toContain(`no config file at ${CONFIG} (commit ${short(commit)})`);
  });
});

describe("(d) the producer refuses to run when the config cannot be read", () => {
  it("a 500 from the contents API: it stops before connecting, the snapshot never appears, production is unchanged", async () => {
    const production = `${prefix}_prod`;
    await seedProduction(mongo, production, { scale: 0.2 });
    const before = await dbHash(mongo, production);
    gh.fail({ path: /\/contents\//, status: 500, times: 10, body: { message: "Server Error" } });
    const r = await step("trigger-producer", {
      eventName: "workflow_dispatch",
      inputs: {
        confirm: "refresh-snapshot",
        "mongodb-uri": uri,
        "db-prefix": prefix,
        "source-database": production,
        "allow-privileged-credentials": true,
      },
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /Cannot read the config file \.github\/pr-snapshots\.yml at commit 6dcb09b .*HTTP 500.*trigger-producer refuses to run.*Nothing was changed.*contents: read/s,
    );
    expect(await databases()).not.toContain(`${prefix}_snapshot`);
    expect(await dbHash(mongo, production)).toEqual(before);
    // the credential audit right after connecting warns about this server: it never ran
    expect(r.warnings.join("\n")).not.toMatch(/no access control/);
    expect(gh.requests.length).toBeGreaterThan(1); // the retry plugin tried again first
    expect(r.outputs).toEqual({});
  });

  it("kubernetes mode too (403), and without a token when the file is not on disk; with it on disk no token is needed", async () => {
    const kubectl = fakeKubectl();
    const env = { PATH: `${kubectl.dir}:${process.env.PATH}` };
    gh.fail({
      path: /\/contents\//,
      status: 403,
      body: { message: "Resource not accessible by integration" },
    });
    const forbidden = await step("trigger-producer", {
      eventName: "schedule",
      env,
      inputs: { mode: "kubernetes", "db-prefix": prefix },
    });
    expect(forbidden.code).toBe(1);
    expect(forbidden.errors.join("\n")).toMatch(
      /HTTP 403 \(Resource not accessible by integration\); the token needs permission to read the repository's contents/,
    );

    const tokenless = await step("trigger-producer", {
      eventName: "schedule",
      env,
      inputs: { mode: "kubernetes", "db-prefix": prefix, "github-token": "" },
    });
    expect(tokenless.code).toBe(1);
    expect(tokenless.errors.join("\n")).toMatch(
      /no github-token was given to read it through the contents API/,
    );
    expect(kubectl.calls()).toBe("");

    gh.clearRequests();
    // actions/checkout at GITHUB_SHA: the file on disk is the trusted one.
    const checkout = gitCheckout({ [CONFIG]: `dbPrefix: ${prefix}\n` });
    const onDisk = await step("trigger-producer", {
      eventName: "schedule",
      env,
      sha: checkout.sha,
      workspace: checkout.dir,
      inputs: { mode: "kubernetes", "github-token": "" },
    });
    expectOk(onDisk);
    expect(onDisk.stdout).toContain(
      `Config: read ${CONFIG} from the workspace, checked out at commit ${short(checkout.sha)}, the workflow's commit GITHUB_SHA.`,
    );
    expect(kubectl.calls()).toMatch(/^create job --from=cronjob\/snapshot-producer /);
    expect(gh.requests).toEqual([]);

    // Another commit checked out (say, a pull request's head): its file is not trusted, and with no
    // token to read the one at GITHUB_SHA the producer refuses to run.
    const callsBefore = kubectl.calls();
    const other = gitCheckout({ [CONFIG]: `dbPrefix: ${prefix}\nallowedTargets: [".*"]\n` });
    const elsewhere = await step("trigger-producer", {
      eventName: "schedule",
      env,
      workspace: other.dir,
      inputs: { mode: "kubernetes", "github-token": "" },
    });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toContain(
      `the workspace's checkout is at ${short(other.sha)}, not at the workflow's commit GITHUB_SHA`,
    );
    expect(elsewhere.errors.join("\n")).toMatch(/trigger-producer refuses to run without it/);
    expect(kubectl.calls()).toBe(callsBefore);
  });

  it("the config input names another file: fetched at the trusted commit, and an error when it is nowhere", async () => {
    const commit = sha1(`explicit ${prefix}`);
    gh.setFile(commit, "ci/snapshots.yml", `dbPrefix: ${prefix}\n`);
    const found = await step("trigger-producer", {
      eventName: "workflow_dispatch",
      sha: commit,
      inputs: { mode: "kubernetes", "dry-run": true, config: "ci/snapshots.yml" },
    });
    expectOk(found);
    expect(gh.contentsRequests()).toEqual([`ci/snapshots.yml@${commit}`]);
    expect(found.stdout).toContain(`Config: read ci/snapshots.yml at commit ${short(commit)}`);

    const missing = await step("trigger-producer", {
      eventName: "workflow_dispatch",
      sha: commit,
      inputs: { mode: "kubernetes", "dry-run": true, config: "ci/snapshot.yml" },
    });
    expect(missing.code).toBe(1);
    expect(missing.errors.join("\n")).toMatch(
      /Config file "ci\/snapshot\.yml" \(input "config"\) is neither in the workspace .* nor at commit/,
    );

    // on a pull request event it comes from the base commit too
    const { number, base } = openPr([P]);
    gh.setFile(base, "ci/snapshots.yml", `dbPrefix: ${prefix}\n`);
    const labels = await step("detect-labels", {
      event: event("opened", number),
      workspace: workspaceWith("dbPrefix: other\n", "ci/snapshots.yml"),
      inputs: { config: "ci/snapshots.yml" },
    });
    expectOk(labels);
    expect(labels.outputs.database).toBe(`${prefix}_pr_${number}`);
  });
});

describe("(e) a re-run makes the same decision", () => {
  it("attempt 2 reads the same base commit, even after the base branch moved, and decides the same", async () => {
    const baseText = `dbPrefix: ${prefix}\nlabels:\n  lock: keep\n`;
    const { number, base } = openPr([P, "keep", U]);
    gh.setFile(base, CONFIG, baseText);
    // the base branch, by name, holds the same file at first
    for (const branch of ["main", "master"]) gh.setFile(branch, CONFIG, baseText);

    const attempt = async (runAttempt: number) => {
      const runnerTemp = newRunnerTemp();
      const e = event("labeled", number, U);
      const labels = await step("detect-labels", { event: e, runnerTemp, runAttempt });
      const lock = await step("enforce-lock", {
        event: e,
        runnerTemp,
        runAttempt,
        inputs: { "config-sha": labels.outputs["config-sha"], "dry-run": true },
      });
      expectOk(labels);
      expectOk(lock);
      const config = (r: ActionRun) => /^Config: .*$/m.exec(r.stdout)?.[0];
      return {
        labels: labels.outputs,
        lock: lock.outputs,
        config: [config(labels), config(lock)],
      };
    };

    const first = await attempt(1);
    expect(first.lock).toMatchObject({ locked: "true", "label-reverted": "true", "label-change": `-${U}` });
    // a merge moves the base branch to a commit whose config renames the lock label
    for (const branch of ["main", "master"]) gh.setFile(branch, CONFIG, `dbPrefix: ${prefix}\n`);
    const second = await attempt(2);
    expect(second).toEqual(first);
    expect(gh.contentsRequests()).toEqual([`${CONFIG}@${base}`, `${CONFIG}@${base}`]);
  });
});

describe("(f) detect-labels' copy in RUNNER_TEMP, named by its git blob sha", () => {
  it("a matching copy is used by the later steps with no contents request", async () => {
    const text = `dbPrefix: ${prefix}\ncomment:\n  namespace: "review-{number}"\n`;
    const { number, base } = openPr([P]);
    gh.setFile(base, CONFIG, text);
    const runnerTemp = newRunnerTemp();
    const labels = await step("detect-labels", { event: event("opened", number), runnerTemp });
    expectOk(labels);
    const cached = path.join(runnerTemp, "pr-snapshots", `config-${blobSha(text)}.yml`);
    expect(readFileSync(cached, "utf8")).toBe(text);

    gh.clearRequests();
    const lock = await step("enforce-lock", {
      event: event("opened", number),
      runnerTemp,
      inputs: { "config-sha": labels.outputs["config-sha"] },
    });
    const comment = await step("post-preview-comment", {
      event: event("opened", number),
      runnerTemp,
      inputs: { "config-sha": labels.outputs["config-sha"], "use-snapshot": false, "persist-db": false },
    });
    for (const r of [lock, comment]) {
      expectOk(r);
      expect(r.stdout).toContain(
        `Config: read ${CONFIG} at commit ${short(base)} (the pull request's base commit) from the runner's cache, ` +
          `verified against detect-labels' config-sha output (blob ${short(blobSha(text))}), with no request.`,
      );
    }
    expect(lock.outputs.database).toBe(`${prefix}_pr_${number}`);
    expect(gh.commentsOn(number)[0]?.body).toContain(`| Namespace | \`review-${number}\` |`);
    expect(gh.contentsRequests()).toEqual([]);
  });

  it("a tampered copy is ignored and the file fetched again: it cannot widen allowedTargets", async () => {
    const victim = `${prefix}_staging`;
    const before = await seed(victim);
    const text = `dbPrefix: ${prefix}\n`;
    const { number, base } = openPr([P], { state: "closed" });
    gh.setFile(base, CONFIG, text);
    const runnerTemp = newRunnerTemp();
    const labels = await step("detect-labels", { event: event("closed", number), runnerTemp });
    expectOk(labels);
    // a later step of the job (say, the PR's own build) rewrites the copy
    const cached = path.join(runnerTemp, "pr-snapshots", `config-${labels.outputs["config-sha"]}.yml`);
    writeFileSync(cached, `dbPrefix: ${prefix}\nallowedTargets: ["^${victim}$"]\n`);

    gh.clearRequests();
    const r = await step("enforce-lock", {
      event: event("closed", number),
      runnerTemp,
      inputs: { "config-sha": labels.outputs["config-sha"], "mongodb-uri": uri, database: victim },
    });
    expect(r.code).toBe(1);
    expect(r.warnings.join("\n")).toMatch(
      new RegExp(
        `The cached config .* does not match config-sha ${blobSha(text)} .* it is ignored: fetching`,
      ),
    );
    expect(gh.contentsRequests()).toEqual([`${CONFIG}@${base}`]);
    expect(r.errors.join("\n")).toMatch(/matches none of the allowed target patterns/);
    expect((await dbHash(mongo, victim)).md5).toBe(before);
  });

  it("a config-sha that is not a blob sha is refused before any request", async () => {
    const { number } = openPr([P]);
    const r = await step("enforce-lock", {
      event: event("opened", number),
      inputs: { "config-sha": "../../etc/passwd", "db-prefix": prefix },
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/Input "config-sha" must be detect-labels' config-sha output/);
    expect(gh.requests).toEqual([]);
  });
});

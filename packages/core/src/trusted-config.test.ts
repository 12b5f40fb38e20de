import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gitCheckout } from "../../../test/support/git-workspace";
import { GitHubStandIn } from "../../../test/support/github-stand-in";
import { checkoutHead } from "./github/checkout-head";
import { fetchFileAt } from "./github/contents";
import type { RunContext } from "./github/context";
import { gitBlobSha } from "./github/git-blob";
import { consoleLog } from "./log";
import {
  configShaOutput,
  loadTrustedConfig,
  type TrustedConfigRequest,
  trustedCommit,
} from "./trusted-config";

const BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
const WORKFLOW = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

const prPayload = (base: unknown = BASE) => ({
  pull_request: { number: 1, head: { sha: HEAD, ref: "feature" }, base: { sha: base, ref: "main" } },
});

describe("the trusted commit", () => {
  it("is the base commit on pull request events, never the head or GITHUB_SHA", () => {
    for (const eventName of ["pull_request", "pull_request_target"]) {
      expect(trustedCommit({ eventName, payload: prPayload(), sha: HEAD })).toMatchObject({
        sha: BASE,
        pullRequest: true,
      });
    }
  });

  it("is GITHUB_SHA on every other event", () => {
    for (const eventName of ["schedule", "workflow_dispatch", "workflow_call", "push", "issue_comment"]) {
      // a payload that looks like a pull request does not make the event one
      expect(trustedCommit({ eventName, payload: prPayload(), sha: WORKFLOW })).toMatchObject({
        sha: WORKFLOW,
        pullRequest: false,
      });
    }
  });

  it("is unknown, with the reason, when the run does not say", () => {
    expect(trustedCommit({ eventName: "pull_request", payload: {}, sha: WORKFLOW })).toMatchObject({
      sha: undefined,
      missing: "the event payload has no pull_request.base.sha",
    });
    expect(trustedCommit({ eventName: "pull_request", payload: prPayload("main"), sha: WORKFLOW }).sha).toBe(
      undefined,
    );
    expect(trustedCommit({ eventName: "schedule", payload: {}, sha: "" })).toMatchObject({
      sha: undefined,
      missing: "GITHUB_SHA is not set",
    });
  });
});

describe("git blob sha", () => {
  it("is what git itself computes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const git = execFileSync("git", ["hash-object", "--stdin"], { input: bytes }).toString().trim();
        expect(gitBlobSha(bytes)).toBe(git);
      }),
      { numRuns: 25 },
    );
    expect(gitBlobSha(Buffer.from(""))).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  });
});

describe("the contents API (against the stand-in)", () => {
  let gh: GitHubStandIn;
  beforeAll(async () => {
    gh = await GitHubStandIn.start();
  });
  afterAll(async () => gh?.stop());
  beforeEach(() => {
    gh.restore();
    gh.clearRequests();
  });
  const fetch = (filePath: string, ref: string) =>
    fetchFileAt({
      token: gh.defaultToken,
      apiUrl: gh.url,
      log: consoleLog({ write: () => {} }),
      repo: { owner: "acme", repo: "shop" },
      path: filePath,
      ref,
    });

  it("one request per file; the base64 content, wrapped every 60 characters, decodes to the file", async () => {
    const text = `dbPrefix: shop\n# ${"é".repeat(200)}\n`;
    gh.setFile(BASE, ".github/pr-snapshots.yml", text);
    const file = await fetch(".github/pr-snapshots.yml", BASE);
    expect(file?.bytes.toString("utf8")).toBe(text);
    expect(file?.blobSha).toBe(gitBlobSha(Buffer.from(text)));
    expect(gh.contentsRequests()).toEqual([`.github/pr-snapshots.yml@${BASE}`]);
    expect(await fetch(".github/pr-snapshots.yml", HEAD)).toBeUndefined();
    expect(await fetch("ci/other.yml", BASE)).toBeUndefined();
  });

  it("refuses content that does not match the blob sha the API reported", async () => {
    const content = Buffer.from("allowedTargets: ['.*']\n").toString("base64");
    gh.fail({
      path: /\/contents\//,
      status: 200,
      body: { type: "file", encoding: "base64", content, sha: gitBlobSha(Buffer.from("dbPrefix: shop\n")) },
    });
    await expect(fetch(".github/pr-snapshots.yml", BASE)).rejects.toThrow(/does not match its blob sha/);
  });
});

describe("the detect-labels cache and config-sha", () => {
  const text = "dbPrefix: shop\nlabels:\n  lock: keep\n";
  const sha = gitBlobSha(Buffer.from(text));
  const lines: string[] = [];
  const log = consoleLog({ write: (l) => lines.push(l) });
  const context: RunContext = {
    eventName: "pull_request",
    payload: prPayload(),
    repo: { owner: "acme", repo: "shop" },
    sha: WORKFLOW,
    apiUrl: "http://127.0.0.1:9", // nothing listens: any request would fail
    runId: 1,
    runAttempt: 1,
  };
  const request = (o: Partial<TrustedConfigRequest>): TrustedConfigRequest => ({
    explicitPath: undefined,
    context,
    token: undefined,
    configSha: undefined,
    whenUnreadable: "use-inputs",
    action: "enforce-lock",
    log,
    workspace: mkdtempSync(path.join(tmpdir(), "ws-")),
    runnerTemp: mkdtempSync(path.join(tmpdir(), "temp-")),
    ...o,
  });
  const cache = (runnerTemp: string, name: string, content: string) => {
    mkdirSync(path.join(runnerTemp, "pr-snapshots"), { recursive: true });
    writeFileSync(path.join(runnerTemp, "pr-snapshots", `config-${name}.yml`), content);
  };
  beforeEach(() => {
    lines.length = 0;
  });

  it("a copy whose recomputed blob sha matches config-sha is used without a request", async () => {
    const r = request({});
    cache(r.runnerTemp ?? "", sha, text);
    const loaded = await loadTrustedConfig({ ...r, configSha: sha });
    expect(loaded.config).toEqual({ dbPrefix: "shop", labels: { lock: "keep" } });
    expect(loaded.source).toMatchObject({ how: "cache", blobSha: sha, commit: BASE });
    expect(lines.join("\n")).toMatch(/from the runner's cache, verified against detect-labels' config-sha/);
  });

  it("an altered copy is ignored (and, with no token to fetch again, only inputs apply)", async () => {
    const r = request({});
    cache(r.runnerTemp ?? "", sha, "dbPrefix: shop\nallowedTargets: ['.*']\n");
    const loaded = await loadTrustedConfig({ ...r, configSha: sha });
    expect(loaded.config).toEqual({});
    expect(loaded.source.how).toBe("unreadable");
    expect(lines.join("\n")).toMatch(/does not match config-sha .* it is ignored: fetching/);
    expect(configShaOutput(loaded.source)).toBe("");
  });

  it('"none" means no config at the trusted commit; a file on disk is ignored, loudly', async () => {
    const r = request({});
    mkdirSync(path.join(r.workspace, ".github"));
    writeFileSync(path.join(r.workspace, ".github/pr-snapshots.yml"), "allowedTargets: ['.*']\n");
    const loaded = await loadTrustedConfig({ ...r, configSha: "none" });
    expect(loaded.config).toEqual({});
    expect(configShaOutput(loaded.source)).toBe("none");
    expect(lines.join("\n")).toMatch(
      /warning: Ignoring \.github\/pr-snapshots\.yml in the workspace: the pull request's base commit f95f852 has no such file/,
    );
    expect(lines.join("\n")).toMatch(
      /notice: no config file at \.github\/pr-snapshots\.yml \(commit f95f852\)/,
    );
  });

  it("config-sha must be a blob sha or none; checked before anything is read", async () => {
    await expect(loadTrustedConfig(request({ configSha: "latest" }))).rejects.toThrow(
      /Input "config-sha" must be detect-labels' config-sha output/,
    );
    await expect(loadTrustedConfig(request({ explicitPath: "../secrets.yml" }))).rejects.toThrow(
      /Input "config" must be a relative path/,
    );
  });

  it("the producer refuses to run when the file cannot be read; the others carry on with inputs", async () => {
    const off = { ...context, eventName: "workflow_dispatch", payload: {} };
    await expect(
      loadTrustedConfig(request({ context: off, whenUnreadable: "fail", action: "trigger-producer" })),
    ).rejects.toThrow(
      /Cannot read the config file \.github\/pr-snapshots\.yml at commit 6dcb09b .*no github-token.*trigger-producer refuses to run/,
    );
    const loaded = await loadTrustedConfig(request({ context: off }));
    expect(loaded.source.how).toBe("unreadable");
  });

  it("a network failure is not reported as an answer from the API", async () => {
    // nothing listens on the context's API URL; the retry plugin tries again first
    const loaded = await loadTrustedConfig(request({ token: "ghs_x" }));
    expect(loaded.source.how).toBe("unreadable");
    expect(loaded.source.line).toMatch(/could not read .*: the request failed \(/);
    expect(loaded.source.line).not.toMatch(/answered HTTP/);
  });
});

describe("outside pull request events, the file on disk is trusted only when its checkout is at GITHUB_SHA", () => {
  let gh: GitHubStandIn;
  beforeAll(async () => {
    gh = await GitHubStandIn.start();
  });
  afterAll(async () => gh?.stop());
  const lines: string[] = [];
  const log = consoleLog({ write: (l) => lines.push(l) });
  beforeEach(() => {
    lines.length = 0;
    gh.clearRequests();
  });
  const load = (workspace: string, sha: string) =>
    loadTrustedConfig({
      explicitPath: undefined,
      context: {
        eventName: "workflow_run",
        payload: {},
        repo: { owner: "acme", repo: "shop" },
        sha,
        apiUrl: gh.url,
        runId: 1,
        runAttempt: 1,
      },
      token: gh.defaultToken,
      configSha: undefined,
      whenUnreadable: "fail",
      action: "trigger-producer",
      log,
      workspace,
      runnerTemp: undefined,
    });

  it("a checkout at GITHUB_SHA: read from disk, no request", async () => {
    const { dir, sha } = gitCheckout({ ".github/pr-snapshots.yml": "dbPrefix: shop\n" });
    const loaded = await load(dir, sha);
    expect(loaded.config).toEqual({ dbPrefix: "shop" });
    expect(loaded.source.how).toBe("disk");
    expect(gh.requests).toEqual([]);
  });

  it("another commit checked out (a workflow_run job checking out the pull request): the file at GITHUB_SHA is used", async () => {
    const { dir, sha: other } = gitCheckout({
      ".github/pr-snapshots.yml": "dbPrefix: shop\nallowedTargets: ['shop_.*']\n",
    });
    gh.setFile(WORKFLOW, ".github/pr-snapshots.yml", "dbPrefix: shop\n");
    const loaded = await load(dir, WORKFLOW);
    expect(loaded.config).toEqual({ dbPrefix: "shop" });
    expect(loaded.source.how).toBe("contents-api");
    expect(gh.contentsRequests()).toEqual([`.github/pr-snapshots.yml@${WORKFLOW}`]);
    expect(lines.join("\n")).toContain(
      `warning: Ignoring .github/pr-snapshots.yml in the workspace: it differs from the copy at the workflow's commit GITHUB_SHA 6dcb09b. ` +
        `The workspace's checkout is at ${other.slice(0, 7)}, not at the workflow's commit GITHUB_SHA, so only the file at the workflow's commit GITHUB_SHA is used.`,
    );
  });

  it("files that are not a checkout at all: the file at GITHUB_SHA, and none there means none", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ws-"));
    mkdirSync(path.join(dir, ".github"));
    writeFileSync(path.join(dir, ".github/pr-snapshots.yml"), "dbPrefix: shop\nallowedTargets: ['.*']\n");
    const commit = "0123456789abcdef0123456789abcdef01234567";
    const loaded = await load(dir, commit);
    expect(loaded.config).toEqual({});
    expect(loaded.source.how).toBe("none");
    expect(lines.join("\n")).toMatch(
      /it is not known which commit the workspace holds \(the workspace is not a git checkout\)/,
    );
  });
});

describe("checkoutHead reads HEAD as git does", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" },
    })
      .toString()
      .trim();

  it("a branch (loose, then packed), a detached HEAD, a worktree's gitdir file, the nearest checkout", () => {
    const { dir, sha } = gitCheckout({ "a.txt": "a", "nested/b.txt": "b" });
    expect(checkoutHead(dir, ".github/pr-snapshots.yml")).toEqual({ sha });
    git(dir, "pack-refs", "--all");
    expect(checkoutHead(dir, "a.txt")).toEqual({ sha });
    git(dir, "checkout", "-q", "--detach");
    expect(checkoutHead(dir, "a.txt")).toEqual({ sha });
    const worktree = path.join(mkdtempSync(path.join(tmpdir(), "wt-")), "tree");
    git(dir, "worktree", "add", "-q", "-b", "other", worktree);
    expect(checkoutHead(worktree, "a.txt")).toEqual({ sha });
    const inner = gitCheckout({ "c.txt": "c" });
    git(inner.dir, "checkout", "-q", "-b", "x");
    // A second repository inside the workspace answers for its own files.
    execFileSync("cp", ["-r", inner.dir, path.join(dir, "sub")]);
    expect(checkoutHead(dir, "sub/c.txt")).toEqual({ sha: inner.sha });
    expect(checkoutHead(dir, "a.txt")).toEqual({ sha });
  });

  it("says why when it cannot tell", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nogit-"));
    expect(checkoutHead(dir, "x.yml").why).toBe("the workspace is not a git checkout");
    mkdirSync(path.join(dir, ".git"));
    writeFileSync(path.join(dir, ".git/HEAD"), "ref: refs/heads/../../../etc/passwd\n");
    expect(checkoutHead(dir, "x.yml").why).toMatch(/^HEAD holds/);
    writeFileSync(path.join(dir, ".git/HEAD"), "ref: refs/heads/unborn\n");
    expect(checkoutHead(dir, "x.yml").why).toMatch(/has no commit yet/);
  });
});

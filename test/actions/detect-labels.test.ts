import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { DEFAULT_BASE_SHA, GitHubStandIn } from "../support/github-stand-in";
import { runAction } from "../support/run-action";

let gh: GitHubStandIn;
beforeAll(async () => {
  gh = await GitHubStandIn.start();
});
afterAll(async () => gh.stop());
beforeEach(() => {
  gh.restore();
  gh.clearRequests();
});

const detect = (
  event: Record<string, unknown>,
  extra: { inputs?: Record<string, string>; eventName?: string } = {},
) =>
  runAction("detect-labels", {
    event,
    apiUrl: gh.url,
    ...(extra.eventName ? { eventName: extra.eventName } : {}),
    inputs: { "github-token": gh.defaultToken, "db-prefix": "shop", ...extra.inputs },
  });

const pullRequestStatuses = (n: number) =>
  gh.requests.filter((q) => q.path === `/repos/acme/shop/pulls/${n}`).map((q) => q.status);

describe("detect-labels (bundled action as a process)", () => {
  it("opened: reports the PR, its live labels and the database name", async () => {
    gh.addPullRequest({
      number: 12,
      labels: ["preview", "use-snapshot"],
      headSha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
    });
    const r = await detect(
      pullRequestEvent({
        action: "opened",
        number: 12,
        labels: ["preview", "use-snapshot"],
        headSha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      }),
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      "pr-number": "12",
      "pr-state": "open",
      merged: "false",
      "head-sha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      "head-short-sha": "a1b2c3d",
      "event-action": "opened",
      "event-label": "",
      preview: "true",
      "use-snapshot": "true",
      "persist-db": "false",
      database: "shop_pr_12",
      "labels-source": "api",
    });
    // one request for the config at the base commit (none here), one for the live labels
    expect(gh.calls()).toEqual([
      "GET /repos/acme/shop/contents/.github%2Fpr-snapshots.yml",
      "GET /repos/acme/shop/pulls/12",
    ]);
    expect(gh.contentsRequests()).toEqual([`.github/pr-snapshots.yml@${DEFAULT_BASE_SHA}`]);
    expect(r.outputs["config-sha"]).toBe("none");
    expect(r.summary).toContain("shop_pr_12");
    expect(r.summary).toContain("no config file at .github/pr-snapshots.yml (commit f95f852)");
    expect(r.masked).toContain(gh.defaultToken);
  });

  it("synchronize: labels come from the API even when the payload is stale", async () => {
    gh.addPullRequest({ number: 13, labels: ["preview", "persist-db"] });
    const r = await detect(pullRequestEvent({ action: "synchronize", number: 13, labels: ["preview"] }));
    expect(r.code).toBe(0);
    expect(r.outputs["persist-db"]).toBe("true");
    expect(r.outputs["event-action"]).toBe("synchronize");
    expect(JSON.parse(r.outputs.labels ?? "")).toEqual(["preview", "persist-db"]);
  });

  it("labeled and unlabeled: report the label of the event", async () => {
    gh.addPullRequest({ number: 14, labels: ["preview", "persist-db"] });
    const added = await detect(
      pullRequestEvent({
        action: "labeled",
        number: 14,
        label: "persist-db",
        labels: ["preview", "persist-db"],
      }),
    );
    expect(added.outputs).toMatchObject({
      "event-action": "labeled",
      "event-label": "persist-db",
      "persist-db": "true",
    });
    gh.userLabels(14, { remove: ["persist-db"] });
    const removed = await detect(
      pullRequestEvent({ action: "unlabeled", number: 14, label: "persist-db", labels: ["preview"] }),
    );
    expect(removed.outputs).toMatchObject({
      "event-action": "unlabeled",
      "event-label": "persist-db",
      "persist-db": "false",
    });
  });

  it("closed, merged and not merged", async () => {
    gh.addPullRequest({ number: 15, state: "closed", merged: true, labels: ["preview"] });
    const merged = await detect(
      pullRequestEvent({ action: "closed", number: 15, state: "closed", merged: true, labels: ["preview"] }),
    );
    expect(merged.outputs).toMatchObject({ "pr-state": "closed", merged: "true" });
    gh.addPullRequest({ number: 16, state: "closed", merged: false, labels: [] });
    const closed = await detect(
      pullRequestEvent({ action: "closed", number: 16, state: "closed", merged: false }),
    );
    expect(closed.outputs).toMatchObject({ "pr-state": "closed", merged: "false", preview: "false" });
  });

  it("a labeled payload without a label object still works (event-label empty)", async () => {
    gh.addPullRequest({ number: 17, labels: ["preview"] });
    const r = await detect(pullRequestEvent({ action: "labeled", number: 17, labels: ["preview"] }));
    expect(r.code).toBe(0);
    expect(r.outputs["event-label"]).toBe("");
  });

  it("custom label names and database override", async () => {
    gh.addPullRequest({ number: 18, labels: ["env", "prod-data", "keep"] });
    const r = await detect(pullRequestEvent({ action: "opened", number: 18 }), {
      inputs: {
        "preview-label": "env",
        "snapshot-label": "prod-data",
        "lock-label": "keep",
        database: "custom_db",
      },
    });
    expect(r.outputs).toMatchObject({
      preview: "true",
      "use-snapshot": "true",
      "persist-db": "true",
      database: "custom_db",
    });
  });

  it("fails clearly on a non pull request event", async () => {
    const r = await detect({ ref: "refs/heads/main", commits: [] }, { eventName: "push" });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/handles pull_request and pull_request_target events.*"push"/);
    expect(gh.requests).toHaveLength(0);
  });

  it("fails clearly when the PR number is not an integer", async () => {
    const event = pullRequestEvent({ action: "opened", number: 19 });
    (event.pull_request as Record<string, unknown>).number = "19";
    delete (event as Record<string, unknown>).number;
    const r = await detect(event);
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/must be a positive integer, got "19"/);
  });

  it("rejects an invalid db-prefix before doing anything", async () => {
    const r = await detect(pullRequestEvent({ action: "opened", number: 20 }), {
      inputs: { "db-prefix": "Shop!" },
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/database prefix "Shop!".*must match/);
    expect(gh.requests).toHaveLength(0);
  });

  it("API outage: retries, then falls back to the payload and says so", async () => {
    gh.addPullRequest({ number: 21, labels: ["preview", "persist-db"] });
    gh.outage(503);
    const r = await detect(pullRequestEvent({ action: "synchronize", number: 21, labels: ["preview"] }));
    expect(r.code).toBe(0);
    expect(r.outputs["labels-source"]).toBe("payload");
    expect(r.outputs["persist-db"]).toBe("false");
    expect(r.warnings.join("\n")).toMatch(/Could not read pull request #21 from the GitHub API/);
    expect(r.warnings.join("\n")).toMatch(
      /could not read \.github\/pr-snapshots\.yml at commit f95f852 .*HTTP 503.*Using inputs and defaults only/,
    );
    expect(r.outputs["config-sha"]).toBe("");
    expect(r.summary).toMatch(/may be stale/);
    // the official retry plugin tried more than once before giving up
    expect(gh.requests.filter((q) => q.path === "/repos/acme/shop/pulls/21").length).toBeGreaterThan(1);
  });

  it("a transient 502 is retried and the live labels are used", async () => {
    gh.addPullRequest({ number: 22, labels: ["preview", "use-snapshot"] });
    gh.fail({ path: "/repos/acme/shop/pulls/22", status: 502, times: 1 });
    const r = await detect(pullRequestEvent({ action: "opened", number: 22, labels: [] }));
    expect(r.outputs).toMatchObject({ "labels-source": "api", "use-snapshot": "true" });
    expect(pullRequestStatuses(22)).toEqual([502, 200]);
  });

  it("a secondary rate limit with retry-after is waited out", async () => {
    gh.addPullRequest({ number: 23, labels: ["preview"] });
    gh.fail({
      path: "/repos/acme/shop/pulls/23",
      status: 403,
      headers: { "retry-after": "1" },
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      },
    });
    const r = await detect(pullRequestEvent({ action: "opened", number: 23 }));
    expect(r.outputs["labels-source"]).toBe("api");
    expect(r.warnings.join("\n")).toMatch(/secondary rate limit/);
    expect(pullRequestStatuses(23)).toEqual([403, 200]);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ACTIONS_BOT, GitHubStandIn, type Identity } from "../../../../test/support/github-stand-in";
import { consoleLog } from "../log";
import { createGitHubClient, type GitHubClient } from "./client";
import {
  commentMarker,
  findComment,
  kindOf,
  postEventComment,
  renderComment,
  runKeyOf,
  upsertStickyComment,
} from "./comments";
import { addLabel, removeLabel } from "./labels";

let gh: GitHubStandIn;
let client: GitHubClient;
const repo = { owner: "acme", repo: "shop" };
const lines: string[] = [];
const log = consoleLog({ write: (l) => lines.push(l) });

beforeAll(async () => {
  gh = await GitHubStandIn.start();
  client = createGitHubClient({ token: gh.defaultToken, log, baseUrl: gh.url });
});
afterAll(async () => gh.stop());
beforeEach(() => {
  gh.restore();
  gh.clearRequests();
});

describe("labels", () => {
  it("adds, removes, and treats an absent label as already removed", async () => {
    gh.addPullRequest({ number: 1, labels: ["preview"] });
    expect(await addLabel(client, repo, 1, "use-snapshot")).toEqual(["preview", "use-snapshot"]);
    expect(await removeLabel(client, repo, 1, "use-snapshot")).toBe(true);
    expect(await removeLabel(client, repo, 1, "use-snapshot")).toBe(false);
    expect(gh.pull(1).labels).toEqual(["preview"]);
  });

  it("encodes label names with spaces and slashes", async () => {
    gh.addPullRequest({ number: 2, labels: ["db: keep/forever"] });
    expect(await removeLabel(client, repo, 2, "db: keep/forever")).toBe(true);
    expect(gh.pull(2).labels).toEqual([]);
  });

  it("does not hide other failures", async () => {
    gh.addPullRequest({ number: 3, labels: ["x"] });
    gh.fail({ path: /labels/, status: 422, times: 1 });
    await expect(removeLabel(client, repo, 3, "x")).rejects.toMatchObject({ status: 422 });
  });
});

describe("comments (CONTRACT §4)", () => {
  it("puts the marker on the first line and recognises it", () => {
    const body = renderComment("lock-added", "Locked.", "123:1");
    expect(body.split("\n")[0]).toBe(commentMarker("lock-added"));
    expect(kindOf(body)).toBe("lock-added");
    expect(runKeyOf(body)).toBe("123:1");
    expect(kindOf(`quote:\n${body}`)).toBeUndefined();
    expect(kindOf("<!-- pr-snapshots:unknown-kind -->\nx")).toBeUndefined();
  });

  it("the sticky comment is created once, then edited in place", async () => {
    gh.addPullRequest({ number: 10 });
    const first = await upsertStickyComment(client, repo, 10, "preview", "v1");
    const second = await upsertStickyComment(client, repo, 10, "preview", "v2");
    const third = await upsertStickyComment(client, repo, 10, "preview", "v2");
    expect(first.outcome).toBe("created");
    expect(second).toMatchObject({ id: first.id, outcome: "updated" });
    expect(third).toMatchObject({ id: first.id, outcome: "unchanged" });
    expect(gh.commentsOn(10)).toHaveLength(1);
    expect(gh.commentsOn(10)[0]?.body).toContain("v2");
  });

  it("finds the sticky comment beyond the first page and removes duplicates from a race", async () => {
    gh.addPullRequest({ number: 11 });
    const bot = ACTIONS_BOT;
    for (let i = 0; i < 120; i++) gh.seedComment(11, `chatter ${i}`);
    gh.seedComment(11, renderComment("preview", "old A"), bot);
    gh.seedComment(11, renderComment("preview", "old B"), bot);
    gh.seedComment(11, `quoting:\n${renderComment("preview", "a user's copy")}`);
    const r = await upsertStickyComment(client, repo, 11, "preview", "new");
    const previews = gh.commentsOn(11).filter((c) => kindOf(c.body) === "preview");
    expect(previews).toHaveLength(1);
    expect(gh.commentsOn(11)).toHaveLength(122);
    expect(previews[0]?.id).toBe(r.id);
    expect(previews[0]?.body).toContain("new");
  });

  it("an event comment is posted once per workflow run, even when the run is re-run", async () => {
    gh.addPullRequest({ number: 12 });
    const a = await postEventComment(client, repo, 12, "db-dropped", "Dropped.", {
      runKey: "555",
      mayHavePosted: false,
    });
    gh.clearRequests();
    const b = await postEventComment(client, repo, 12, "db-dropped", "Dropped.", {
      runKey: "555",
      mayHavePosted: true,
    });
    expect(b).toMatchObject({ id: a.id, outcome: "already-posted" });
    // The list, and the token's identity unless an earlier test of this client already asked.
    expect(gh.calls().filter((c) => c !== "POST /graphql")).toEqual([
      "GET /repos/acme/shop/issues/12/comments",
    ]);
    const c = await postEventComment(client, repo, 12, "db-dropped", "Dropped.", {
      runKey: "556",
      mayHavePosted: true,
    });
    expect(c.outcome).toBe("created");
    expect(gh.commentsOn(12)).toHaveLength(2);
  });
});

describe("comments count as ours only when the token's own identity wrote them", () => {
  const stranger: Identity = { login: "mallory", type: "User", id: 666 };
  const otherBot: Identity = {
    login: "some-other-app[bot]",
    type: "Bot",
    id: 777,
    app: { id: 4242, slug: "some-other-app", name: "Some other app" },
  };

  it("GITHUB_TOKEN: a marker planted by a person or another app is neither edited, nor obeyed, nor deduplicated against", async () => {
    gh.addPullRequest({ number: 30 });
    const c = createGitHubClient({ token: gh.defaultToken, log, baseUrl: gh.url });
    // Planted before the real ones: the oldest marker comment would win if markers alone counted.
    const plantedPreview = gh.seedComment(
      30,
      renderComment("preview", "[click me](https://evil.example)"),
      stranger,
    );
    const plantedExpiring = gh.seedComment(30, renderComment("db-expiring", "nothing to see"), otherBot);
    const plantedRun = gh.seedComment(30, renderComment("db-dropped", "fake", "900"), stranger);

    const sticky = await upsertStickyComment(client, repo, 30, "preview", "the real one", log);
    expect(sticky.outcome).toBe("created");
    expect(gh.commentsOn(30).find((x) => x.id === plantedPreview.id)?.body).toContain("evil.example");
    expect(await findComment(c, repo, 30, "db-expiring", log)).toBeUndefined();
    const event = await postEventComment(c, repo, 30, "db-dropped", "Dropped.", {
      runKey: "900",
      mayHavePosted: true,
      log,
    });
    expect(event.outcome).toBe("created");
    expect(gh.commentsOn(30).filter((x) => x.user.login === ACTIONS_BOT.login)).toHaveLength(2);
    // Its own comments do count: the second sync edits the first, the re-run finds its comment.
    expect(await upsertStickyComment(c, repo, 30, "preview", "edited", log)).toMatchObject({
      id: sticky.id,
      outcome: "updated",
    });
    expect(
      await postEventComment(c, repo, 30, "db-dropped", "Dropped.", {
        runKey: "900",
        mayHavePosted: true,
        log,
      }),
    ).toMatchObject({ id: event.id, outcome: "already-posted" });
    expect(gh.commentsOn(30).map((x) => x.id)).toContain(plantedExpiring.id);
    expect(gh.commentsOn(30).map((x) => x.id)).toContain(plantedRun.id);
  });

  it("a GitHub App's installation token owns its <slug>[bot] comments, not github-actions[bot]'s", async () => {
    const appBot: Identity = {
      login: "preview-bot[bot]",
      type: "Bot",
      id: 9001,
      app: { id: 31337, slug: "preview-bot", name: "Preview bot" },
    };
    gh.addToken("ghs_app_installation_token", { identity: appBot, kind: "installation" });
    const app = createGitHubClient({ token: "ghs_app_installation_token", log, baseUrl: gh.url });
    gh.addPullRequest({ number: 31 });
    gh.seedComment(31, renderComment("db-expiring", "by GITHUB_TOKEN"), ACTIONS_BOT);
    expect(await findComment(app, repo, 31, "db-expiring", log)).toBeUndefined();
    const mine = gh.seedComment(31, renderComment("db-expiring", "by the app"), appBot);
    expect(await findComment(app, repo, 31, "db-expiring", log)).toMatchObject({ id: mine.id });
    // GET /user answers 403 to installation tokens: the identity came from GraphQL's viewer.
    expect(gh.calls()).toContain("POST /graphql");
  });

  it("a personal access token owns its user's comments", async () => {
    const user: Identity = { login: "release-manager", type: "User", id: 5005 };
    gh.addToken("ghp_personal_token", { identity: user, kind: "user" });
    const pat = createGitHubClient({ token: "ghp_personal_token", log, baseUrl: gh.url });
    gh.addPullRequest({ number: 32 });
    gh.seedComment(32, renderComment("db-expiring", "by GITHUB_TOKEN"), ACTIONS_BOT);
    const mine = gh.seedComment(32, renderComment("db-expiring", "by the user"), user);
    expect(await findComment(pat, repo, 32, "db-expiring", log)).toMatchObject({ id: mine.id });
  });

  it("when the token's identity cannot be found, no comment counts, and the log says so", async () => {
    gh.addPullRequest({ number: 33 });
    gh.seedComment(33, renderComment("db-expiring", "by GITHUB_TOKEN"), ACTIONS_BOT);
    const fresh = createGitHubClient({ token: gh.defaultToken, log, baseUrl: gh.url });
    gh.fail({ path: "/graphql", status: 404, times: 1 });
    lines.length = 0;
    expect(await findComment(fresh, repo, 33, "db-expiring", log)).toBeUndefined();
    expect(lines.join("\n")).toMatch(/Could not tell which account the github-token acts as/);
  });
});

describe("client", () => {
  it("masks the token and honours retry-after on secondary rate limits", async () => {
    gh.addPullRequest({ number: 20 });
    gh.fail({
      path: "/repos/acme/shop/issues/20/comments",
      method: "POST",
      status: 403,
      headers: { "retry-after": "1" },
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      },
    });
    const started = Date.now();
    await postEventComment(client, repo, 20, "lock-added", "Locked.");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(gh.commentsOn(20)).toHaveLength(1);
    expect(log.redact(`token ${gh.defaultToken}`)).toBe("token ***");
  });

  it("retries server errors", async () => {
    gh.addPullRequest({ number: 21 });
    gh.fail({ path: "/repos/acme/shop/issues/21/labels", status: 500, times: 2 });
    expect(await addLabel(client, repo, 21, "preview")).toEqual(["preview"]);
    expect(gh.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it("does not retry a 404", async () => {
    await expect(client.rest.pulls.get({ ...repo, pull_number: 999 })).rejects.toMatchObject({ status: 404 });
    expect(gh.requests).toHaveLength(1);
  });
});

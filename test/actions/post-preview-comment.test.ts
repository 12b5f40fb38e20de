import { kindOf } from "@pr-snapshots/core/github/comments";
import { silentLog } from "@pr-snapshots/core/log";
import { produceSnapshot } from "@pr-snapshots/core/snapshot/producer";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { GitHubStandIn } from "../support/github-stand-in";
import { runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

let gh: GitHubStandIn;
let client: MongoClient;
beforeAll(async () => {
  gh = await GitHubStandIn.start();
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
});
afterAll(async () => {
  await client?.close();
  await gh?.stop();
});
beforeEach(() => {
  gh.restore();
  gh.clearRequests();
});

/** As pr-preview.yml runs it: with detect-labels' config-sha ("none": no config file) unless a test says otherwise. */
const post = (
  inputs: Record<string, string | number | boolean | undefined>,
  event: Record<string, unknown>,
) =>
  runAction("post-preview-comment", {
    apiUrl: gh.url,
    event,
    inputs: { "github-token": gh.defaultToken, "config-sha": "none", ...inputs },
  });

describe("post-preview-comment (bundled action as a process)", () => {
  it("ten syncs leave exactly one preview comment, edited in place", async () => {
    gh.addPullRequest({ number: 31, labels: ["preview"] });
    gh.seedComment(31, "Looks good to me!");
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const sha = `${i}`.repeat(40);
      const r = await post(
        { "db-prefix": "pc", "use-snapshot": false, "persist-db": false },
        pullRequestEvent({ action: "synchronize", number: 31, headSha: sha }),
      );
      expect(r.code, r.stdout).toBe(0);
      expect(r.outputs.outcome).toBe(i === 0 ? "created" : "updated");
      ids.add(r.outputs["comment-id"] ?? "");
    }
    expect(ids.size).toBe(1);
    const previews = gh.commentsOn(31).filter((c) => kindOf(c.body) === "preview");
    expect(previews).toHaveLength(1);
    expect(previews[0]?.body).toContain("| Commit | `9999999` |");
    expect(gh.commentsOn(31)).toHaveLength(2);
    // Creating costs two requests (list + create); every later sync costs three (list, the token's
    // identity to tell its own comment from a copy someone typed, update).
    expect(gh.requests).toHaveLength(2 + 9 * 3);
  });

  it("reads the snapshot's timestamp with mongodb-uri, and the labels from the API when not given", async () => {
    await seedProduction(client, "pt_prod", { scale: 0.5 });
    const produced = await produceSnapshot({
      client,
      log: silentLog,
      sourceDatabase: "pt_prod",
      snapshotDatabase: "pt_snapshot",
      concurrency: 2,
      retain: 1,
      graceSeconds: 0,
      maxShrinkPercent: 50,
      force: false,
      dryRun: false,
      allowPrivilegedCredentials: true,
    });
    gh.addPullRequest({ number: 32, labels: ["preview", "use-snapshot", "persist-db"] });
    const r = await post(
      {
        "db-prefix": "pt",
        "mongodb-uri": inject("mongoStandaloneUri"),
        urls: "Web=https://pr-{number}.shop.example",
      },
      pullRequestEvent({ action: "labeled", number: 32, label: "persist-db" }),
    );
    expect(r.code, r.stdout).toBe(0);
    const body = gh.commentsOn(32)[0]?.body ?? "";
    expect(body.split("\n")[0]).toBe("<!-- pr-snapshots:preview -->");
    expect(body).toContain(
      `taken **${produced.timestamp.toISOString().slice(0, 16).replace("T", " ")} UTC**`,
    );
    expect(body).toContain("🔒 locked by `persist-db`");
    expect(body).toContain("- **Web**: https://pr-32.shop.example");
    expect(body).not.toContain("mongodb://");
    expect(gh.calls()[0]).toBe("GET /repos/acme/shop/pulls/32");
  });

  it("uses the config file's namespace and URL templates; an explicit timestamp wins", async () => {
    const base = "33".repeat(20);
    gh.setFile(
      base,
      ".github/pr-snapshots.yml",
      'dbPrefix: shop\ncomment:\n  namespace: "preview-{number}"\n  urls:\n    - name: Web\n      url: "https://{database}.example"\n',
    );
    gh.addPullRequest({ number: 33, baseSha: base });
    const r = await post(
      {
        "use-snapshot": true,
        "persist-db": false,
        "snapshot-timestamp": "2026-11-22T03:00:00Z",
        "config-sha": undefined,
      },
      pullRequestEvent({ action: "opened", number: 33, baseSha: base }),
    );
    expect(r.code, r.stdout).toBe(0);
    const body = gh.commentsOn(33)[0]?.body ?? "";
    expect(body).toContain("| Namespace | `preview-33` |");
    expect(body).toContain("- **Web**: https://shop_pr_33.example");
    expect(body).toContain("taken **2026-11-22 03:00 UTC**");
    expect(gh.contentsRequests()).toEqual([`.github/pr-snapshots.yml@${base}`]);
    expect(r.summary).toContain("Config: read .github/pr-snapshots.yml at commit 3333333");
  });

  it("dry-run prints the comment and posts nothing; bad templates fail before any request", async () => {
    gh.addPullRequest({ number: 34 });
    const dry = await post(
      { "db-prefix": "pc", "use-snapshot": false, "persist-db": false, "dry-run": true },
      pullRequestEvent({ action: "opened", number: 34 }),
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("## 🚀 Preview environment");
    expect(gh.requests).toHaveLength(0);
    const bad = await post(
      { "db-prefix": "pc", "use-snapshot": false, "persist-db": false, namespace: "pr-{pr}" },
      pullRequestEvent({ action: "opened", number: 34 }),
    );
    expect(bad.code).toBe(1);
    expect(bad.errors.join("\n")).toMatch(
      /uses \{pr\}; only \{number\}, \{sha\} and \{database\} are available/,
    );
    expect(gh.requests).toHaveLength(0);
  });

  it("says when the data is refreshed as the refresh input says; a wrong value fails before any request", async () => {
    gh.addPullRequest({ number: 35, labels: ["preview", "use-snapshot"] });
    const event = pullRequestEvent({ action: "synchronize", number: 35 });
    const base = { "db-prefix": "pc", "use-snapshot": true, "persist-db": false, "dry-run": true };
    const everySync = await post(base, event);
    expect(everySync.code, everySync.stdout).toBe(0);
    expect(everySync.stdout).toContain("Each sync restores the database from the latest production snapshot");
    const kept = await post({ ...base, refresh: "new-snapshot" }, event);
    expect(kept.code, kept.stdout).toBe(0);
    expect(kept.stdout).toContain("only when a newer production snapshot has been published");
    expect(kept.stdout).not.toContain("Each sync restores");
    gh.clearRequests();
    const bad = await post({ ...base, "dry-run": false, refresh: "hourly" }, event);
    expect(bad.code).toBe(1);
    expect(bad.errors.join("\n")).toContain(
      'Input "refresh" must be one of "every-sync", "new-snapshot", "full", got "hourly".',
    );
    expect(gh.requests).toHaveLength(0);
  });
});

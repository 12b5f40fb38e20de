import { kindOf } from "@pr-snapshots/core/github/comments";
import { formatBytes } from "@pr-snapshots/core/markdown";
import { describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { runAction } from "../support/run-action";
import { mongoAndGitHub } from "../support/suite";

/** post-preview-comment given mongodb-uri shows the PR database's size (dbStats), as a process. */
const suite = mongoAndGitHub();

const post = (number: number) =>
  runAction("post-preview-comment", {
    apiUrl: suite.gh.url,
    event: pullRequestEvent({ action: "synchronize", number }),
    inputs: {
      "github-token": suite.gh.defaultToken,
      "config-sha": "none",
      "db-prefix": "psz",
      "mongodb-uri": suite.uri,
      "use-snapshot": false,
      "persist-db": false,
    },
  });

const preview = (number: number) =>
  suite.gh.commentsOn(number).find((c) => kindOf(c.body) === "preview")?.body ?? "";

describe("the preview comment shows the database's size", () => {
  it("data and on-disk sizes from dbStats, human-readable; no size row before the database exists", async () => {
    suite.gh.addPullRequest({ number: 61, labels: ["preview"] });
    const none = await post(61);
    expect(none.code, none.stdout).toBe(0);
    expect(preview(61)).toContain("| Database | `psz_pr_61` |");
    expect(preview(61)).not.toContain("| Size |");

    const db = suite.client.db("psz_pr_61");
    await db
      .collection("projects")
      .insertMany(
        Array.from({ length: 2_000 }, (_, i) => ({ i, name: `project ${i}`, notes: "n".repeat(300) })),
      );
    await db.collection("projects").createIndex({ name: 1 });
    const { dataSize } = await db.command({ dbStats: 1 });
    const synced = await post(61);
    expect(synced.code, synced.stdout).toBe(0);
    expect(synced.outputs.outcome).toBe("updated");
    const row = /\| Size \| (.+) of data; (.+) on disk \((.+) storage \+ (.+) indexes\) \|/.exec(preview(61));
    expect(row?.[1]).toBe(formatBytes(Number(dataSize)));
    expect(row?.[1]).toMatch(/^\d[\d.]* KiB$/);
    for (const part of row?.slice(2) ?? []) expect(part).toMatch(/^\d[\d.]* (B|KiB|MiB)$/);
    expect(synced.stdout.replace(/::add-mask::.*/g, "")).not.toContain(suite.uri);
  });
});

import { kindOf } from "@pr-snapshots/core/github/comments";
import { LEASE_COLLECTION } from "@pr-snapshots/core/mongo/target";
import { beforeEach, describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { type ActionRun, runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";
import { mongoAndGitHub, produceTestSnapshot } from "../support/suite";
import { parseRunnerCommands } from "../support/workflow-commands";

/**
 * What a pull request's preview application can write into its own database, and what anyone can
 * put into a label, reaches the log and the comments of the bundled actions as data: never as a
 * workflow command, never as Markdown of its own.
 */
const suite = mongoAndGitHub();
beforeEach(() => {
  suite.gh.restore();
  suite.gh.clearRequests();
});

/** Every workflow command the runner would find in a run's output that carries the marker. */
function forged(r: ActionRun, marker = "pwned"): string[] {
  return parseRunnerCommands(`${r.stdout}\n${r.stderr}`)
    .filter((c) => c.line.includes(marker))
    .map((c) => `${c.command}: ${c.line}`);
}

describe("workflow-command injection through data", () => {
  it("collection names and the lease owner of a PR database (which its preview app writes) stay text in restore-snapshot's log", async () => {
    await seedProduction(suite.client, "hd_prod", { scale: 0.3 });
    await produceTestSnapshot(suite.client, "hd");
    const pr = suite.client.db("hd_pr_5");
    // Collections the snapshot lacks are dropped, and named in the log.
    for (const name of [
      "x\n::warning title=pwned::a forged warning",
      "y\r::error::pwned after a carriage return",
      "::add-mask::pwned",
      "z ##[error]pwned, the legacy syntax",
    ])
      await pr.createCollection(name);
    // A writer lease held by "someone" whose name the waiting run prints, expiring in a few seconds.
    await pr.collection(LEASE_COLLECTION).insertOne({
      _id: "writer" as never,
      holder: "someone-else",
      owner: "a run\n::error title=pwned::forged by the lease owner",
      what: "restore",
      acquiredAt: new Date(),
      renewedAt: new Date(),
      expiresAt: new Date(Date.now() + 3_000),
    });
    suite.gh.addPullRequest({ number: 5, labels: ["preview", "use-snapshot"] });
    const r = await runAction("restore-snapshot", {
      apiUrl: suite.gh.url,
      event: pullRequestEvent({ action: "synchronize", number: 5 }),
      inputs: {
        "github-token": suite.gh.defaultToken,
        "mongodb-uri": suite.uri,
        "db-prefix": "hd",
        "poll-interval-seconds": 1,
        "wait-timeout-seconds": 60,
      },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(forged(r)).toEqual([]);
    // Shown, escaped: the names are there, each on the line that names it.
    expect(r.stdout).toContain("x\\n::warning title=pwned::a forged warning");
    expect(r.stdout).toContain("a run\\n::error title=pwned::forged by the lease owner");
    expect(r.stdout).toContain("z ##\\[error]pwned");
    expect(r.warnings.concat(r.errors).join("\n")).not.toMatch(/pwned/);
    expect((await pr.listCollections().toArray()).map((c) => c.name)).not.toContain("::add-mask::pwned");
  });

  it("label names stay text in detect-labels' and enforce-lock's log", async () => {
    const labels = ["preview", "##[error]pwned label", "::warning::pwned label"];
    suite.gh.addPullRequest({ number: 6, labels });
    const event = pullRequestEvent({ action: "labeled", number: 6, label: labels[1], labels });
    for (const action of ["detect-labels", "enforce-lock"]) {
      const r = await runAction(action, {
        apiUrl: suite.gh.url,
        event,
        inputs: { "github-token": suite.gh.defaultToken, "db-prefix": "hd", "config-sha": "none" },
      });
      expect(r.code, r.stdout).toBe(0);
      expect(forged(r), action).toEqual([]);
    }
  });
});

describe("Markdown injection into the preview comment", () => {
  const evil = "[click here](https://evil.example/steal)";

  it("the facts come from the snapshot database: a PR database's own metadata cannot write the comment", async () => {
    await seedProduction(suite.client, "hm_prod", { scale: 0.3 });
    const produced = await produceTestSnapshot(suite.client, "hm");
    // The preview app rewrites its database's restore record, keeping the snapshot's timestamp.
    await suite.client
      .db("hm_pr_8")
      .collection("snapshot_metadata")
      .insertOne({
        _id: "latest" as never,
        source: "snapshot",
        status: "complete",
        snapshotTimestamp: produced.timestamp,
        generation: produced.generation,
        restoredAt: new Date(),
        masking: { policy: `abc\n\n${evil}` },
        subset: { [`pmStudy\n\n## ${evil}`]: 5, pmProject: "<img src=x onerror=alert(1)>" },
      });
    suite.gh.addPullRequest({ number: 8, labels: ["preview", "use-snapshot"] });
    const r = await runAction("post-preview-comment", {
      apiUrl: suite.gh.url,
      event: pullRequestEvent({ action: "synchronize", number: 8 }),
      inputs: {
        "github-token": suite.gh.defaultToken,
        "config-sha": "none",
        "db-prefix": "hm",
        "mongodb-uri": suite.uri,
        "use-snapshot": true,
        "persist-db": false,
      },
    });
    expect(r.code, r.stdout).toBe(0);
    const body = suite.gh.commentsOn(8).find((c) => kindOf(c.body) === "preview")?.body ?? "";
    expect(body).toContain(produced.timestamp.toISOString().slice(0, 16).replace("T", " "));
    expect(body).not.toContain("evil.example");
    expect(body).not.toContain("<img");
    // The snapshot has no masking and no subset, so the comment says neither.
    expect(body).not.toMatch(/masked|subset/i);
  });

  it("a malformed fact in the snapshot database itself is left out with a warning, never rendered", async () => {
    await seedProduction(suite.client, "hn_prod", { scale: 0.3 });
    const produced = await produceTestSnapshot(suite.client, "hn");
    await suite.client
      .db("hn_snapshot")
      .collection("snapshot_metadata")
      .updateOne({ _id: "latest" as never }, { $set: { subset: { [`pmStudy\n\n${evil}`]: 5 } } });
    suite.gh.addPullRequest({ number: 9, labels: ["preview", "use-snapshot"] });
    const r = await runAction("post-preview-comment", {
      apiUrl: suite.gh.url,
      event: pullRequestEvent({ action: "synchronize", number: 9 }),
      inputs: {
        "github-token": suite.gh.defaultToken,
        "config-sha": "none",
        "db-prefix": "hn",
        "mongodb-uri": suite.uri,
        "use-snapshot": true,
        "persist-db": false,
      },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.warnings.join("\n")).toMatch(/subset in a form the comments do not show/);
    const body = suite.gh.commentsOn(9).find((c) => kindOf(c.body) === "preview")?.body ?? "";
    expect(body).toContain(produced.timestamp.toISOString().slice(0, 16).replace("T", " "));
    expect(body).not.toContain("evil.example");
  });
});

import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { BSON } from "mongodb";
import { beforeEach, describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { DEFAULT_BASE_SHA } from "../support/github-stand-in";
import { PERSONAL_CONFIG, seedPersonal } from "../support/personal-data";
import { DEFAULT_GITHUB_SHA, runAction } from "../support/run-action";
import { mongoAndGitHub } from "../support/suite";

/** Masking through the bundled actions: the salt stays secret, and the comments say the data is masked. */
const SALT = "process-test-salt-5f1c0e9a7b3d2468";
const CONFIG_PATH = ".github/pr-snapshots.yml";

const suite = mongoAndGitHub();
beforeEach(() => suite.gh.restore());

const produce = (prefix: string, extra: Record<string, string | number | boolean> = {}) =>
  runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl: suite.gh.url,
    inputs: {
      "github-token": suite.gh.defaultToken,
      "mongodb-uri": suite.uri,
      "db-prefix": prefix,
      "source-database": `${prefix}_prod`,
      "mask-salt": SALT,
      ...extra,
    },
  });

const withoutMasks = (stdout: string) => stdout.replace(/::add-mask::.*/g, "");

describe("masked snapshots through the bundled actions", () => {
  it("publishes a verified masked snapshot; the salt is in no log, output, summary, metadata or comment", async () => {
    await seedPersonal(suite.client, "mp_prod", 20);
    suite.gh.setFile(DEFAULT_GITHUB_SHA, CONFIG_PATH, PERSONAL_CONFIG);
    const r = await produce("mp");
    expect(r.code, r.stdout).toBe(0);
    expect(r.masked).toContain(SALT);
    expect(withoutMasks(r.stdout)).not.toContain(SALT);
    expect(r.summary).not.toContain(SALT);
    expect(JSON.stringify(r.outputs)).not.toContain(SALT);
    expect(r.summary).toMatch(
      /Masking policy `[0-9a-f]{12}` \(15 masked paths\), verified against production before publishing\./,
    );
    expect(r.summary).toMatch(
      /\| people \| email: email, fullName: name, .* \| all documents \| 20 \| verified except score \(expr\) \|/,
    );
    expect(r.summary).toMatch(/\| studies \| — \| references projectId → projects\._id \| 25 \| {2}\|/);
    const metadata = await suite.client.db("mp_snapshot").collection("snapshot_metadata").find().toArray();
    expect(BSON.EJSON.stringify(metadata)).not.toContain(SALT);
    const policy = String(
      ((await readSnapshotMetadata(suite.client.db("mp_snapshot")))?.masking as { policy?: string })?.policy,
    );

    suite.gh.addPullRequest({ number: 31, labels: ["preview", "use-snapshot"] });
    suite.gh.setFile(DEFAULT_BASE_SHA, CONFIG_PATH, "dbPrefix: mp\n");
    const event = pullRequestEvent({
      action: "labeled",
      number: 31,
      label: "use-snapshot",
      labels: ["preview", "use-snapshot"],
    });
    const restored = await runAction("restore-snapshot", {
      apiUrl: suite.gh.url,
      event,
      inputs: { "github-token": suite.gh.defaultToken, "mongodb-uri": suite.uri },
    });
    expect(restored.code, restored.stdout).toBe(0);
    const restoredComment =
      suite.gh.commentsOn(31).find((c) => c.body.includes("pr-snapshots:db-restored"))?.body ?? "";
    expect(restoredComment).toContain(`The data is **masked**`);
    expect(restoredComment).toContain(`masking policy \`${policy.slice(0, 12)}\``);
    expect(restoredComment).toMatch(
      /It is a \*\*subset\*\* of production: `projects` keeps 5 documents, `studies` keeps 25 documents/,
    );

    const preview = await runAction("post-preview-comment", {
      apiUrl: suite.gh.url,
      event,
      inputs: { "github-token": suite.gh.defaultToken, "mongodb-uri": suite.uri },
    });
    expect(preview.code, preview.stdout).toBe(0);
    const previewComment =
      suite.gh.commentsOn(31).find((c) => c.body.includes("pr-snapshots:preview"))?.body ?? "";
    expect(previewComment).toMatch(
      new RegExp(`Production snapshot .*, masked \\(policy \`${policy.slice(0, 12)}\`\\)`),
    );
    for (const c of suite.gh.commentsOn(31)) expect(c.body).not.toContain(SALT);
  });

  it("a missing salt fails before connecting, and says how to fix it", async () => {
    suite.gh.setFile(DEFAULT_GITHUB_SHA, CONFIG_PATH, PERSONAL_CONFIG);
    const r = await produce("mq", {
      "mask-salt": "",
      "mongodb-uri": "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=60000",
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /keyed by a secret salt, and none was given: set the mask-salt input from a secret/,
    );
    expect(r.durationMs).toBeLessThan(10_000);
    const short = await produce("mq", { "mask-salt": "too-short" });
    expect(short.errors.join("\n")).toMatch(/use at least 16 random characters/);
    expect(withoutMasks(short.stdout)).not.toContain("too-short");
  });
});

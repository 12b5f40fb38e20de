import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import bcrypt from "bcryptjs";
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

  it("the password strategy through the bundle: one bcrypt hash of the test password, which appears nowhere", async () => {
    const password = "bundle-test-password-3e9d";
    await suite.client.db("mw_prod").dropDatabase();
    await suite.client
      .db("mw_prod")
      .collection("users")
      .insertMany(
        Array.from({ length: 5 }, (_, i) => ({
          email: `u${i}@corp.example`,
          passwordHash: bcrypt.hashSync(`own-${i}`, 4),
        })),
      );
    suite.gh.setFile(
      DEFAULT_GITHUB_SHA,
      CONFIG_PATH,
      "masking:\n  rules:\n    users:\n      email: email\n      passwordHash: { password: { scheme: bcrypt, cost: 5 } }\n",
    );
    const missing = await produce("mw", {
      "mongodb-uri": "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=60000",
    });
    expect(missing.code).toBe(1);
    expect(missing.errors.join("\n")).toMatch(/set the mask-test-password input from a secret/);
    const r = await produce("mw", { "mask-test-password": password });
    expect(r.code, r.stdout).toBe(0);
    expect(r.masked).toContain(password);
    for (const text of [withoutMasks(r.stdout), r.summary, JSON.stringify(r.outputs)])
      expect(text).not.toContain(password);
    const meta = await readSnapshotMetadata(suite.client.db("mw_snapshot"));
    const users = await suite.client
      .db("mw_snapshot")
      .collection(String((meta?.physical as Record<string, string> | undefined)?.users))
      .find()
      .toArray();
    const hashes = [...new Set(users.map((u) => String(u.passwordHash)))];
    expect(hashes).toHaveLength(1);
    expect(hashes[0]).toMatch(/^\$2b\$05\$/);
    expect(bcrypt.compareSync(password, hashes[0] ?? "")).toBe(true);
    expect(
      BSON.EJSON.stringify(
        await suite.client.db("mw_snapshot").collection("snapshot_metadata").find().toArray(),
      ),
    ).not.toContain(password);
  });
});

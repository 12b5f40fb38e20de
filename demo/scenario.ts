/**
 * One pull request's whole life, played through the real bundled actions against a real
 * mongod (with access control and the least-privilege users of the original design) and the
 * local GitHub API stand-in. Used by `pnpm demo` (which prints it) and by the end-to-end test
 * (which asserts every step). Each sync runs the steps of .github/workflows/pr-preview.yml
 * with the same conditions, as one job: the steps share RUNNER_TEMP, and the later ones get
 * detect-labels' config-sha, so the config file is fetched once per sync.
 */
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readPrRecords } from "@pr-snapshots/core/mongo/pr-records";
import { isBookkeeping, readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { MongoClient } from "mongodb";
import { pullRequestEvent } from "../test/support/events";
import { type CommentState, DEFAULT_BASE_SHA, GitHubStandIn } from "../test/support/github-stand-in";
import { dataHash, dbHash, type RunningMongo, startMongo } from "../test/support/mongod";
import { producerRoles, pullRequestRoles } from "../test/support/permission-model";
import { type ActionRun, DEFAULT_GITHUB_SHA, runAction } from "../test/support/run-action";
import { SAMPLE_MASKING_CONFIG, seedProduction } from "../test/support/sample-data";

export const PREFIX = "shop";
export const PR = 42;
export const PROD = "shop_prod";
export const SNAPSHOT = "shop_snapshot";
export const DATABASE = `shop_pr_${PR}`;
const AUTHOR = { login: "ada", type: "User" as const, id: 1001 };
export const CONFIG_PATH = ".github/pr-snapshots.yml";
/** The repository's config file, at the PR's base commit and at the commit the producer runs for. */
export const CONFIG = [
  "comment:",
  "  urls:",
  "    - name: Web",
  '      url: "https://pr-{number}.shop.example.com"',
  "    - name: API",
  '      url: "https://api.pr-{number}.shop.example.com"',
  "",
].join("\n");

export interface DatabaseState {
  exists: boolean;
  collections: number;
  views: number;
  documents: number;
  source?: string;
  snapshotTimestamp?: Date;
  /**
   * Server-side hash of the data and of the restore's record: equal hashes mean nothing that a
   * lock protects was written (the writer lease and the lock record are bookkeeping).
   */
  md5?: string;
  /** enforce-lock's lock record in the database, when there is one. */
  lockRecord?: boolean;
}

export interface SyncResult {
  runs: Record<string, ActionRun>;
  /** GitHub API requests made by each action during this sync. */
  requests: Record<string, number>;
  dbAction: string;
  rule: string;
  comments: CommentState[];
  labels: string[];
  database: DatabaseState;
}

export interface Lifecycle {
  gh: GitHubStandIn;
  mongo: RunningMongo;
  admin: MongoClient;
  producerUri: string;
  prUri: string;
  produce(): Promise<ActionRun>;
  /** The server's hash of the production database. */
  productionHash(): Promise<string>;
  /** A person changes labels on the PR; then the workflow runs for that event. */
  label(action: "labeled" | "unlabeled", label: string): Promise<SyncResult>;
  push(): Promise<SyncResult>;
  open(labels: string[]): Promise<SyncResult>;
  close(): Promise<SyncResult>;
  stop(): Promise<void>;
}

/** The masking salt of the demo's masked variant (a real one comes from a secret). */
export const DEMO_SALT = "demo-salt-not-a-secret-0123456789";

export async function startLifecycle(options: { scale?: number; masked?: boolean } = {}): Promise<Lifecycle> {
  const mongo = await startMongo({ auth: true });
  const admin = new MongoClient(mongo.uri);
  await admin.connect();
  const gh = await GitHubStandIn.start();
  await seedProduction(admin, PROD, { scale: options.scale ?? 8 });
  const producerUri = await mongo.createUser({
    user: "snapshot-producer",
    pwd: "producer-Secret-1",
    roles: producerRoles(PROD, SNAPSHOT),
  });
  const prUri = await mongo.createUser({
    user: `shop-pr-${PR}-user`,
    pwd: "pr-Secret-42",
    roles: pullRequestRoles(SNAPSHOT, DATABASE),
  });
  let commits = 0;
  const nextSha = () => createHash("sha1").update(`commit ${++commits}`).digest("hex");
  gh.addPullRequest({
    number: PR,
    labels: [],
    author: AUTHOR.login,
    headSha: nextSha(),
    title: "Add study export",
  });

  // The workflows never check the repository out: the actions fetch this through the contents API.
  // The masked variant's file also has masking rules (the producer reads it at the workflow's commit).
  const config = options.masked ? `${CONFIG}${SAMPLE_MASKING_CONFIG}` : CONFIG;
  gh.setFile(DEFAULT_BASE_SHA, CONFIG_PATH, config);
  gh.setFile(DEFAULT_GITHUB_SHA, CONFIG_PATH, config);

  const inputs = { "github-token": gh.defaultToken, "db-prefix": PREFIX, "source-database": PROD };
  let requests: Record<string, number> = {};
  let runnerTemp = "";
  const run = async (
    action: string,
    event: Record<string, unknown>,
    extra: Record<string, string | number | boolean> = {},
  ) => {
    const before = gh.requests.length;
    const result = await runAction(action, {
      apiUrl: gh.url,
      event,
      inputs: { ...inputs, ...extra },
      env: { RUNNER_TEMP: runnerTemp },
    });
    requests[action] = gh.requests.length - before;
    return result;
  };

  async function databaseState(): Promise<DatabaseState> {
    const infos = await admin.db(DATABASE).listCollections().toArray();
    if (infos.length === 0) return { exists: false, collections: 0, views: 0, documents: 0 };
    const data = infos
      .filter((c) => c.type !== "view" && !isBookkeeping(c.name) && !c.name.startsWith("system."))
      .map((c) => c.name);
    let documents = 0;
    for (const n of data) documents += await admin.db(DATABASE).collection(n).estimatedDocumentCount();
    const meta = await readPrMetadata(admin, DATABASE);
    const { lock } = await readPrRecords(admin, DATABASE);
    const md5 = createHash("md5")
      .update(`${await dataHash(admin, DATABASE)} ${JSON.stringify(meta ?? null)}`)
      .digest("hex");
    return {
      exists: true,
      collections: data.length,
      views: infos.filter((c) => c.type === "view").length,
      documents,
      ...(meta ? { source: meta.source } : {}),
      ...(meta?.snapshotTimestamp ? { snapshotTimestamp: meta.snapshotTimestamp } : {}),
      md5,
      ...(lock ? { lockRecord: lock.locked } : {}),
    };
  }

  /** The steps of pr-preview.yml for one event. */
  async function sync(event: Record<string, unknown>): Promise<SyncResult> {
    const before = new Map(gh.comments.map((c) => [c.id, c.body]));
    const runs: Record<string, ActionRun> = {};
    requests = {};
    runnerTemp = mkdtempSync(path.join(tmpdir(), "runner-temp-"));
    runs["detect-labels"] = await run("detect-labels", event);
    const configSha = { "config-sha": runs["detect-labels"].outputs["config-sha"] ?? "" };
    runs["enforce-lock"] = await run("enforce-lock", event, { "mongodb-uri": prUri, ...configSha });
    const dbAction = runs["enforce-lock"].outputs["db-action"] ?? "";
    if (dbAction === "restore") {
      runs["restore-snapshot"] = await run("restore-snapshot", event, {
        "mongodb-uri": prUri,
        ...configSha,
        "poll-interval-seconds": 1,
      });
    }
    const labels = runs["detect-labels"].outputs;
    if (
      runs["detect-labels"].code === 0 &&
      runs["enforce-lock"].code === 0 &&
      labels.preview === "true" &&
      labels["pr-state"] === "open" &&
      dbAction !== "drop"
    ) {
      runs["post-preview-comment"] = await run("post-preview-comment", event, {
        "mongodb-uri": prUri,
        ...configSha,
        "head-sha": labels["head-sha"] ?? "",
        "snapshot-timestamp": runs["restore-snapshot"]?.outputs["snapshot-timestamp"] ?? "",
      });
    }
    for (const [name, r] of Object.entries(runs)) {
      if (r.code !== 0) throw new Error(`${name} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    return {
      runs,
      requests,
      dbAction,
      rule: runs["enforce-lock"].outputs.rule ?? "",
      // Comments posted or edited by this sync.
      comments: gh.comments.filter((c) => before.get(c.id) !== c.body),
      labels: [...gh.pull(PR).labels],
      database: await databaseState(),
    };
  }

  const event = (action: string, label?: string) => {
    const pr = gh.pull(PR);
    return pullRequestEvent({
      action,
      number: PR,
      labels: pr.labels,
      ...(label ? { label } : {}),
      state: pr.state,
      merged: pr.merged,
      headSha: pr.headSha,
      sender: AUTHOR,
    });
  };

  return {
    gh,
    mongo,
    admin,
    producerUri,
    prUri,
    produce: () =>
      runAction("trigger-producer", {
        eventName: "workflow_dispatch",
        apiUrl: gh.url,
        inputs: {
          "github-token": gh.defaultToken,
          confirm: "refresh-snapshot",
          "mongodb-uri": producerUri,
          "db-prefix": PREFIX,
          "source-database": PROD,
          "exclude-collections": "resumePoints",
          ...(options.masked ? { "mask-salt": DEMO_SALT } : {}),
        },
      }),
    productionHash: async () => (await dbHash(admin, PROD)).md5,
    async open(labels) {
      gh.userLabels(PR, { add: labels });
      return sync(event("opened"));
    },
    async label(action, label) {
      gh.userLabels(PR, action === "labeled" ? { add: [label] } : { remove: [label] });
      return sync(event(action, label));
    },
    async push() {
      gh.pull(PR).headSha = nextSha();
      return sync(event("synchronize"));
    },
    async close() {
      gh.pull(PR).state = "closed";
      gh.pull(PR).merged = true;
      return sync(event("closed"));
    },
    async stop() {
      await admin.close();
      await gh.stop();
      await mongo.stop();
    },
  };
}

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { databaseExists } from "@pr-snapshots/core/mongo/target";
import { physicalName, readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  CLI_IMAGE,
  type ConfigMaps,
  type Context,
  condition,
  EXAMPLE,
  evaluate,
  FakeArgoCd,
  GitOpsRepo,
  interpolate,
  type JobRun,
  type Manifest,
  type ProjectSpec,
  parseManifests,
  projectRefusal,
  readWorkflow,
  runJobManifest,
  runShellStep,
  type Secrets,
  SyncFailed,
  type TickReport,
  validateManifest,
  type WorkflowStep,
} from "../support/argocd";
import { pullRequestEvent } from "../support/events";
import { GitHubStandIn } from "../support/github-stand-in";
import { dataHash, dbHash, type RunningMongo, startMongo } from "../support/mongod";
import { producerRoles, pullRequestRoles } from "../support/permission-model";
import { type ActionRun, runAction } from "../support/run-action";
import { seedProduction } from "../support/sample-data";

/**
 * examples/gitops-argocd end to end: the example workflow decides with the real bundled actions
 * against the GitHub stand-in, its own shell steps (taken from the YAML) write the GitOps
 * repository, and a stand-in Argo CD syncs it, running the hook Jobs as the command line's
 * bundle with the PR user's credentials, on a mongod with access control and the original
 * design's users. After every event the database must be what CONTRACT §3 says.
 */

const PROD = "syrftest";
const SNAPSHOT = "syrf_snapshot";
const db = (n: number) => `syrf_pr_${n}`;
const AUTHOR = { login: "ada", type: "User" as const, id: 1001 };

let mongo: RunningMongo;
let admin: MongoClient;
let gh: GitHubStandIn;
let repo: GitOpsRepo;
let argo: FakeArgoCd;
const secrets: Secrets = new Map();
const prUris = new Map<number, string>();
const workflow = readWorkflow();
const pushWorkflow = readWorkflow(path.join(EXAMPLE, "gitops-push.yml"));
const project = parseManifests(
  readFileSync(path.join(EXAMPLE, "gitops-repo/appproject.yaml"), "utf8"),
  "appproject",
)[0] as Manifest;
let commits = 0;
const nextSha = () => createHash("sha1").update(`commit ${++commits}`).digest("hex");

beforeAll(async () => {
  mongo = await startMongo({ auth: true });
  admin = new MongoClient(mongo.uri);
  await admin.connect();
  gh = await GitHubStandIn.start();
  repo = GitOpsRepo.create();
  argo = new FakeArgoCd(
    repo,
    secrets,
    {
      // The Atlas Operator: the PR's user (read on the snapshot, readWrite + dbAdmin on its own
      // database) and its Secret come with the Application and go with it.
      async onAppCreated({ namespace }) {
        const n = Number(namespace.replace("pr-", ""));
        const uri = await mongo.createUser({
          user: `syrf-pr-${n}-user`,
          pwd: `pr-${n}-Secret`,
          roles: pullRequestRoles(SNAPSHOT, db(n)),
        });
        prUris.set(n, uri);
        secrets.set(namespace, { "mongodb-credentials": { connectionString: uri } });
      },
      async onAppDeleted({ namespace }) {
        const n = Number(namespace.replace("pr-", ""));
        await admin.db("admin").command({ dropUser: `syrf-pr-${n}-user` });
        secrets.delete(namespace);
      },
    },
    project.spec as ProjectSpec,
  );
  await seedProduction(admin, PROD, { scale: 2 });
  const producerUri = await mongo.createUser({
    user: "snapshot-producer",
    pwd: "producer-Secret-1",
    roles: producerRoles(PROD, SNAPSHOT),
  });
  secrets.set("syrf-system", {
    "snapshot-producer-credentials": {
      connectionString: producerUri,
      maskSalt: "a-salt-for-the-cronjob-0123456789",
    },
  });
  // The weekly CronJob of the example, run once as its Job, with its ConfigMap mounted.
  const manifests = parseManifests(
    readFileSync(path.join(EXAMPLE, "k8s/snapshot-producer-cronjob.yaml"), "utf8"),
    "cronjob",
  );
  const cronJob = manifests.find((m) => m.kind === "CronJob");
  const configMap = manifests.find((m) => m.kind === "ConfigMap");
  if (!cronJob || !configMap) throw new Error("no CronJob and ConfigMap");
  for (const m of manifests) validateManifest(m);
  const configMaps: ConfigMaps = new Map([
    [
      "syrf-system",
      { [configMap.metadata.name]: (configMap as unknown as { data: Record<string, string> }).data },
    ],
  ]);
  const jobTemplate = (cronJob.spec as { jobTemplate: { spec: unknown } }).jobTemplate;
  const produced = await runJobManifest(
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "snapshot-manual", namespace: cronJob.metadata.namespace ?? "" },
      spec: jobTemplate.spec,
    },
    secrets,
    "",
    configMaps,
  );
  expect(produced.code, produced.stderr).toBe(0);
  // The rules of the mounted config file were applied: the snapshot is masked and verified.
  expect(produced.stderr).toMatch(/Config: read .*pr-snapshots\.yml/);
  expect((await readSnapshotMetadata(admin.db(SNAPSHOT)))?.masking).toMatchObject({ verified: true });
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await gh?.stop();
  await mongo?.stop();
});

// ---------------------------------------------------------------- one event, as GitHub and Argo CD see it

interface Handled {
  decide: Record<string, string>;
  runs: Record<string, ActionRun>;
  push: PushRun;
  argo: TickReport;
}

/** What a workflow_run event says about the preview run that completed. */
interface WorkflowRunPayload {
  id: number;
  conclusion: string;
  event: string;
  head_sha: string;
  head_repository: { full_name: string };
}

interface PushRun {
  ran: boolean;
  /** The check step's outputs (skip=true when the decision no longer fits). */
  decision: Record<string, string>;
  notices: string;
  pushed: boolean;
}

function event(n: number, action: string, label?: string) {
  const pr = gh.pull(n);
  return pullRequestEvent({
    action,
    number: n,
    labels: pr.labels,
    ...(label ? { label } : {}),
    state: pr.state,
    merged: pr.merged,
    headSha: pr.headSha,
    sender: AUTHOR,
  });
}

/** Artifacts of the preview runs: run id → artifact name → file name → content. */
const artifacts = new Map<number, Map<string, Map<string, string>>>();
let lastRunId = 7_000_000;
const runnerEnv = (home: string, runnerTemp: string) => ({
  PATH: process.env.PATH ?? "",
  HOME: home,
  GIT_CONFIG_NOSYSTEM: "1",
  RUNNER_TEMP: runnerTemp,
});

/**
 * One event as GitHub and Argo CD see it: preview.yml's decide job (the real bundled actions,
 * then its own shell step and the artifact upload), the workflow_run event of its completion,
 * gitops-push.yml's job, then one Argo CD reconciliation.
 */
async function handle(payload: Record<string, unknown>): Promise<Handled> {
  const runId = ++lastRunId;
  const github = {
    event: payload,
    repository: "acme/shop",
    event_name: "pull_request",
    run_id: String(runId),
  };
  const decideJob = workflow.jobs.decide;
  if (!decideJob) throw new Error("preview.yml has a decide job");
  expect(condition(decideJob.if, { github })).toBe(true);

  const runnerTemp = mkdtempSync(path.join(tmpdir(), "runner-temp-"));
  const home = mkdtempSync(path.join(tmpdir(), "runner-home-"));
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const runs: Record<string, ActionRun> = {};
  for (const step of decideJob.steps) {
    // No secrets context: the pull_request workflow must not need one.
    const ctx: Context = { github, steps, runner: { temp: runnerTemp } };
    if (!condition(step.if, ctx)) continue;
    if (step.uses?.startsWith("actions/upload-artifact@")) {
      const file = interpolate(String(step.with?.path), ctx);
      const files = new Map([[path.basename(file), readFileSync(file, "utf8")]]);
      artifacts.set(runId, new Map([[String(step.with?.name), files]]));
      continue;
    }
    if (step.run !== undefined) {
      const r = await runShellStep(step, ctx, runnerTemp, runnerEnv(home, runnerTemp));
      if (r.code !== 0)
        throw new Error(`decide step "${r.name}" failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
      continue;
    }
    const action = /^pr-snapshots\/pr-snapshots\/actions\/([a-z-]+)@v1$/.exec(step.uses ?? "")?.[1];
    if (!action) throw new Error(`decide: unexpected step ${JSON.stringify(step)}`);
    const inputs: Record<string, string> = { "github-token": gh.defaultToken };
    for (const [k, v] of Object.entries(step.with ?? {})) inputs[k] = interpolate(String(v), ctx);
    // The example runs enforce-lock without a connection string: the PR user lives in the cluster.
    expect(inputs["mongodb-uri"]).toBeUndefined();
    const r = await runAction(action, {
      apiUrl: gh.url,
      event: payload,
      inputs,
      env: { RUNNER_TEMP: runnerTemp },
    });
    if (r.code !== 0) throw new Error(`${action} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    runs[action] = r;
    if (step.id) steps[step.id] = { outputs: r.outputs };
  }
  const decide: Record<string, string> = {};
  for (const [k, v] of Object.entries(decideJob.outputs ?? {})) decide[k] = interpolate(v, { steps });

  const pull = payload.pull_request as { head: { sha: string } };
  const push = await runPush({
    id: runId,
    conclusion: "success",
    event: "pull_request",
    head_sha: pull.head.sha,
    head_repository: { full_name: "acme/shop" },
  });
  return { decide, runs, push, argo: await argo.tick() };
}

/** gitops-push.yml's job for one workflow_run event, every step as the runner runs it. */
async function runPush(run: WorkflowRunPayload): Promise<PushRun> {
  const job = pushWorkflow.jobs.gitops;
  if (!job) throw new Error("gitops-push.yml has a gitops job");
  const github = {
    event: { workflow_run: run },
    repository: "acme/shop",
    event_name: "workflow_run",
    api_url: gh.url,
    token: gh.defaultToken,
  };
  const result: PushRun = { ran: false, decision: {}, notices: "", pushed: false };
  if (!condition(job.if, { github })) return result;
  result.ran = true;
  const runnerTemp = mkdtempSync(path.join(tmpdir(), "runner-temp-"));
  const workspace = mkdtempSync(path.join(tmpdir(), "runner-workspace-"));
  const home = mkdtempSync(path.join(tmpdir(), "runner-home-"));
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const commitsBefore = repo.commits();
  for (const step of job.steps) {
    const ctx: Context = {
      github,
      steps,
      runner: { temp: runnerTemp },
      vars: { GITOPS_APP_ID: "123456" },
      secrets: { GITOPS_APP_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----" },
    };
    if (!condition(step.if, ctx)) continue;
    const uses = step.uses ?? "";
    if (uses.startsWith("actions/download-artifact@")) {
      const files = artifacts
        .get(Number(interpolate(String(step.with?.["run-id"]), ctx)))
        ?.get(String(step.with?.name));
      if (!files) throw new Error("download-artifact: no such artifact");
      const into = interpolate(String(step.with?.path), ctx);
      mkdirSync(into, { recursive: true });
      for (const [name, text] of files) writeFileSync(path.join(into, name), text);
      continue;
    }
    if (uses.startsWith("actions/create-github-app-token@")) {
      // A token for the GitOps repository only, with contents: write only.
      expect(step.with).toMatchObject({ repositories: "cluster-gitops", "permission-contents": "write" });
      if (step.id) steps[step.id] = { outputs: { token: "gitops-app-token" } };
      continue;
    }
    if (uses.startsWith("actions/checkout@")) {
      expect(step.with?.["persist-credentials"]).toBe(false);
      expect(interpolate(String(step.with?.token), ctx)).toBe("gitops-app-token");
      repo.checkout(path.join(workspace, step.with?.path ?? "."));
      continue;
    }
    if (uses) throw new Error(`gitops: unexpected action ${uses}`);
    const r = await runShellStep(step, ctx, workspace, runnerEnv(home, runnerTemp));
    result.notices += r.stdout;
    if (r.code !== 0) throw new PushFailed(r.name, r.code, `${r.stdout}\n${r.stderr}`);
    if (step.id) steps[step.id] = { outputs: r.outputs };
    if (step.id === "decision") result.decision = r.outputs;
  }
  result.pushed = repo.commits() > commitsBefore;
  return result;
}

class PushFailed extends Error {
  constructor(
    readonly step: string,
    readonly code: number,
    readonly output: string,
  ) {
    super(`gitops step "${step}" failed (exit ${code}):\n${output}`);
  }
}

const pr = {
  open(n: number, labels: string[]) {
    gh.addPullRequest({ number: n, labels, author: AUTHOR.login, headSha: nextSha(), title: `PR ${n}` });
    return handle(event(n, "opened"));
  },
  push(n: number) {
    gh.pull(n).headSha = nextSha();
    return handle(event(n, "synchronize"));
  },
  label(n: number, action: "labeled" | "unlabeled", label: string) {
    gh.userLabels(n, action === "labeled" ? { add: [label] } : { remove: [label] });
    return handle(event(n, action, label));
  },
  close(n: number) {
    gh.pull(n).state = "closed";
    gh.pull(n).merged = true;
    return handle(event(n, "closed"));
  },
};

// ---------------------------------------------------------------- what must be true after each event

/** The PR directory at the GitOps repository's HEAD, in words. */
function hooks(n: number): { app: boolean; presync?: string; predelete?: "drop" | "keep"; files: string[] } {
  const dir = repo.directory(`previews/pr-${n}`);
  const presync = dir.get("db-presync.yaml");
  const predelete = dir.get("db-predelete.yaml");
  const job = presync ? (parseManifests(presync, "presync")[0] as Manifest) : undefined;
  const args = (job?.spec as { template: { spec: { containers: { args: string[] }[] } } } | undefined)
    ?.template.spec.containers[0]?.args;
  const deleteHook = predelete ? parseManifests(predelete, "predelete")[0] : undefined;
  return {
    app: dir.has("app.json"),
    ...(args ? { presync: `${args[0]} ${args[4]?.slice(0, 7)}` } : {}),
    ...(deleteHook ? { predelete: deleteHook.kind === "Job" ? ("drop" as const) : ("keep" as const) } : {}),
    files: [...dir.keys()].sort(),
  };
}

const short = (n: number) => gh.pull(n).headSha.slice(0, 7);

/** Restored: every snapshot collection, byte for byte (the server's per-collection hashes). */
async function expectRestored(n: number): Promise<void> {
  const meta = await readSnapshotMetadata(admin.db(SNAPSHOT));
  if (!meta) throw new Error("no snapshot");
  const snap = await dbHash(admin, SNAPSHOT);
  const copy = await dbHash(admin, db(n));
  const views = new Set((meta.views ?? []).map((v) => v.name));
  const logical = meta.collections.filter((c) => !views.has(c));
  expect(logical.length).toBeGreaterThan(5);
  for (const c of logical) expect(copy.collections[c], c).toBe(snap.collections[physicalName(meta, c)]);
  const data = Object.keys(copy.collections).filter(
    (c) => c !== "snapshot_metadata" && c !== "pr_snapshots_lease" && !c.startsWith("system."),
  );
  expect(data.sort()).toEqual([...logical].sort());
}

async function databases(): Promise<string[]> {
  return (await admin.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
}

/** Something the preview wrote: what a lock keeps, and what a restore or reset replaces. */
async function previewWrites(n: number, note: string): Promise<void> {
  await admin.db(db(n)).collection("previewNotes").insertOne({ note, at: new Date() });
}

function jobs(report: TickReport): string[] {
  return report.jobs.map((j) => `${j.hook} ${j.args[0]} ${j.code}`);
}

// ---------------------------------------------------------------- the example's manifests

describe("the example's manifests validate against the Kubernetes and Argo CD schemas", () => {
  it("the ApplicationSet, every template rendered as the workflow renders it, the producer CronJob", () => {
    const appSet = parseManifests(
      readFileSync(path.join(EXAMPLE, "gitops-repo/applicationset.yaml"), "utf8"),
      "applicationset",
    );
    expect(appSet.map((m) => m.kind)).toEqual(["ApplicationSet"]);
    validateManifest(appSet[0] as Manifest);
    const spec = (appSet[0] as Manifest).spec as {
      generators: { git: { files: { path: string }[] } }[];
      template: { metadata: { finalizers: string[] }; spec: Record<string, never> };
    };
    expect(spec.generators[0]?.git.files).toEqual([{ path: "previews/*/app.json" }]);
    expect(spec.template.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
    expect(spec.template.spec).toMatchObject({
      source: { path: "{{ .path.path }}", directory: { exclude: "app.json" } },
      syncPolicy: { automated: { prune: true } },
    });
    for (const name of [
      "db-presync.yaml",
      "db-decision.yaml",
      "db-predelete-drop.yaml",
      "db-predelete-keep.yaml",
    ]) {
      const text = readFileSync(path.join(EXAMPLE, "gitops-repo/templates", name), "utf8")
        .replaceAll("__PR_NUMBER__", "12")
        .replaceAll("__SHORT_SHA__", "abcdef1")
        .replaceAll("__SHA__", "abcdef1234567890abcdef1234567890abcdef12")
        .replaceAll("__COMMAND__", "restore");
      expect(text, name).not.toMatch(/__[A-Z_]+__/);
      for (const m of parseManifests(text, name)) validateManifest(m);
    }
  });

  it("the checks reject what the schema forbids and what it lets through (negative controls)", () => {
    const job = parseManifests(
      readFileSync(path.join(EXAMPLE, "gitops-repo/templates/db-predelete-drop.yaml"), "utf8"),
      "drop",
    )[0] as Manifest;
    expect(() => validateManifest({ ...job, spec: { ...(job.spec as object), backoffLimit: "3" } })).toThrow(
      /backoffLimit must be integer/,
    );
    expect(() => validateManifest({ ...job, specs: {} })).toThrow(/unknown top-level field\(s\) specs/);
    expect(() =>
      validateManifest({ ...job, metadata: { ...job.metadata, anotations: {} } as never }),
    ).toThrow(/unknown metadata field\(s\) anotations/);
  });

  it("every Job runs the example image's entrypoint with the URI only from the PR user's Secret", () => {
    for (const name of ["db-presync.yaml", "db-predelete-drop.yaml"]) {
      const job = parseManifests(
        readFileSync(path.join(EXAMPLE, "gitops-repo/templates", name), "utf8"),
        name,
      )[0] as Manifest;
      const container = (job.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
        .template.spec.containers[0] as { image: string; command?: unknown; args: string[]; env: unknown[] };
      expect(container.image).toBe(CLI_IMAGE);
      expect(container.command).toBeUndefined();
      expect(container.args.join(" ")).not.toMatch(/mongodb|uri/i);
      expect(container.env).toContainEqual({
        name: "MONGODB_URI",
        valueFrom: { secretKeyRef: { name: "mongodb-credentials", key: "connectionString" } },
      });
    }
  });
});

describe("the preview Applications' own AppProject", () => {
  it("the ApplicationSet uses it; it allows this repository, pr-* namespaces and no cluster-scoped resource but their Namespace", () => {
    validateManifest(project);
    const appSet = parseManifests(
      readFileSync(path.join(EXAMPLE, "gitops-repo/applicationset.yaml"), "utf8"),
      "applicationset",
    )[0] as Manifest;
    const template = (appSet.spec as { template: { spec: { project: string; source: { repoURL: string } } } })
      .template.spec;
    expect(template.project).toBe(project.metadata.name);
    expect(template.project).not.toBe("default");
    const spec = project.spec as ProjectSpec;
    expect(spec.sourceRepos).toEqual([template.source.repoURL]);
    expect(spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: "pr-*" }]);
    expect(spec.clusterResourceWhitelist).toEqual([{ group: "", kind: "Namespace", name: "pr-*" }]);
  });

  it("refuses what a previews/ directory must not deploy (the stand-in Argo CD applies the same check to every sync)", () => {
    const spec = project.spec as ProjectSpec;
    const m = (apiVersion: string, kind: string, name: string, namespace?: string) => ({
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
    });
    expect(projectRefusal(spec, "pr-12", m("batch/v1", "Job", "pr-snapshots-restore"))).toBeUndefined();
    expect(projectRefusal(spec, "pr-12", m("v1", "Namespace", "pr-12"))).toBeUndefined();
    for (const [manifest, why] of [
      [m("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "pwn"), /cluster-scoped/],
      [m("v1", "Namespace", "kube-system"), /cluster-scoped/],
      [m("apiextensions.k8s.io/v1", "CustomResourceDefinition", "x.example.com"), /cluster-scoped/],
      [m("v1", "ConfigMap", "x", "kube-system"), /not a permitted destination/],
      [m("v1", "ConfigMap", "x", "argocd"), /not a permitted destination/],
      [m("rbac.authorization.k8s.io/v1", "RoleBinding", "x"), /blacklisted/],
    ] as const)
      expect(projectRefusal(spec, "pr-12", manifest), manifest.kind).toMatch(why);
    expect(projectRefusal(spec, "default", m("batch/v1", "Job", "x"))).toMatch(/not a permitted destination/);
  });
});

describe("the workflows' trust boundary", () => {
  const previewText = readFileSync(path.join(EXAMPLE, "preview.yml"), "utf8");
  const pushText = readFileSync(path.join(EXAMPLE, "gitops-push.yml"), "utf8");

  it("the pull_request workflow holds no secret, and each job has only the permissions it needs", () => {
    expect(previewText).not.toMatch(/secrets\./);
    const wf = parseYaml(previewText) as {
      permissions: unknown;
      jobs: Record<string, { permissions: unknown }>;
    };
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.decide?.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("the push runs on workflow_run (its file from the default branch), reads only, and the GitOps token is minted for one repository", () => {
    const wf = parseYaml(pushText) as {
      on: Record<string, unknown>;
      permissions: unknown;
      jobs: Record<string, { permissions: unknown; steps: WorkflowStep[] }>;
    };
    expect(Object.keys(wf.on)).toEqual(["workflow_run"]);
    expect(wf.on.workflow_run).toEqual({ workflows: ["preview"], types: ["completed"] });
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.gitops?.permissions).toEqual({ actions: "read", "pull-requests": "read" });
    // The app's key and the minted token appear only in the steps that need them.
    const steps = wf.jobs.gitops?.steps ?? [];
    const using = (text: RegExp) =>
      steps.filter((st) => text.test(JSON.stringify(st))).map((st) => st.name ?? st.uses);
    expect(using(/GITOPS_APP_PRIVATE_KEY/)).toEqual(["Token for the GitOps repository"]);
    expect(using(/steps\.token\.outputs\.token/)).toEqual([
      expect.stringMatching(/^actions\/checkout@/),
      "Commit and push",
    ]);
  });
});

// ---------------------------------------------------------------- the expression evaluator the harness relies on

describe("the harness's GitHub expression evaluator", () => {
  it("evaluates the example's expressions and refuses what it does not know", () => {
    const ctx = { steps: { labels: { outputs: { preview: "true", "pr-state": "open" } } }, n: 3 };
    expect(
      evaluate("steps.labels.outputs.preview == 'true' && steps.labels.outputs.pr-state == 'open'", ctx),
    ).toBe(true);
    expect(evaluate("steps.labels.outputs.preview != 'true' || !(n == 3)", ctx)).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JS template
    expect(interpolate("pr-${{ n }}-${{ steps.missing.outputs.x }}", ctx)).toBe("pr-3-");
    expect(() => evaluate("format('{0}', n)", ctx)).toThrow(/cannot evaluate/);
  });
});

// ---------------------------------------------------------------- one pull request's whole life

describe("PR 7: preview + use-snapshot, push, lock, push while locked, unlock, use-snapshot removed, closed", () => {
  const N = 7;
  let lockedHash = "";
  let lastPresync = "";

  it("opened with preview + use-snapshot: the PreSync Job restores, the drop is ready as PreDelete", async () => {
    const h = await pr.open(N, ["preview", "use-snapshot"]);
    expect(h.decide["db-action"]).toBe("restore");
    expect(hooks(N)).toEqual({
      app: true,
      presync: `restore ${short(N)}`,
      predelete: "drop",
      files: ["app.json", "db-decision.yaml", "db-predelete.yaml", "db-presync.yaml"],
    });
    expect(h.argo.created).toEqual([`preview-pr-${N}`]);
    expect(jobs(h.argo)).toEqual(["PreSync restore 0"]);
    await expectRestored(N);
  });

  it("a second reconcile with nothing new runs nothing (hooks alone never make an app OutOfSync)", async () => {
    const report = await argo.tick();
    expect(report.synced).toEqual([]);
    expect(report.jobs).toEqual([]);
  });

  it("push: restored again from the snapshot, replacing what the preview wrote", async () => {
    await previewWrites(N, "before the push");
    const h = await pr.push(N);
    expect(h.decide["db-action"]).toBe("restore");
    expect(hooks(N)).toMatchObject({ app: true, presync: `restore ${short(N)}`, predelete: "drop" });
    expect(jobs(h.argo)).toEqual(["PreSync restore 0"]);
    await expectRestored(N);
    lastPresync = repo.directory(`previews/pr-${N}`).get("db-presync.yaml") ?? "";
  });

  it("persist-db added: no PreSync Job any more, the PreDelete hook keeps the database, nothing runs", async () => {
    const h = await pr.label(N, "labeled", "persist-db");
    expect(h.decide).toMatchObject({ "db-action": "none", locked: "true" });
    expect(hooks(N)).toEqual({
      app: true,
      predelete: "keep",
      files: ["app.json", "db-decision.yaml", "db-predelete.yaml"],
    });
    expect(h.argo.jobs).toEqual([]);
    await previewWrites(N, "kept by the lock");
    lockedHash = await dataHash(admin, db(N));
  });

  it("push while locked: nothing changes, even when a sync brings back the last PreSync Job", async () => {
    const h = await pr.push(N);
    expect(h.decide["db-action"]).toBe("none");
    expect(hooks(N)).toMatchObject({ app: true, predelete: "keep" });
    expect(hooks(N).presync).toBeUndefined();
    expect(h.argo.jobs).toEqual([]);
    expect(await dataHash(admin, db(N))).toBe(lockedHash);
    // A sync of an older revision (or a revert of the lock commit) runs the last restore Job again.
    const old = parseManifests(lastPresync, "old presync");
    const runs = await argo.sync(`preview-pr-${N}`, undefined, old);
    expect(runs.map((r) => r.code)).toEqual([0]);
    expect(runs[0]?.stderr).toMatch(/already had this restore for commit/);
    expect(await dataHash(admin, db(N))).toBe(lockedHash);
  });

  it("persist-db removed on the open PR: unlocked, the drop is back as PreDelete, the data stays", async () => {
    const h = await pr.label(N, "unlabeled", "persist-db");
    expect(h.decide).toMatchObject({ "db-action": "none", locked: "false" });
    expect(hooks(N)).toEqual({
      app: true,
      predelete: "drop",
      files: ["app.json", "db-decision.yaml", "db-predelete.yaml"],
    });
    expect(h.argo.jobs).toEqual([]);
    expect(await dataHash(admin, db(N))).toBe(lockedHash);
  });

  it("use-snapshot removed: the PreSync Job resets (the database is dropped for the seed data)", async () => {
    const h = await pr.label(N, "unlabeled", "use-snapshot");
    expect(h.decide["db-action"]).toBe("reset");
    expect(hooks(N)).toMatchObject({ app: true, presync: `reset ${short(N)}`, predelete: "drop" });
    expect(jobs(h.argo)).toEqual(["PreSync reset 0"]);
    expect(await databaseExists(admin, db(N))).toBe(false);
  });

  it("closed unlocked: app.json removed, Argo CD deletes the app and its PreDelete Job drops the database", async () => {
    const h = await pr.close(N);
    expect(h.decide["db-action"]).toBe("drop");
    expect(hooks(N)).toEqual({
      app: false,
      predelete: "drop",
      files: ["db-decision.yaml", "db-predelete.yaml"],
    });
    expect(h.argo.deleted).toEqual([`preview-pr-${N}`]);
    expect(jobs(h.argo)).toEqual(["PreDelete drop 0"]);
    expect(await databases()).not.toContain(db(N));
    expect(argo.apps.has(`preview-pr-${N}`)).toBe(false);
  });
});

describe("PR 8: preview + use-snapshot, lock, closed while locked, then persist-db removed from the closed PR", () => {
  const N = 8;
  let lockedHash = "";

  it("opened: restored", async () => {
    await pr.open(N, ["preview", "use-snapshot"]);
    await expectRestored(N);
  });

  it("locked, then closed: kept, with its Application (the PR user must survive to drop it later)", async () => {
    await pr.label(N, "labeled", "persist-db");
    await previewWrites(N, "worth keeping");
    lockedHash = await dataHash(admin, db(N));
    const h = await pr.close(N);
    expect(h.decide["db-action"]).toBe("keep");
    expect(hooks(N)).toEqual({
      app: true,
      predelete: "keep",
      files: ["app.json", "db-decision.yaml", "db-predelete.yaml"],
    });
    expect(h.argo.deleted).toEqual([]);
    expect(h.argo.jobs).toEqual([]);
    expect(argo.apps.has(`preview-pr-${N}`)).toBe(true);
    expect(await dataHash(admin, db(N))).toBe(lockedHash);
  });

  it("persist-db removed from the closed PR: one commit swaps in the drop and deletes the app; the drop runs", async () => {
    const before = repo.commits();
    const h = await pr.label(N, "unlabeled", "persist-db");
    expect(h.decide["db-action"]).toBe("drop");
    expect(repo.commits()).toBe(before + 1);
    expect(hooks(N)).toEqual({
      app: false,
      predelete: "drop",
      files: ["db-decision.yaml", "db-predelete.yaml"],
    });
    expect(h.argo.deleted).toEqual([`preview-pr-${N}`]);
    expect(jobs(h.argo)).toEqual(["PreDelete drop 0"]);
    expect(await databases()).not.toContain(db(N));
  });
});

describe("PR 9: opened with preview, use-snapshot and persist-db (first deploy under the lock)", () => {
  const N = 9;

  it("restored once although enforce-lock, without a connection string, says none", async () => {
    const h = await pr.open(N, ["preview", "use-snapshot", "persist-db"]);
    expect(h.decide).toMatchObject({ "db-action": "none", locked: "true" });
    expect(hooks(N)).toMatchObject({ app: true, presync: `restore ${short(N)}`, predelete: "keep" });
    expect(jobs(h.argo)).toEqual(["PreSync restore 0"]);
    await expectRestored(N);
  });

  it("then locked: a push changes nothing", async () => {
    await previewWrites(N, "locked from the start");
    const locked = await dataHash(admin, db(N));
    const h = await pr.push(N);
    expect(h.decide["db-action"]).toBe("none");
    expect(hooks(N).presync).toBeUndefined();
    expect(h.argo.jobs).toEqual([]);
    expect(await dataHash(admin, db(N))).toBe(locked);
  });
});

describe("the stale-Job defence, directly", () => {
  const N = 10;
  let presync: Manifest;
  const run = (job: Manifest): Promise<JobRun> => runJobManifest(job, secrets, `preview-pr-${N}`);

  it("the same PreSync Job run twice: the second run is a no-op", async () => {
    await pr.open(N, ["preview", "use-snapshot"]);
    presync = parseManifests(
      repo.directory(`previews/pr-${N}`).get("db-presync.yaml") ?? "",
      "presync",
    )[0] as Manifest;
    await previewWrites(N, "written after the restore");
    const before = await dataHash(admin, db(N));
    const again = await run(presync);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already had this restore for commit/);
    expect(await dataHash(admin, db(N))).toBe(before);
  });

  it("a restore Job for another commit, against the locked database with its lock record: exit 3, unchanged", async () => {
    // enforce-lock with the PR user's connection string records the lock in the database.
    gh.userLabels(N, { add: ["persist-db"] });
    const recorded = await runAction("enforce-lock", {
      apiUrl: gh.url,
      event: event(N, "labeled", "persist-db"),
      inputs: {
        "github-token": gh.defaultToken,
        "db-prefix": "syrf",
        "config-sha": "none",
        "mongodb-uri": prUris.get(N) ?? "",
      },
    });
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(/Recorded the lock state \(locked\)/);
    const before = await dataHash(admin, db(N));
    const stale = JSON.parse(
      JSON.stringify(presync).replaceAll(gh.pull(N).headSha, "0123456789abcdef0123456789abcdef01234567"),
    ) as Manifest;
    const refused = await run(stale);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/Refusing to restore syrf_pr_10: it is locked .* Nothing was changed/);
    expect(await dataHash(admin, db(N))).toBe(before);
    // As a hook, the refusal fails the sync loudly instead of overwriting the locked data.
    await expect(argo.sync(`preview-pr-${N}`, undefined, [stale])).rejects.toBeInstanceOf(SyncFailed);
    expect(await dataHash(admin, db(N))).toBe(before);
  });
});

describe("gitops-push.yml trusts nothing the pull request's run hands over", () => {
  /** The artifact a hostile branch's preview.yml could upload, and its run's workflow_run event. */
  async function hostileRun(decision: unknown, headSha: string): Promise<PushRun | PushFailed> {
    const runId = ++lastRunId;
    artifacts.set(
      runId,
      new Map([["preview-decision", new Map([["decision.json", JSON.stringify(decision)]])]]),
    );
    return runPush({
      id: runId,
      conclusion: "success",
      event: "pull_request",
      head_sha: headSha,
      head_repository: { full_name: "acme/shop" },
    }).catch((error: unknown) => {
      if (error instanceof PushFailed) return error;
      throw error;
    });
  }

  it("a run of one branch cannot act on another pull request", async () => {
    await pr.open(11, ["preview", "use-snapshot"]);
    gh.addPullRequest({
      number: 12,
      labels: ["preview"],
      author: "mallory",
      headSha: nextSha(),
      title: "PR 12",
    });
    const before = repo.head();
    const r = await hostileRun(
      { "pr-number": "11", "head-sha": gh.pull(12).headSha, "db-action": "drop" },
      gh.pull(12).headSha,
    );
    expect(r).toMatchObject({ ran: true, pushed: false, decision: { skip: "true" } });
    expect((r as PushRun).notices).toMatch(/#11 is no longer at/);
    expect(repo.head()).toBe(before);
    expect(hooks(11)).toMatchObject({ app: true, predelete: "drop" });
  });

  it("a decision that its own pull request's labels and state cannot lead to is not written", async () => {
    const before = repo.head();
    const headSha = gh.pull(12).headSha;
    for (const action of ["drop", "keep", "restore"]) {
      const r = await hostileRun({ "pr-number": "12", "head-sha": headSha, "db-action": action }, headSha);
      expect(r, action).toMatchObject({ ran: true, pushed: false, decision: { skip: "true" } });
      expect((r as PushRun).notices).toMatch(new RegExp(`db-action ${action} does not fit #12`));
    }
    // What the labels do lead to (preview, no use-snapshot, open: a reset) is written.
    const reset = await hostileRun({ "pr-number": "12", "head-sha": headSha, "db-action": "reset" }, headSha);
    expect(reset).toMatchObject({ ran: true, pushed: true });
    expect(repo.head()).not.toBe(before);
    expect(hooks(12)).toMatchObject({ app: true, presync: `reset ${headSha.slice(0, 7)}` });
    await argo.tick();
  });

  it("malformed fields fail the job before anything is read or written", async () => {
    const before = repo.head();
    const headSha = gh.pull(12).headSha;
    for (const decision of [
      { "pr-number": "12; rm -rf /", "head-sha": headSha, "db-action": "reset" },
      { "pr-number": 12, "head-sha": headSha, "db-action": "reset" },
      { "pr-number": "12", "head-sha": headSha, "db-action": "reset\nrestore" },
      { "pr-number": "12", "head-sha": "HEAD", "db-action": "reset" },
      { "pr-number": "12", "head-sha": nextSha(), "db-action": "reset" },
      ["12", headSha, "reset"],
    ]) {
      const r = await hostileRun(decision, headSha);
      expect(r, JSON.stringify(decision)).toBeInstanceOf(PushFailed);
      expect((r as PushFailed).step).toBe("Check the decision against the pull request");
    }
    expect(repo.head()).toBe(before);
  });

  it("runs that did not decide, or that came from elsewhere, start no job", async () => {
    const headSha = gh.pull(12).headSha;
    for (const run of [
      { conclusion: "failure", event: "pull_request", repo: "acme/shop" },
      { conclusion: "success", event: "push", repo: "acme/shop" },
      { conclusion: "success", event: "pull_request", repo: "mallory/shop" },
    ]) {
      const r = await runPush({
        id: ++lastRunId,
        conclusion: run.conclusion,
        event: run.event,
        head_sha: headSha,
        head_repository: { full_name: run.repo },
      });
      expect(r.ran, JSON.stringify(run)).toBe(false);
    }
  });
});

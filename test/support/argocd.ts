import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ApplicationSet, AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { ConfigMap } from "kubernetes-models/v1";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { repoRoot } from "./mongod";
import { parseOutputFile } from "./run-action";

/**
 * A stand-in for the parts of GitHub Actions and Argo CD that the GitOps example relies on,
 * small enough to read: a GitOps repository in a temporary bare git repository, the example
 * workflow's own steps run as a runner runs them, and an Argo CD that renders a directory of
 * manifests per Application, syncs it when a regular resource changed (running its PreSync
 * hooks first), and runs the PreDelete hooks rendered from the app's current source when its
 * app.json disappears. Hook Jobs run the command line's bundle as the container would.
 */

export const EXAMPLE = path.join(repoRoot, "examples/gitops-argocd");
/** The image the example's manifests name; it runs `node <bundle>` (see k8s/Dockerfile). */
export const CLI_IMAGE = "ghcr.io/camaradesuk/pr-snapshots-cli:0.1.0";
const CLI_BUNDLE = path.join(repoRoot, "packages/cli/dist/index.js");

// ---------------------------------------------------------------- GitHub expressions

export type Context = Record<string, unknown>;

/**
 * The `${{ ... }}` expressions the example uses: property paths (names may contain "-"),
 * 'strings', true/false/null, numbers, ==, !=, &&, ||, ! and parentheses (no indexing, no
 * functions). Anything else throws,
 * so a workflow change that needs more fails here instead of being misread.
 */
export function evaluate(expression: string, ctx: Context): unknown {
  const tokens = expression.match(/\s*('(?:[^']|'')*'|==|!=|&&|\|\||!|\(|\)|\.|[A-Za-z0-9_-]+|\S)/g) ?? [];
  const list = tokens.map((t) => t.trim());
  let i = 0;
  const peek = () => list[i];
  const next = () => list[i++];
  const fail = (why: string): never => {
    throw new Error(`cannot evaluate \${{ ${expression} }}: ${why}`);
  };
  const eq = (a: unknown, b: unknown) =>
    typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;
  const truthy = (v: unknown) => !(v === false || v === null || v === undefined || v === "" || v === 0);
  function primary(): unknown {
    const t = next();
    if (t === undefined) return fail("unexpected end");
    if (t === "(") {
      const v = or();
      if (next() !== ")") fail("missing )");
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === "true" || t === "false") return t === "true";
    if (t === "null") return null;
    if (/^[0-9]+$/.test(t)) return Number(t);
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(t)) return fail(`unexpected "${t}"`);
    let value: unknown = ctx[t];
    while (peek() === ".") {
      next();
      const p = next();
      if (p === undefined || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) fail("a property name must follow '.'");
      value =
        value && typeof value === "object" ? (value as Record<string, unknown>)[p as string] : undefined;
    }
    return value;
  }
  function unary(): unknown {
    if (peek() === "!") {
      next();
      return !truthy(unary());
    }
    return primary();
  }
  function comparison(): unknown {
    const left = unary();
    if (peek() === "==" || peek() === "!=") {
      const op = next();
      const right = unary();
      return op === "==" ? eq(left, right) : !eq(left, right);
    }
    return left;
  }
  function and(): unknown {
    let v = comparison();
    while (peek() === "&&") {
      next();
      const r = comparison();
      v = truthy(v) ? r : v;
    }
    return v;
  }
  function or(): unknown {
    let v = and();
    while (peek() === "||") {
      next();
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  }
  const value = or();
  if (i !== list.length) fail(`unexpected "${list[i]}"`);
  return value;
}

export function truthy(value: unknown): boolean {
  return !(value === false || value === null || value === undefined || value === "" || value === 0);
}

/** A string with `${{ ... }}` parts, as GitHub renders it (null and undefined become ""). */
export function interpolate(text: string, ctx: Context): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, e: string) => {
    const v = evaluate(e, ctx);
    return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** `if:` conditions may be written with or without `${{ }}`. */
export function condition(text: string | undefined, ctx: Context): boolean {
  if (text === undefined) return true;
  const m = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text);
  return truthy(evaluate(m ? (m[1] ?? "") : text, ctx));
}

// ---------------------------------------------------------------- the workflow

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  "working-directory"?: string;
}

export interface WorkflowJob {
  if?: string;
  needs?: string | string[];
  outputs?: Record<string, string>;
  steps: WorkflowStep[];
}

export interface Workflow {
  jobs: Record<string, WorkflowJob>;
}

export function readWorkflow(file = path.join(EXAMPLE, "preview.yml")): Workflow {
  return parseYaml(readFileSync(file, "utf8")) as Workflow;
}

export interface ShellStepRun {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * A `run:` step as the runner runs it with `shell: bash`: the script in a file, executed by
 * `bash --noprofile --norc -eo pipefail`, with the step's env evaluated and GITHUB_OUTPUT /
 * GITHUB_STEP_SUMMARY files.
 */
export function runShellStep(
  step: WorkflowStep,
  ctx: Context,
  workspace: string,
  baseEnv: Record<string, string>,
): Promise<ShellStepRun> {
  if (step.shell !== "bash") throw new Error(`step "${step.name}" must say shell: bash`);
  const dir = mkdtempSync(path.join(tmpdir(), "step-"));
  const script = path.join(dir, "script.sh");
  const output = path.join(dir, "output");
  const summary = path.join(dir, "summary");
  writeFileSync(script, step.run ?? "");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const env: Record<string, string> = {
    ...baseEnv,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: workspace,
  };
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(String(v), ctx);
  const cwd = path.join(workspace, step["working-directory"] ?? ".");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        name: step.name ?? step.id ?? "run",
        code: code ?? 1,
        stdout,
        stderr,
        outputs: parseOutputFile(readFileSync(output, "utf8")),
        summary: readFileSync(summary, "utf8"),
      }),
    );
  });
}

// ---------------------------------------------------------------- the GitOps repository

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", HOME: cwd, GIT_TERMINAL_PROMPT: "0" },
  });
}

/** A bare repository initialised from examples/gitops-argocd/gitops-repo, as the cluster's GitOps repo. */
export class GitOpsRepo {
  private constructor(readonly bare: string) {}

  static create(): GitOpsRepo {
    const root = mkdtempSync(path.join(tmpdir(), "gitops-"));
    const bare = path.join(root, "cluster-gitops.git");
    const work = path.join(root, "init");
    git(root, "init", "-q", "--bare", "-b", "main", bare);
    cpSync(path.join(EXAMPLE, "gitops-repo"), work, { recursive: true });
    git(work, "init", "-q", "-b", "main");
    git(work, "add", "-A");
    git(
      work,
      "-c",
      "user.name=platform",
      "-c",
      "user.email=platform@example.com",
      "commit",
      "-q",
      "-m",
      "layout",
    );
    git(work, "push", "-q", bare, "main");
    return new GitOpsRepo(bare);
  }

  /** actions/checkout: a clone of the default branch. */
  checkout(into: string): void {
    mkdirSync(path.dirname(into), { recursive: true });
    git(path.dirname(into), "clone", "-q", this.bare, into);
  }

  head(): string {
    return git(this.bare, "rev-parse", "main").trim();
  }

  /** Every file at a revision (default: the branch head), path → content. */
  files(revision = "main"): Map<string, string> {
    const out = new Map<string, string>();
    const names = git(this.bare, "ls-tree", "-r", "--name-only", revision).split("\n").filter(Boolean);
    for (const name of names) out.set(name, git(this.bare, "show", `${revision}:${name}`));
    return out;
  }

  /** The files of one directory at a revision, by name. */
  directory(dir: string, revision = "main"): Map<string, string> {
    const prefix = `${dir.replace(/\/$/, "")}/`;
    const out = new Map<string, string>();
    for (const [name, text] of this.files(revision))
      if (name.startsWith(prefix) && !name.slice(prefix.length).includes("/"))
        out.set(name.slice(prefix.length), text);
    return out;
  }

  commits(): number {
    return Number(git(this.bare, "rev-list", "--count", "main").trim());
  }
}

// ---------------------------------------------------------------- Kubernetes manifests

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  [key: string]: unknown;
}

const TOP_LEVEL: Record<string, readonly string[]> = {
  Job: ["apiVersion", "kind", "metadata", "spec"],
  CronJob: ["apiVersion", "kind", "metadata", "spec"],
  ConfigMap: ["apiVersion", "kind", "metadata", "data", "binaryData", "immutable"],
  ApplicationSet: ["apiVersion", "kind", "metadata", "spec"],
  AppProject: ["apiVersion", "kind", "metadata", "spec"],
};
const METADATA = ["name", "namespace", "labels", "annotations", "finalizers", "generateName"];

/**
 * The Kubernetes schema (kubernetes-models, @kubernetes-models/argo-cd), plus what their
 * schemas let through: unknown top-level and metadata fields.
 */
export function validateManifest(obj: Manifest): void {
  const allowed = TOP_LEVEL[obj.kind];
  if (!allowed) throw new Error(`${obj.kind} ${obj.metadata?.name}: no schema check for this kind`);
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length)
    throw new Error(`${obj.kind} ${obj.metadata?.name}: unknown top-level field(s) ${unknown.join(", ")}`);
  const unknownMeta = Object.keys(obj.metadata ?? {}).filter((k) => !METADATA.includes(k));
  if (unknownMeta.length)
    throw new Error(`${obj.kind} ${obj.metadata?.name}: unknown metadata field(s) ${unknownMeta.join(", ")}`);
  // The models' constructors take their own typed shapes; the objects come from YAML.
  const raw = obj as never;
  if (obj.kind === "Job") new Job(raw).validate();
  else if (obj.kind === "CronJob") new CronJob(raw).validate();
  else if (obj.kind === "ConfigMap") new ConfigMap(raw).validate();
  else if (obj.kind === "AppProject") new AppProject(raw).validate();
  else new ApplicationSet(raw).validate();
}

// ---------------------------------------------------------------- the AppProject

/** The cluster-scoped kinds Argo CD could be asked to create (the common ones). */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "RuntimeClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
]);

interface GroupKind {
  group: string;
  kind: string;
  name?: string;
}

export interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist?: GroupKind[];
  namespaceResourceBlacklist?: GroupKind[];
}

/** Go's filepath.Match for names without separators: `*` any run, `?` one character. */
function globMatches(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(name);
}

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "");
const sameKind = (rule: GroupKind, group: string, kind: string, name: string) =>
  (rule.group === "*" || rule.group === group) &&
  (rule.kind === "*" || rule.kind === kind) &&
  (!rule.name || globMatches(rule.name, name));

/**
 * Why the project refuses a resource for an Application in `namespace` (undefined: permitted), as
 * Argo CD checks a sync: the destination must be allowed, a cluster-scoped kind must be in the
 * cluster whitelist, a namespaced one must not be in the namespace blacklist.
 */
export function projectRefusal(
  project: ProjectSpec,
  namespace: string,
  m: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } },
): string | undefined {
  const group = groupOf(m.apiVersion);
  if (CLUSTER_SCOPED.has(m.kind)) {
    return (project.clusterResourceWhitelist ?? []).some((r) => sameKind(r, group, m.kind, m.metadata.name))
      ? undefined
      : `${m.kind} ${m.metadata.name} is not permitted in project (cluster-scoped)`;
  }
  const ns = m.metadata.namespace ?? namespace;
  if (
    !project.destinations.some(
      (d) => d.server === "https://kubernetes.default.svc" && globMatches(d.namespace, ns),
    )
  )
    return `namespace ${ns} is not a permitted destination`;
  if ((project.namespaceResourceBlacklist ?? []).some((r) => sameKind(r, group, m.kind, m.metadata.name)))
    return `${m.kind} ${m.metadata.name} is not permitted in project (blacklisted)`;
  return undefined;
}

export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const obj = doc.toJS() as Manifest | null;
    return obj ? [obj] : [];
  });
}

export function hookOf(m: Manifest): string | undefined {
  return m.metadata.annotations?.["argocd.argoproj.io/hook"];
}

// ---------------------------------------------------------------- hook Jobs

export interface JobRun {
  app: string;
  job: string;
  hook: string;
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** Secrets of the cluster, namespace → name → key → value. */
export type Secrets = Map<string, Record<string, Record<string, string>>>;
/** ConfigMaps of the cluster, namespace → name → file → content. */
export type ConfigMaps = Map<string, Record<string, Record<string, string>>>;

/**
 * A Job's one container as the kubelet would start it from the example image: the image's
 * entrypoint (`node <bundle>`; the manifests set no command) with the container's args, and an
 * environment made only of the container's env (values and secretKeyRefs). ConfigMap volumes are
 * written to a temporary folder, and a value naming the mount path points into that folder
 * instead (this process cannot write the container's /etc).
 */
export function runJobManifest(
  job: Manifest,
  secrets: Secrets,
  app = "",
  configMaps: ConfigMaps = new Map(),
): Promise<JobRun> {
  const spec = job.spec as {
    template: {
      spec: {
        containers: Record<string, unknown>[];
        volumes?: { name: string; configMap?: { name: string } }[];
      };
    };
  };
  const containers = spec.template.spec.containers;
  if (containers.length !== 1) throw new Error(`Job ${job.metadata.name}: expected one container`);
  const c = containers[0] as {
    image: string;
    command?: string[];
    args?: string[];
    env?: {
      name: string;
      value?: string;
      valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
    }[];
    volumeMounts?: { name: string; mountPath: string }[];
  };
  if (c.image !== CLI_IMAGE) throw new Error(`Job ${job.metadata.name}: unknown image ${c.image}`);
  if (c.command) throw new Error(`Job ${job.metadata.name}: the image's entrypoint must not be replaced`);
  const namespace = job.metadata.namespace ?? "";
  const mounts = new Map<string, string>();
  for (const m of c.volumeMounts ?? []) {
    const volume = spec.template.spec.volumes?.find((v) => v.name === m.name);
    const data = volume?.configMap ? configMaps.get(namespace)?.[volume.configMap.name] : undefined;
    // Kubernetes would not start the container: the ConfigMap must exist.
    if (!data) throw new Error(`Job ${job.metadata.name}: volume ${m.name} has no ConfigMap in ${namespace}`);
    const dir = mkdtempSync(path.join(tmpdir(), "configmap-"));
    for (const [file, text] of Object.entries(data)) writeFileSync(path.join(dir, file), text);
    mounts.set(m.mountPath, dir);
  }
  const mapped = (value: string) => {
    for (const [mountPath, dir] of mounts)
      if (value.startsWith(`${mountPath}/`)) return dir + value.slice(mountPath.length);
    return value;
  };
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOSTNAME: job.metadata.name };
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = mapped(e.value);
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secrets.get(namespace)?.[ref.name]?.[ref.key];
      if (value === undefined && ref.optional) continue;
      // Kubernetes would not start the container: CreateContainerConfigError.
      if (value === undefined)
        throw new Error(
          `Job ${job.metadata.name}: secret ${namespace}/${ref.name} (key ${ref.key}) is missing`,
        );
      env[e.name] = value;
    }
  }
  const args = c.args ?? [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { env, cwd: tmpdir() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        app,
        job: job.metadata.name,
        hook: hookOf(job) ?? "",
        args,
        code: code ?? 1,
        stdout,
        stderr,
      }),
    );
  });
}

// ---------------------------------------------------------------- Argo CD

interface LiveApp {
  name: string;
  dir: string;
  namespace: string;
  /** pre-delete-finalizer.argocd.argoproj.io: set when a reconcile saw a PreDelete hook. */
  preDeleteFinalizer: boolean;
  /** The regular (non-hook) resources as last applied, by kind/name. */
  live: Map<string, string>;
}

export interface ArgoEvents {
  /** The Atlas Operator's part: the Application's MongoDB user and Secret appear with it… */
  onAppCreated?(app: { name: string; namespace: string }): Promise<void>;
  /** …and are deleted with its resources, after its PreDelete hooks. */
  onAppDeleted?(app: { name: string; namespace: string }): Promise<void>;
}

export interface TickReport {
  created: string[];
  synced: string[];
  deleted: string[];
  jobs: JobRun[];
}

/**
 * Argo CD as far as this example needs it. Each tick is what happens after a push to the
 * GitOps repository, in the order that is worst for the example: the ApplicationSet controller
 * first deletes the Applications whose app.json is gone (running their PreDelete hooks, rendered
 * from the directory at HEAD, only if an earlier reconcile had set the pre-delete finalizer);
 * then each remaining Application is reconciled (finalizer from the PreDelete hooks it has now)
 * and, with automated sync, synced only if a regular resource differs from the live state.
 * A sync runs every PreSync hook first; a failed hook fails the sync.
 */
export class FakeArgoCd {
  readonly apps = new Map<string, LiveApp>();
  readonly jobs: JobRun[] = [];
  /** Every manifest rendered so far, for the schema checks. */
  readonly rendered: Manifest[] = [];

  constructor(
    private readonly repo: GitOpsRepo,
    private readonly secrets: Secrets,
    private readonly events: ArgoEvents = {},
    /** The Applications' AppProject: every namespace and resource is checked against it. */
    private readonly project?: ProjectSpec,
  ) {}

  private permit(namespace: string, manifests: Manifest[]): void {
    if (!this.project) return;
    // CreateNamespace=true: Argo CD creates the destination Namespace, under the same rules.
    const refusals = [
      projectRefusal(this.project, namespace, {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace },
      }),
      ...manifests.map((m) => this.project && projectRefusal(this.project, namespace, m)),
    ].filter(Boolean);
    if (refusals.length) throw new Error(`sync refused by the AppProject: ${refusals.join("; ")}`);
  }

  /** The manifests of one Application's source: its directory at HEAD, without app.json. */
  render(dir: string): Manifest[] {
    const files = this.repo.directory(dir);
    // The repo-server's answer for a vanished source path; at deletion it leaves the app stuck.
    if (files.size === 0) throw new Error(`${dir}: app path does not exist`);
    const out: Manifest[] = [];
    for (const [name, text] of files) {
      if (name === "app.json" || !/\.(ya?ml|json)$/.test(name)) continue;
      for (const m of parseManifests(text, `${dir}/${name}`)) {
        validateManifest(m);
        this.rendered.push(m);
        out.push(m);
      }
    }
    return out;
  }

  async tick(): Promise<TickReport> {
    const report: TickReport = { created: [], synced: [], deleted: [], jobs: [] };
    const generated = new Map<string, string>();
    for (const [file, text] of this.repo.files()) {
      const m = /^(previews\/[^/]+)\/app\.json$/.exec(file);
      if (!m?.[1]) continue;
      const params = JSON.parse(text) as { number: string };
      generated.set(`preview-pr-${params.number}`, m[1]);
    }
    for (const app of [...this.apps.values()]) {
      if (generated.get(app.name) === app.dir) continue;
      if (app.preDeleteFinalizer) {
        const hooks = this.render(app.dir).filter((h) => hookOf(h) === "PreDelete");
        this.permit(app.namespace, hooks);
        for (const hook of hooks) {
          if (hook.kind !== "Job") continue; // no health check: Healthy at once
          const run = await this.runJob(app, hook);
          report.jobs.push(run);
          if (run.code !== 0)
            throw new Error(`PreDelete hook ${hook.metadata.name} failed: app stuck deleting\n${run.stderr}`);
        }
      }
      this.apps.delete(app.name);
      await this.events.onAppDeleted?.(app);
      report.deleted.push(app.name);
    }
    for (const [name, dir] of generated) {
      let app = this.apps.get(name);
      if (!app) {
        app = {
          name,
          dir,
          namespace: `pr-${name.replace(/^preview-pr-/, "")}`,
          preDeleteFinalizer: false,
          live: new Map(),
        };
        this.apps.set(name, app);
        await this.events.onAppCreated?.(app);
        report.created.push(name);
      }
      const manifests = this.render(dir);
      app.preDeleteFinalizer = manifests.some((m) => hookOf(m) === "PreDelete");
      const regular = regularResources(manifests);
      const outOfSync =
        regular.size !== app.live.size || [...regular].some(([k, v]) => app?.live.get(k) !== v);
      if (outOfSync) {
        report.jobs.push(...(await this.sync(app, manifests)));
        report.synced.push(name);
      }
    }
    return report;
  }

  /**
   * A sync of one Application (automated, or started by hand): its PreSync hooks, plus any
   * `extraHooks` (an old PreSync Job manifest brought back, e.g. by a sync of an old revision),
   * then its regular resources. Throws when a hook fails, as the sync operation would fail.
   */
  async sync(app: LiveApp | string, manifests?: Manifest[], extraHooks: Manifest[] = []): Promise<JobRun[]> {
    const a = typeof app === "string" ? this.apps.get(app) : app;
    if (!a) throw new Error(`no Application ${String(app)}`);
    const all = [...(manifests ?? this.render(a.dir)), ...extraHooks];
    for (const m of extraHooks) validateManifest(m);
    this.permit(a.namespace, all);
    const runs: JobRun[] = [];
    const preSync = all.filter((m) => hookOf(m) === "PreSync").sort(byWaveKindName);
    for (const hook of preSync) {
      const run = await this.runJob(a, hook);
      runs.push(run);
      if (run.code !== 0) throw new SyncFailed(hook.metadata.name, run);
    }
    a.live = regularResources(all);
    return runs;
  }

  private async runJob(app: LiveApp, hook: Manifest): Promise<JobRun> {
    const run = await runJobManifest(hook, this.secrets, app.name);
    this.jobs.push(run);
    return run;
  }
}

export class SyncFailed extends Error {
  constructor(
    readonly hook: string,
    readonly run: JobRun,
  ) {
    super(`PreSync hook ${hook} failed (exit ${run.code}): the sync failed\n${run.stderr}`);
  }
}

function regularResources(manifests: Manifest[]): Map<string, string> {
  return new Map(
    manifests
      .filter((m) => hookOf(m) === undefined)
      .map((m) => [`${m.kind}/${m.metadata.name}`, JSON.stringify(m)]),
  );
}

function byWaveKindName(a: Manifest, b: Manifest): number {
  const wave = (m: Manifest) => Number(m.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
  return wave(a) - wave(b) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name);
}

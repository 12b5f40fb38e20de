import { getExecOutput } from "@actions/exec";
import { UserError } from "./errors";
import type { Log } from "./log";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function assertKubernetesName(name: string, what: string, maxLength = 63): string {
  if (name.length > maxLength || !DNS_LABEL.test(name)) {
    throw new UserError(
      `${what} "${name}" is not a valid Kubernetes name: use lower-case letters, digits and "-", ` +
        `starting and ending with a letter or digit, at most ${maxLength} characters.`,
    );
  }
  return name;
}

/** `<cronjob>-manual-<UTC yyyymmdd-hhmmss>`, as the original on-demand workflow named its jobs. */
export function manualJobName(cronjob: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const suffix = `-manual-${stamp}`;
  return `${cronjob.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

export interface KubectlOptions {
  kubectl: string;
  namespace: string;
  log: Log;
  /** The environment kubectl's is chosen from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * What kubectl, and the credential plugins a kubeconfig names (`exec:` entries run as kubectl's
 * children with its environment), may see of this process's environment. Not the action's
 * inputs: the runner passes every input as INPUT_<NAME> (mongodb-uri, source-uri, mask-salt,
 * github-token), and a plugin is a program of the cluster's vendor, not ours. Only:
 * - where things are: PATH (kubectl finds plugins there), HOME (~/.kube, the plugins' own
 *   config and caches), KUBECONFIG, KUBECACHEDIR, XDG_CONFIG_HOME, XDG_CACHE_HOME, TMPDIR;
 * - how to reach the cluster: HTTP(S)_PROXY, NO_PROXY (either case), SSL_CERT_FILE, SSL_CERT_DIR;
 * - locale and time: LANG, LC_*, TZ;
 * - the cloud credentials the common plugins read: AWS_* (aws eks get-token, aws-iam-authenticator),
 *   GOOGLE_APPLICATION_CREDENTIALS, CLOUDSDK_* and USE_GKE_GCLOUD_AUTH_PLUGIN
 *   (gke-gcloud-auth-plugin), AZURE_* and AAD_* (kubelogin);
 * - the names listed in PR_SNAPSHOTS_KUBECTL_ENV (comma- or space-separated), for a plugin that
 *   needs something else. INPUT_* and PR_SNAPSHOTS_* names are never passed, listed or not.
 */
const KUBECTL_ENV_NAMES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "KUBECONFIG",
  "KUBECACHEDIR",
  "XDG_CONFIG_HOME",
  "XDG_CACHE_HOME",
  "TMPDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "LANG",
  "TZ",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "USE_GKE_GCLOUD_AUTH_PLUGIN",
]);
const KUBECTL_ENV_PREFIXES = ["LC_", "AWS_", "CLOUDSDK_", "AZURE_", "AAD_"];
const NEVER_PASSED = /^(INPUT_|PR_SNAPSHOTS_)/i;
export const KUBECTL_ENV_VARIABLE = "PR_SNAPSHOTS_KUBECTL_ENV";
let warnedRefused = false;

export function kubectlEnvironment(
  env: NodeJS.ProcessEnv,
  log?: Pick<Log, "warning">,
): Record<string, string> {
  const extra = new Set(
    (env[KUBECTL_ENV_VARIABLE] ?? "")
      .split(/[\s,]+/)
      .map((n) => n.trim())
      .filter(Boolean),
  );
  const refused = [...extra].filter((n) => NEVER_PASSED.test(n));
  if (refused.length && !warnedRefused) {
    warnedRefused = true;
    log?.warning(
      `${KUBECTL_ENV_VARIABLE} lists ${refused.join(", ")}: the action's inputs and pr-snapshots' own settings are never passed to kubectl.`,
    );
  }
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || NEVER_PASSED.test(name)) continue;
    if (
      KUBECTL_ENV_NAMES.has(name) ||
      KUBECTL_ENV_PREFIXES.some((p) => name.startsWith(p)) ||
      extra.has(name)
    )
      out[name] = value;
  }
  return out;
}

/** Runs kubectl through @actions/exec. Credentials come from KUBECONFIG / the environment, never argv. */
async function kubectl(
  o: KubectlOptions,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  o.log.debug(`kubectl ${args.join(" ")}`);
  try {
    const r = await getExecOutput(o.kubectl, args, {
      silent: true,
      ignoreReturnCode: true,
      env: kubectlEnvironment(o.env ?? process.env, o.log),
    });
    return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    throw new UserError(
      `Could not run "${o.kubectl}": ${(error as Error).message}. Install kubectl or set the kubectl input to its path.`,
    );
  }
}

export async function createJobFromCronJob(
  o: KubectlOptions & { cronjob: string; jobName: string },
): Promise<void> {
  const r = await kubectl(o, ["create", "job", `--from=cronjob/${o.cronjob}`, o.jobName, "-n", o.namespace]);
  if (r.code !== 0) {
    throw new UserError(
      `kubectl could not create job ${o.jobName} from cronjob/${o.cronjob} in namespace ${o.namespace} (exit ${r.code}): ` +
        `${r.stderr.trim() || r.stdout.trim()}. Check the cronjob name, the namespace and the cluster credentials.`,
    );
  }
  o.log.info(`Created job ${o.jobName} from cronjob/${o.cronjob} in namespace ${o.namespace}.`);
}

export type JobOutcome = "succeeded" | "failed" | "running";

export function jobOutcome(job: unknown): JobOutcome {
  const status = (
    job as {
      status?: { conditions?: { type: string; status: string }[]; succeeded?: number; failed?: number };
    }
  )?.status;
  const holds = (type: string) =>
    status?.conditions?.some((c) => c.type === type && c.status === "True") ?? false;
  if (holds("Complete") || holds("SuccessCriteriaMet")) return "succeeded";
  if (holds("Failed") || holds("FailureTarget")) return "failed";
  return "running";
}

export async function waitForJob(
  o: KubectlOptions & {
    jobName: string;
    timeoutMs: number;
    pollMs: number;
    sleep?: (ms: number) => Promise<void>;
  },
): Promise<void> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const r = await kubectl(o, ["get", "job", o.jobName, "-n", o.namespace, "-o", "json"]);
    if (r.code !== 0)
      throw new UserError(`kubectl could not read job ${o.jobName} (exit ${r.code}): ${r.stderr.trim()}`);
    let job: unknown;
    try {
      job = JSON.parse(r.stdout);
    } catch {
      throw new Error(`kubectl returned something that is not JSON for job ${o.jobName}.`);
    }
    const outcome = jobOutcome(job);
    if (outcome === "succeeded") {
      o.log.info(`Job ${o.jobName} succeeded.`);
      return;
    }
    if (outcome === "failed") {
      const logs = await kubectl(o, ["logs", `job/${o.jobName}`, "-n", o.namespace, "--tail=40"]);
      throw new Error(
        `Job ${o.jobName} failed in namespace ${o.namespace}. Last log lines:\n${logs.stdout.trim() || "(no logs)"}\n` +
          "The previous snapshot is still in use.",
      );
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Job ${o.jobName} did not finish within ${Math.round(o.timeoutMs / 1000)}s; it is still running in namespace ${o.namespace} ` +
          `(kubectl get job ${o.jobName} -n ${o.namespace}).`,
      );
    }
    o.log.info(`Job ${o.jobName} is still running...`);
    await sleep(Math.min(o.pollMs, Math.max(0, deadline - Date.now())));
  }
}

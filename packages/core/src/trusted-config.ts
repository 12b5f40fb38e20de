import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  assertConfigPath,
  type ConfigSource,
  DEFAULT_CONFIG_PATH,
  type LoadedConfig,
  parseConfigText,
} from "./config";
import { errorMessage, UserError } from "./errors";
import { checkoutHead } from "./github/checkout-head";
import type { RunContext } from "./github/context";
import { PULL_REQUEST_EVENTS } from "./github/event";
import { GIT_OBJECT_ID, gitBlobSha } from "./github/git-blob";
import type { InputReader } from "./inputs";
import type { Log } from "./log";
import { type CommonInputs, checkInputsBeforeConfig, readCommonInputs } from "./settings";

/**
 * The actions' config file, read only from a commit the pull request's author cannot change
 * (CONTRACT §2). On pull request events the workspace may hold the PR's head, where its author
 * could widen allowedTargets, rename the labels or drop masking rules, so the file is always
 * fetched at the PR's base commit and a different copy on disk is ignored, loudly.
 */

export interface TrustedCommit {
  /** Full sha; undefined when the run does not say (then `missing` says why). */
  sha: string | undefined;
  pullRequest: boolean;
  /** What this commit is, for messages. */
  role: string;
  missing?: string;
}

/** The PR's base commit on pull request events, the workflow's commit (GITHUB_SHA) on any other. */
export function trustedCommit(context: Pick<RunContext, "eventName" | "payload" | "sha">): TrustedCommit {
  if ((PULL_REQUEST_EVENTS as readonly string[]).includes(context.eventName)) {
    const pr = context.payload.pull_request as { base?: { sha?: unknown } } | undefined;
    const sha = pr?.base?.sha;
    const role = "the pull request's base commit";
    return typeof sha === "string" && GIT_OBJECT_ID.test(sha)
      ? { sha, pullRequest: true, role }
      : {
          sha: undefined,
          pullRequest: true,
          role,
          missing: "the event payload has no pull_request.base.sha",
        };
  }
  const role = "the workflow's commit GITHUB_SHA";
  return GIT_OBJECT_ID.test(context.sha)
    ? { sha: context.sha, pullRequest: false, role }
    : { sha: undefined, pullRequest: false, role, missing: "GITHUB_SHA is not set" };
}

export interface TrustedConfigRequest {
  /** The `config` input; undefined for the default path. */
  explicitPath: string | undefined;
  context: RunContext;
  token: string | undefined;
  /** The `config-sha` input: detect-labels' `config-sha` output, a blob sha or "none". */
  configSha: string | undefined;
  /**
   * fail: refuse to run when the file cannot be read (the producer: the file can keep data out
   * of the snapshot). use-inputs: carry on with inputs and defaults, with a warning.
   */
  whenUnreadable: "fail" | "use-inputs";
  /** Keep the trusted file under RUNNER_TEMP for the later steps of the job (detect-labels). */
  cache?: boolean;
  /** The action's name, for messages. */
  action: string;
  log: Log;
  workspace: string;
  runnerTemp: string | undefined;
}

type Found =
  | { kind: "file"; bytes: Buffer; blobSha: string; how: "contents-api" | "cache" }
  | { kind: "none"; how: "contents-api" | "cache" }
  | { kind: "unreadable"; why: string };

export async function loadTrustedConfig(r: TrustedConfigRequest): Promise<LoadedConfig> {
  const file =
    r.explicitPath === undefined ? DEFAULT_CONFIG_PATH : assertConfigPath(r.explicitPath, 'Input "config"');
  const configSha = checkConfigSha(r.configSha);
  const commit = trustedCommit(r.context);
  const at = commit.sha ? `commit ${short(commit.sha)}, ${commit.role}` : `${commit.role}: ${commit.missing}`;
  const onDisk = readIfExists(path.resolve(r.workspace, file));

  // Off pull request events the file on disk is trusted only when its checkout is at GITHUB_SHA:
  // an earlier step may have checked out other code (a workflow_run job checking out the pull
  // request's head, a deploy job checking out a branch).
  let elsewhere: string | undefined;
  if (!commit.pullRequest && onDisk) {
    const head = checkoutHead(r.workspace, file);
    if (head.sha && head.sha === commit.sha) {
      const blobSha = gitBlobSha(onDisk);
      const line = `Config: read ${file} from the workspace, checked out at ${at}.`;
      return use(r, { file, commit, bytes: onDisk, blobSha, how: "disk", line, label: file });
    }
    elsewhere = head.sha
      ? `the workspace's checkout is at ${short(head.sha)}, not at ${commit.role}`
      : `it is not known which commit the workspace holds (${head.why})`;
    r.log.info(`${file} is in the workspace, but ${elsewhere}: reading the file at ${at} instead.`);
  }

  const found = await findTrusted(r, file, commit, configSha);
  if (found.kind === "unreadable") {
    const what = `${file} at ${commit.sha ? `commit ${short(commit.sha)} (${commit.role})` : commit.role}`;
    if (r.whenUnreadable === "fail") {
      throw new UserError(
        `Cannot read the config file ${what}: ${found.why}. ${r.action} refuses to run without it, because ` +
          "it can hold settings that decide what is copied, how it is masked and where it goes (masking, subset, collections.exclude, allowedTargets, " +
          "protectedDatabases). Nothing was changed. To fix it, give the step a token that can read the " +
          'repository ("permissions: contents: read" and the github-token input, the default), or check the ' +
          "repository out (actions/checkout) before this step so that the file is on disk.",
      );
    }
    const line =
      `Config: could not read ${what}: ${found.why}. Using inputs and defaults only` +
      `${commit.pullRequest && onDisk ? `; ${file} in the workspace is not used (on pull request events it may come from the pull request's head)` : ""}` +
      `${elsewhere ? `; ${file} in the workspace is not used (${elsewhere})` : ""}.`;
    r.log.warning(line);
    return {
      config: {},
      source: { path: file, ...(commit.sha ? { commit: commit.sha } : {}), how: "unreadable", line },
    };
  }

  const sha = commit.sha ?? "";
  if (onDisk) {
    const diskSha = gitBlobSha(onDisk);
    if (found.kind === "none" || diskSha !== found.blobSha) {
      r.log.warning(
        `Ignoring ${file} in the workspace: ${found.kind === "none" ? `${commit.role} ${short(sha)} has no such file` : `it differs from the copy at ${commit.role} ${short(sha)}`}. ` +
          (commit.pullRequest
            ? "On pull request events the workspace may hold the pull request's head, which its author controls, " +
              "so only the base commit's file is used."
            : `${elsewhere ? `${capitalise(elsewhere)}, so` : "So"} only the file at ${commit.role} is used.`),
      );
    } else {
      r.log.info(`${file} in the workspace is the same as at ${commit.role} ${short(sha)}.`);
    }
  }

  if (found.kind === "none") {
    if (r.explicitPath !== undefined && !commit.pullRequest) {
      throw new UserError(
        elsewhere
          ? `Config file "${file}" (input "config") is in the workspace, but ${elsewhere}, and commit ${short(sha)} ` +
              `(${commit.role}) has no such file. Check the file out at ${commit.role}, or commit it there.`
          : `Config file "${file}" (input "config") is neither in the workspace (${r.workspace}) nor at commit ` +
              `${short(sha)} (${commit.role}). Check the path, or leave the input empty to use ${DEFAULT_CONFIG_PATH} when present.`,
      );
    }
    const how =
      found.how === "cache"
        ? "as detect-labels found (config-sha none), with no request"
        : "the contents API answered 404; if the file does exist there, the token cannot read it: grant it contents: read";
    const line = `no config file at ${file} (commit ${short(sha)}): ${commit.role} has none (${how}), so only inputs and defaults apply.`;
    // A named file that the base lacks is worth a warning: the PR may be the one that adds it.
    if (r.explicitPath !== undefined)
      r.log.warning(`${line} The file is used once it is on the base branch.`);
    else r.log.notice(line);
    return { config: {}, source: { path: file, commit: sha, how: "none", line } };
  }

  const line =
    found.how === "cache"
      ? `Config: read ${file} at commit ${short(sha)} (${commit.role}) from the runner's cache, verified against detect-labels' config-sha output (blob ${short(found.blobSha)}), with no request.`
      : `Config: read ${file} at commit ${short(sha)} (${commit.role}) through the contents API (blob ${short(found.blobSha)}).`;
  if (r.cache) writeCache(r, found.bytes, found.blobSha);
  return use(r, {
    file,
    commit,
    bytes: found.bytes,
    blobSha: found.blobSha,
    how: found.how,
    line,
    label: `${file} (commit ${short(sha)})`,
  });
}

async function use(
  r: TrustedConfigRequest,
  u: {
    file: string;
    commit: TrustedCommit;
    bytes: Buffer;
    blobSha: string;
    how: "disk" | "contents-api" | "cache";
    line: string;
    label: string;
  },
): Promise<LoadedConfig> {
  const config = await parseConfigText(u.bytes.toString("utf8"), u.label);
  r.log.info(u.line);
  const source: ConfigSource = {
    path: u.file,
    ...(u.commit.sha ? { commit: u.commit.sha } : {}),
    how: u.how,
    blobSha: u.blobSha,
    line: u.line,
  };
  return { config, source };
}

async function findTrusted(
  r: TrustedConfigRequest,
  file: string,
  commit: TrustedCommit,
  configSha: string | undefined,
): Promise<Found> {
  if (!commit.sha) return { kind: "unreadable", why: commit.missing ?? "the commit is unknown" };
  if (configSha === "none") return { kind: "none", how: "cache" };
  if (configSha) {
    const cached = readCache(r.runnerTemp, configSha);
    if (cached.bytes) return { kind: "file", bytes: cached.bytes, blobSha: configSha, how: "cache" };
    r.log.warning(`${cached.problem}: fetching ${file} again.`);
  }
  if (!r.token)
    return { kind: "unreadable", why: "no github-token was given to read it through the contents API" };
  if (!r.context.repo) return { kind: "unreadable", why: "GITHUB_REPOSITORY is not set" };
  const { fetchFileAt } = await import(/* webpackChunkName: "contents" */ "./github/contents");
  try {
    const fetched = await fetchFileAt({
      token: r.token,
      apiUrl: r.context.apiUrl,
      log: r.log,
      repo: r.context.repo,
      path: file,
      ref: commit.sha,
    });
    if (configSha && (fetched?.blobSha ?? "none") !== configSha) {
      r.log.warning(
        `The config-sha input is ${configSha}, but ${file} at ${commit.role} ${short(commit.sha)} is ` +
          `${fetched ? `blob ${fetched.blobSha}` : "absent"}: using what the commit holds. Pass detect-labels' ` +
          "config-sha output of the same job, with the same config input.",
      );
    }
    return fetched
      ? { kind: "file", ...fetched, how: "contents-api" }
      : { kind: "none", how: "contents-api" };
  } catch (error) {
    return { kind: "unreadable", why: describeFetchError(error) };
  }
}

function describeFetchError(error: unknown): string {
  const { status, response } = (error ?? {}) as { status?: unknown; response?: unknown };
  const message = errorMessage(error);
  // Octokit gives network failures status 500 too; only an error with a response was an answer.
  if (typeof status !== "number" || response === undefined) return `the request failed (${message})`;
  const hint =
    status === 401 || status === 403
      ? "; the token needs permission to read the repository's contents (permissions: contents: read)"
      : "";
  return `the contents API answered HTTP ${status} (${message})${hint}`;
}

/**
 * The job's copy of the trusted file, for the steps after detect-labels: one request per job
 * instead of one per step (enforce-lock must stay within 1–3 requests per label event).
 *
 * Why this is safe: RUNNER_TEMP is writable by every step of the job, including ones that run
 * the pull request's code, so a cached file proves nothing by itself. But its name and the
 * value it is checked against come from detect-labels' `config-sha` step output, which other
 * steps cannot change, and the check recomputes the git blob sha (SHA-1 over the content) of
 * the bytes read: to pass, a forged file would need a second SHA-1 preimage of the trusted one.
 */
function cachePath(runnerTemp: string, blobSha: string): string {
  return path.join(runnerTemp, "pr-snapshots", `config-${blobSha}.yml`);
}

function readCache(
  runnerTemp: string | undefined,
  blobSha: string,
): { bytes: Buffer; problem?: undefined } | { bytes?: undefined; problem: string } {
  if (!runnerTemp) return { problem: "RUNNER_TEMP is not set, so there is no cached config" };
  const file = cachePath(runnerTemp, blobSha);
  const bytes = readIfExists(file);
  if (!bytes) return { problem: `No cached config for config-sha ${blobSha} (${file})` };
  const actual = gitBlobSha(bytes);
  if (actual !== blobSha) {
    return {
      problem: `The cached config ${file} does not match config-sha ${blobSha} (its content is blob ${actual}); it is ignored`,
    };
  }
  return { bytes };
}

function writeCache(r: TrustedConfigRequest, bytes: Buffer, blobSha: string): void {
  if (!r.runnerTemp) return;
  const file = cachePath(r.runnerTemp, blobSha);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written whole and renamed, so that a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
  } catch (error) {
    r.log.warning(
      `Could not keep a copy of the config for later steps (${errorMessage(error)}): they fetch it again.`,
    );
  }
}

function checkConfigSha(value: string | undefined): string | undefined {
  if (value === undefined || value === "none" || GIT_OBJECT_ID.test(value)) return value;
  throw new UserError(
    `Input "config-sha" must be detect-labels' config-sha output (40 lowercase hex digits, or "none"), got "${value}". ` +
      "Pass the config-sha output of the job's detect-labels step, or leave the input empty to fetch the config.",
  );
}

function readIfExists(file: string): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

/** detect-labels' `config-sha` output: the trusted file's blob sha, "none", or "" when it could not be read. */
export function configShaOutput(source: ConfigSource): string {
  if (source.how === "none") return "none";
  return source.how === "unreadable" ? "" : (source.blobSha ?? "");
}

export interface ActionConfigOptions {
  action: string;
  whenUnreadable: "fail" | "use-inputs";
  cache?: boolean;
  log: Log;
  env?: NodeJS.ProcessEnv;
}

/**
 * The inputs every action has, with the trusted config under them. Inputs that do not depend on
 * the config are checked first, so that a typo fails before any request.
 */
export async function readActionCommonInputs(
  inputs: InputReader,
  context: RunContext,
  o: ActionConfigOptions,
): Promise<CommonInputs> {
  checkInputsBeforeConfig(inputs);
  const env = o.env ?? process.env;
  const loaded = await loadTrustedConfig({
    explicitPath: inputs.optional("config"),
    context,
    token: inputs.optional("github-token"),
    configSha: inputs.optional("config-sha"),
    whenUnreadable: o.whenUnreadable,
    ...(o.cache ? { cache: true } : {}),
    action: o.action,
    log: o.log,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || undefined,
  });
  return readCommonInputs(inputs, loaded);
}

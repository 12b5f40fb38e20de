import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./mongod";

export interface RunActionOptions {
  inputs?: Record<string, string | number | boolean | undefined>;
  event?: unknown;
  eventName?: string;
  apiUrl?: string;
  /** Extra environment (wins over the defaults below). */
  env?: Record<string, string>;
  /** GITHUB_WORKSPACE and cwd; config files are looked up here. */
  workspace?: string;
  runId?: number;
  runAttempt?: number;
  /** GITHUB_SHA (default {@link DEFAULT_GITHUB_SHA}). */
  sha?: string;
  timeoutMs?: number;
  /** Run a different entry file, e.g. a CLI bundle. */
  entry?: string;
  /** Command-line arguments for the entry. */
  argv?: string[];
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Values announced with ::add-mask:: */
  masked: string[];
  errors: string[];
  warnings: string[];
  notices: string[];
  durationMs: number;
}

/** The commit a run is for, unless a test says otherwise. */
export const DEFAULT_GITHUB_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

/** Runs an action's bundled dist/index.js as the runner would: a child process configured by environment. */
export async function runAction(action: string, options: RunActionOptions = {}): Promise<ActionRun> {
  return startAction(action, options).done;
}

export interface StartedAction {
  child: ChildProcess;
  /** Everything written to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<ActionRun>;
}

/** Starts an action without waiting for it (to watch its output, or to kill it mid-way). */
export function startAction(action: string, options: RunActionOptions = {}): StartedAction {
  const dir = mkdtempSync(path.join(tmpdir(), `run-${action}-`));
  const outputFile = path.join(dir, "output");
  const summaryFile = path.join(dir, "summary");
  const eventFile = path.join(dir, "event.json");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: "true",
    CI: "true",
    GITHUB_EVENT_NAME: options.eventName ?? "pull_request",
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: "acme/shop",
    GITHUB_RUN_ID: String(options.runId ?? 880_001),
    GITHUB_RUN_ATTEMPT: String(options.runAttempt ?? 1),
    GITHUB_SHA: options.sha ?? DEFAULT_GITHUB_SHA,
    GITHUB_WORKSPACE: options.workspace ?? dir,
    RUNNER_TEMP: dir,
    ...(options.apiUrl
      ? { GITHUB_API_URL: options.apiUrl, GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql` }
      : {}),
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (value !== undefined) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = String(value);
  }
  Object.assign(env, options.env ?? {});
  const entry = options.entry ?? path.join(repoRoot, "actions", action, "dist", "index.js");
  const started = Date.now();
  const child = spawn(process.execPath, [entry, ...(options.argv ?? [])], {
    cwd: options.workspace ?? dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<ActionRun>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (c, signal) => {
      clearTimeout(timer);
      resolve({
        code: c ?? (signal ? 128 : 1),
        stdout: out,
        stderr: err,
        outputs: parseOutputFile(readFileSync(outputFile, "utf8")),
        summary: readFileSync(summaryFile, "utf8"),
        masked: commands(out, "add-mask"),
        errors: commands(out, "error"),
        warnings: commands(out, "warning"),
        notices: commands(out, "notice"),
        durationMs: Date.now() - started,
      });
    });
  });
  return { child, stdout: () => out, stderr: () => err, done };
}

/**
 * Parses GITHUB_OUTPUT as the runner does: `name<<delimiter` blocks (what @actions/core writes) and
 * `name=value` lines (what shell steps write).
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!m?.[1] || !m[2]) {
      const kv = /^([^<=]+)=(.*)$/.exec(lines[i] ?? "");
      if (kv?.[1]) outputs[kv[1]] = kv[2] ?? "";
      continue;
    }
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i] ?? "");
    outputs[m[1]] = value.join("\n");
  }
  return outputs;
}

function commands(stdout: string, name: string): string[] {
  const re = new RegExp(`^::${name}(?: [^:]*)?::(.*)$`, "gm");
  return [...stdout.matchAll(re)].map((m) =>
    (m[1] ?? "").replace(/%0A/g, "\n").replace(/%0D/g, "\r").replace(/%25/g, "%"),
  );
}

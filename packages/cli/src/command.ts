import type { InputReader } from "@pr-snapshots/core/inputs";
import type { Log } from "@pr-snapshots/core/log";
import type { CommonInputs } from "@pr-snapshots/core/settings";

/** One option of a command: a flag `--name`, or the environment variable PR_SNAPSHOTS_<NAME>. */
export interface OptionSpec {
  name: string;
  text: string;
  boolean?: boolean;
}

export interface CommandContext {
  /** Flags, then PR_SNAPSHOTS_<OPTION> variables (cli/args.ts). */
  inputs: InputReader;
  log: Log;
  /** The config file (--config, or .github/pr-snapshots.yml in the working directory) and the common options. */
  common(): Promise<CommonInputs>;
  /** The connection string, from MONGODB_URI only; masked in every log line. */
  uri(): string;
  /** Production on another deployment, from PR_SNAPSHOTS_SOURCE_URI only. */
  sourceUri(): string | undefined;
}

export interface CommandResult {
  /** One line for the log: what was done. */
  summary: string;
  /** The report printed on stdout with --json. */
  report: unknown;
  /** What stdout shows without --json (e.g. the scan's table). */
  text?: string;
}

/**
 * A command of the registry (registry.ts). Its `run` reads and checks every option, and checks
 * every database it will write against the target rules, before it opens a connection.
 */
export interface Command {
  name: string;
  summary: string;
  options: readonly OptionSpec[];
  run(ctx: CommandContext): Promise<CommandResult>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, unavailable: 4 } as const;

// ---- option lists shared by several commands (the same names as the action inputs) ----

export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  { name: "config", text: "config file (default .github/pr-snapshots.yml when present)" },
  {
    name: "db-prefix",
    text: "database prefix: PR databases are <prefix>_pr_<N>, the snapshot <prefix>_snapshot",
  },
  { name: "snapshot-database", text: "snapshot database (default <prefix>_snapshot)" },
  { name: "source-database", text: "production database (always protected)" },
  { name: "protected-databases", text: "comma-separated databases that may never be written" },
  { name: "dry-run", text: "show the plan, write nothing", boolean: true },
  {
    name: "server-limits",
    text: "auto (default: read from the server), atlas-shared (Atlas M0/Flex: names ≤ 38/95 bytes, 300 s per aggregation) or self-managed",
  },
];

export const COPY_OPTIONS: readonly OptionSpec[] = [
  { name: "concurrency", text: "collections copied at the same time (default 4)" },
  { name: "max-time-seconds", text: "server-side time limit per collection copy (default none)" },
  {
    name: "allow-privileged-credentials",
    text: "proceed even if the credentials can write production",
    boolean: true,
  },
  {
    name: "copy-method",
    text: "auto (default), out, ranges or stream: how each collection is copied (see README)",
  },
  {
    name: "range-threshold-mb",
    text: "collections at least this large are copied as parallel _id ranges (default 128)",
  },
  { name: "progress-interval-seconds", text: "how often long copies log their progress (default 10)" },
  {
    name: "chunk-mb",
    text: "largest chunk one aggregation copies; larger collections go in bounded _id-range chunks (default 8 with the throttle; without it none, 64 under a time cap)",
  },
  {
    name: "throttle",
    text: "auto (default): pause between chunks while the cluster is busy (lag, probe latency, flow control, tickets); off: copy flat out",
  },
  { name: "max-lag-seconds", text: "pause while the majority-commit lag is over this (default 2)" },
  {
    name: "max-latency-ms",
    text: "pause while the probe read is slower than this (default: 4× its pre-copy baseline, ≥ 100 ms above it)",
  },
  {
    name: "critical-lag-seconds",
    text: "stop the copy when the lag stays over this for critical-seconds (default 10)",
  },
  {
    name: "critical-latency-ms",
    text: "stop the copy when the probe stays slower than this for critical-seconds (default: none; a slow probe alone only pauses)",
  },
  {
    name: "critical-seconds",
    text: "how long a critical threshold must hold before the copy stops (default 60)",
  },
];

/** The PR database a restore, reset or drop writes, and the stale-Job check. */
export const PR_TARGET_OPTIONS: readonly OptionSpec[] = [
  { name: "pr-number", text: "pull request number: the target is <prefix>_pr_<N>" },
  { name: "database", text: "target database instead of <prefix>_pr_<N>" },
  { name: "allowed-targets", text: "regular expressions (one per line) a target must match in full" },
  {
    name: "expect-sha",
    text: "the commit this Job was made for: skip if already applied, refuse (exit 3) if the database is locked",
  },
  {
    name: "wait-timeout-seconds",
    text: "how long to wait for another run writing the same database (and, restore, for a snapshot; default 360)",
  },
  { name: "lease-seconds", text: "one-writer lease lifetime, renewed while running (default 60)" },
];

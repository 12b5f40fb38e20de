import { SWEEP_COMMAND } from "./sweep";

/** The options of each command: the same names as the action inputs. */
export interface OptionHelp {
  name: string;
  text: string;
  boolean?: boolean;
}

const common: OptionHelp[] = [
  { name: "config", text: "config file (default .github/pr-snapshots.yml when present)" },
  {
    name: "db-prefix",
    text: "database prefix: PR databases are <prefix>_pr_<N>, the snapshot <prefix>_snapshot",
  },
  { name: "snapshot-database", text: "snapshot database (default <prefix>_snapshot)" },
  { name: "source-database", text: "production database" },
  { name: "protected-databases", text: "comma-separated databases that may never be written" },
  { name: "concurrency", text: "collections copied at the same time (default 4)" },
  { name: "max-time-seconds", text: "server-side time limit per collection copy (default none)" },
  {
    name: "allow-privileged-credentials",
    text: "proceed even if the credentials can write production",
    boolean: true,
  },
  { name: "dry-run", text: "show the plan, write nothing", boolean: true },
  {
    name: "copy-method",
    text: "auto (default), out, ranges or stream: how each collection is copied (see README)",
  },
  {
    name: "range-threshold-mb",
    text: "collections at least this large are copied as parallel _id ranges (default 128)",
  },
  { name: "progress-interval-seconds", text: "how often long copies log their progress (default 10)" },
];

export const COMMANDS: Record<string, { summary: string; options: OptionHelp[] }> = {
  produce: {
    summary: "copy production into a new snapshot generation and publish it (the weekly CronJob)",
    options: [
      ...common,
      { name: "collections", text: "collections to copy, names or globs, comma-separated (default all)" },
      { name: "exclude-collections", text: "collections to leave out, names or globs" },
      { name: "retain", text: "previous generations kept (default 1)" },
      { name: "grace-seconds", text: "how long a replaced generation stays readable (default 3600)" },
      {
        name: "max-shrink-percent",
        text: "refuse to publish if a collection shrank more than this (default 50)",
      },
      { name: "force", text: "publish even when the sanity guard objects", boolean: true },
      { name: "lease-seconds", text: "producer lease lifetime, renewed while running (default 120)" },
    ],
  },
  restore: {
    summary: "copy the latest complete snapshot into a PR database (the Argo CD PreSync Job)",
    options: [
      ...common,
      { name: "pr-number", text: "pull request number: the target is <prefix>_pr_<N>" },
      { name: "database", text: "target database instead of <prefix>_pr_<N>" },
      { name: "allowed-targets", text: "regular expressions (one per line) a target must match in full" },
      {
        name: "wait-timeout-seconds",
        text: "how long to wait for a complete snapshot, and for another run writing the same database (default 360)",
      },
      { name: "lease-seconds", text: "one-writer lease lifetime, renewed while running (default 60)" },
      { name: "poll-interval-seconds", text: "how often to look while waiting (default 30)" },
      {
        name: "refresh",
        text: "every-sync (default) or new-snapshot: skip when the database already holds the latest snapshot",
      },
    ],
  },
  sweep: SWEEP_COMMAND,
};

export function usage(): string {
  const lines = [
    "Usage: pr-snapshots <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    "",
    "Every option can also be given as an environment variable PR_SNAPSHOTS_<OPTION>, e.g.",
    "PR_SNAPSHOTS_SOURCE_DATABASE=shop_prod. The connection string is read only from MONGODB_URI",
    "(or PR_SNAPSHOTS_MONGODB_URI), never from a flag, so that it never shows in process listings;",
    "production on another deployment likewise only from PR_SNAPSHOTS_SOURCE_URI (produce).",
    "",
    "  --json      print the final report as JSON on stdout (logs go to stderr)",
    "  --help      this text, or `pr-snapshots <command> --help` for a command's options",
    "",
    "Exit codes:",
    "  0  done",
    "  1  failed unexpectedly (see the log)",
    "  2  invalid usage, input or configuration: nothing was changed",
    "  3  refused for safety (protected target, over-privileged credentials, sanity guard): nothing was changed",
    "  4  no complete snapshot appeared within the wait timeout",
  ];
  return lines.join("\n");
}

export function commandUsage(command: string): string {
  const c = COMMANDS[command];
  if (!c) return usage();
  return [
    `Usage: pr-snapshots ${command} [options]`,
    "",
    c.summary,
    "",
    "Options (or PR_SNAPSHOTS_<OPTION> environment variables; MONGODB_URI for the connection string):",
    ...c.options.map((o) => `  --${o.name.padEnd(30)} ${o.text}`),
  ].join("\n");
}

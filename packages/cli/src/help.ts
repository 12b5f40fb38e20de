import type { Command } from "./command";

export function usage(commands: Iterable<Command>): string {
  return [
    "Usage: pr-snapshots <command> [options]",
    "",
    "Commands:",
    ...[...commands].map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    "",
    "Every option can also be given as an environment variable PR_SNAPSHOTS_<OPTION>, e.g.",
    "PR_SNAPSHOTS_SOURCE_DATABASE=shop_prod. The connection string is read only from MONGODB_URI",
    "(or PR_SNAPSHOTS_MONGODB_URI), never from a flag, so that it never shows in process listings;",
    "production on another deployment likewise only from PR_SNAPSHOTS_SOURCE_URI (produce).",
    "",
    "  --json      print the final report as JSON on stdout (logs go to stderr)",
    "  --help      this text, or `pr-snapshots <command> --help` for a command's options",
    "",
    "Jobs made for one decision (Argo CD hooks) pass --expect-sha <commit>: restore and reset then",
    "do nothing when the database already had that command for that commit, and restore, reset",
    "and drop refuse (exit 3) when the database is locked and holds data.",
    "",
    "Exit codes:",
    "  0  done (or already done for this commit: nothing to do)",
    "  1  failed unexpectedly (see the log)",
    "  2  invalid usage, input or configuration: nothing was changed",
    "  3  refused for safety (protected target, locked database, over-privileged credentials, sanity guard): nothing was changed",
    "  4  not available in time: no complete snapshot appeared, or another run kept the database busy, within the wait timeout",
  ].join("\n");
}

export function commandUsage(c: Command): string {
  return [
    `Usage: pr-snapshots ${c.name} [options]`,
    "",
    c.summary,
    "",
    "Options (or PR_SNAPSHOTS_<OPTION> environment variables; MONGODB_URI for the connection string):",
    ...c.options.map((o) => `  --${o.name.padEnd(30)} ${o.text}`),
    `  --${"json".padEnd(30)} print the report as JSON on stdout`,
    `  --${"help".padEnd(30)} this text`,
  ].join("\n");
}

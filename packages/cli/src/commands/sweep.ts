import { UserError } from "@pr-snapshots/core/errors";
import { createGitHubClient } from "@pr-snapshots/core/github/client";
import { formatBytes } from "@pr-snapshots/core/markdown";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { sweepDatabases } from "@pr-snapshots/core/sweep/run";
import { readSweepSettings } from "@pr-snapshots/core/sweep/settings";
import type { Command } from "../command";

/**
 * `pr-snapshots sweep`: sweep-databases as a command (a CronJob next to the producer's). GitHub
 * access comes from the environment only, like the connection string: GITHUB_TOKEN or
 * PR_SNAPSHOTS_GITHUB_TOKEN, and the repository from PR_SNAPSHOTS_REPOSITORY or GITHUB_REPOSITORY.
 */
export const sweep: Command = {
  name: "sweep",
  summary:
    "drop the PR databases of closed pull requests, expire old locked ones (needs GITHUB_TOKEN and PR_SNAPSHOTS_REPOSITORY)",
  options: [
    { name: "config", text: "config file (default .github/pr-snapshots.yml when present)" },
    { name: "db-prefix", text: "database prefix: only <prefix>_pr_<N> databases are candidates" },
    {
      name: "keep-closed-days",
      text: "days a closed pull request's locked database is kept (default 30; 0: for good)",
    },
    {
      name: "remind-days",
      text: "days before expiry that the db-expiring reminder is posted (default 7; 0: none)",
    },
    { name: "snapshot-database", text: "snapshot database (default <prefix>_snapshot), never dropped" },
    { name: "source-database", text: "production database, never dropped" },
    { name: "protected-databases", text: "comma-separated databases that may never be dropped" },
    {
      name: "allowed-targets",
      text: "regular expressions (one per line) a dropped database must match in full",
    },
    { name: "preview-label", text: "the preview label's name (default preview)" },
    { name: "snapshot-label", text: "the snapshot label's name (default use-snapshot)" },
    { name: "lock-label", text: "the lock label's name (default persist-db)" },
    {
      name: "allow-privileged-credentials",
      text: "proceed even if the credentials can write production",
      boolean: true,
    },
    { name: "dry-run", text: "decide and report, drop nothing, comment nothing", boolean: true },
  ],
  async run(ctx) {
    const env = process.env;
    const common = await ctx.common();
    const settings = readSweepSettings(ctx.inputs, common);
    const token = common.token || env.GITHUB_TOKEN || "";
    if (!token) {
      throw new UserError(
        "Set GITHUB_TOKEN (or PR_SNAPSHOTS_GITHUB_TOKEN) to a token that can read the repository's pull requests " +
          "and comment on them: the sweep reads every pull request before it drops anything.",
      );
    }
    const full = env.PR_SNAPSHOTS_REPOSITORY || env.GITHUB_REPOSITORY || "";
    const [owner, repo, extra] = full.split("/");
    if (!owner || !repo || extra !== undefined) {
      throw new UserError(
        `Set PR_SNAPSHOTS_REPOSITORY (or GITHUB_REPOSITORY) to the repository as owner/name, got "${full}".`,
      );
    }
    const github = createGitHubClient({
      token,
      log: ctx.log,
      baseUrl: env.GITHUB_API_URL || "https://api.github.com",
    });
    const report = await withMongo(
      { uri: ctx.uri(), log: ctx.log, appName: "pr-snapshots/cli-sweep", serverLimits: common.serverLimits },
      (client) =>
        sweepDatabases({
          client,
          github,
          repo: { owner, repo },
          settings,
          names: common.labels,
          dryRun: common.dryRun,
          log: ctx.log,
        }),
    );
    const summary = report.dryRun
      ? `Dry run: would drop ${report.wouldDrop.join(", ") || "nothing"}, freeing ${formatBytes(report.bytesFreed)}.`
      : `Dropped ${report.dropped.join(", ") || "nothing"}, freeing ${formatBytes(report.bytesFreed)}; kept ${report.kept.length}.`;
    if (report.failures.length) {
      ctx.log.info(summary);
      throw new Error(`The sweep finished with problems: ${report.failures.join(" ")}`);
    }
    return { summary, report };
  },
};

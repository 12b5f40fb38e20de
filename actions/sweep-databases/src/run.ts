import { type ActionResult, PartialFailure } from "@pr-snapshots/core/action";
import { createGitHubClient, type RepoRef } from "@pr-snapshots/core/github/client";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import { formatBytes } from "@pr-snapshots/core/markdown";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import { type SweepReport, sweepDatabases } from "@pr-snapshots/core/sweep/run";
import type { SweepSettings } from "@pr-snapshots/core/sweep/settings";
import { sweepSummary } from "@pr-snapshots/core/sweep/summary";

export interface Inputs extends CommonInputs {
  settings: SweepSettings;
  uri: string;
  repo: RepoRef;
  apiUrl: string;
  runKey?: string;
  rerun: boolean;
}

export interface Outputs extends Record<string, string | number> {
  dropped: string;
  kept: string;
  "bytes-freed": number;
  "would-drop": string;
  reminded: string;
}

/** connect → sweep (reads, decisions, then drops and comments) → outputs and the job summary. */
export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  const github = createGitHubClient({ token: inputs.token, log, baseUrl: inputs.apiUrl });
  const report = await withMongo(
    { uri: inputs.uri, log, appName: "pr-snapshots/sweep-databases", serverLimits: inputs.serverLimits },
    (client) =>
      sweepDatabases({
        client,
        github,
        repo: inputs.repo,
        settings: inputs.settings,
        names: inputs.labels,
        dryRun: inputs.dryRun,
        log,
        ...(inputs.runKey ? { runKey: inputs.runKey } : {}),
        rerun: inputs.rerun,
      }),
  );
  const result: ActionResult<Outputs> = {
    outputs: {
      dropped: report.dropped.join(","),
      kept: report.kept.join(","),
      "bytes-freed": report.dryRun ? 0 : report.bytesFreed,
      "would-drop": report.wouldDrop.join(","),
      reminded: report.reminded.join(","),
    },
    summary: sweepSummary(report),
  };
  log.info(closingLine(report));
  if (report.failures.length) {
    throw new PartialFailure(`sweep-databases finished with problems: ${report.failures.join(" ")}`, result);
  }
  return result;
}

function closingLine(r: SweepReport): string {
  const freed = formatBytes(r.bytesFreed);
  return r.dryRun
    ? `Dry run: would drop ${r.wouldDrop.length} of ${r.rows.length} PR database(s), freeing ${freed}; nothing was changed.`
    : `Dropped ${r.dropped.length} of ${r.rows.length} PR database(s), freeing ${freed}; kept ${r.kept.length}` +
        `${r.reminded.length ? `; reminded ${r.reminded.length} pull request(s)` : ""}.`;
}

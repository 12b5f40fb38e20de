import type { GuardedCommand } from "@pr-snapshots/core/lock/stale-job";
import { parseExpectSha } from "@pr-snapshots/core/lock/stale-job";
import { type PrCommandReport, runPrCommand } from "@pr-snapshots/core/snapshot/run";
import { readPrTargetSettings, readRestoreSettings } from "@pr-snapshots/core/snapshot/settings";
import type { CommandContext, CommandResult } from "../command";

/**
 * What restore, reset and drop share: the target (checked before connecting), the optional
 * --expect-sha of a decision's Job, one connection, and the summary line.
 */
export async function runOnPrDatabase(ctx: CommandContext, command: GuardedCommand): Promise<CommandResult> {
  const { inputs } = ctx;
  const common = await ctx.common();
  const prNumber = inputs.integer("pr-number", { min: 1 });
  const settings =
    command === "restore"
      ? readRestoreSettings(inputs, common, prNumber)
      : readPrTargetSettings(inputs, common, prNumber);
  const sha = inputs.optional("expect-sha");
  const expectSha = sha === undefined ? undefined : parseExpectSha(sha);
  const report = await runPrCommand(
    { uri: ctx.uri(), appName: `pr-snapshots/cli-${command}` },
    command,
    settings,
    common,
    ctx.log,
    expectSha,
  );
  return { summary: summarize(report), report };
}

function summarize(r: PrCommandReport): string {
  if (r.outcome === "already-applied")
    return `Nothing to do: ${r.database} already had this ${r.command} for commit ${r.expectSha}.`;
  if (r.restore) {
    const x = r.restore;
    if (x.skipped)
      return `Skipped the restore into ${x.database} (refresh: new-snapshot): ${x.refreshReason ?? "it holds the latest snapshot"}.`;
    return (
      `${x.dryRun ? "Dry run: would restore" : "Restored"} ${x.collections.length} collections (${x.documents} documents) ` +
      `into ${x.database} from the snapshot taken ${x.snapshotTimestamp.toISOString()}` +
      (x.dryRun
        ? "."
        : `: ${x.copiedCollections} copied, ${x.keptCollections} kept as they were (identical).`)
    );
  }
  if (r.outcome === "dry-run")
    return `Dry run: ${r.command} of ${r.database}${r.verdict ? ` would ${r.verdict}` : ""}; nothing was changed.`;
  const what = r.existed ? `Dropped ${r.database}` : `${r.database} did not exist; nothing to drop`;
  return r.command === "reset" ? `${what}: the application seeds fresh data on its next start.` : `${what}.`;
}

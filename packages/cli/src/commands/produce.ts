import { assertWritableTarget } from "@pr-snapshots/core/names";
import { producerPolicy } from "@pr-snapshots/core/snapshot/producer";
import { runProducer } from "@pr-snapshots/core/snapshot/run";
import { readProducerSettings } from "@pr-snapshots/core/snapshot/settings";
import { CONFIG_OPTIONS, COPY_OPTIONS, type Command } from "../command";

export const produce: Command = {
  name: "produce",
  summary: "copy production into a new snapshot generation and publish it (the weekly CronJob)",
  options: [
    ...CONFIG_OPTIONS,
    ...COPY_OPTIONS,
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
    {
      name: "consistency",
      text: "auto (default: point-in-time on replica sets), point-in-time or per-collection",
    },
  ],
  async run(ctx) {
    const common = await ctx.common();
    const settings = readProducerSettings(ctx.inputs, common);
    // The one database the producer writes, checked before connecting (the producer checks again).
    const { snapshotDatabase, sourceDatabase, protectedDatabases } = settings;
    assertWritableTarget(
      snapshotDatabase,
      producerPolicy(snapshotDatabase, sourceDatabase, protectedDatabases),
    );
    const uri = ctx.uri();
    const sourceUri = ctx.sourceUri();
    const report = await runProducer(
      { uri, ...(sourceUri ? { sourceUri } : {}), appName: "pr-snapshots/cli-produce" },
      settings,
      common,
      ctx.log,
    );
    return {
      summary: report.dryRun
        ? `Dry run: would copy ${report.collections.length} collections (${report.documents} documents).`
        : `Published snapshot ${report.generation}: ${report.collections.length} collections, ${report.documents} documents, ${(report.durationMs / 1000).toFixed(1)}s.`,
      report,
    };
  },
};

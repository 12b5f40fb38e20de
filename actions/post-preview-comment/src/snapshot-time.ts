import type { Log } from "@pr-snapshots/core/log";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";

/**
 * When the data the PR database holds was taken from production, else when the latest complete
 * snapshot was. Loaded only when mongodb-uri is given (the driver is most of the start-up time).
 */
export async function readSnapshotTime(
  uri: string,
  database: string,
  snapshotDatabase: string | undefined,
  log: Log,
): Promise<Date | undefined> {
  return withMongo(
    { uri, log, appName: "pr-snapshots/post-preview-comment", serverSelectionTimeoutMS: 10_000 },
    async (client) => {
      const restored = await readPrMetadata(client, database).catch(() => undefined);
      if (restored?.status === "complete" && restored.snapshotTimestamp instanceof Date)
        return restored.snapshotTimestamp;
      if (!snapshotDatabase) return undefined;
      const latest = await readSnapshotMetadata(client.db(snapshotDatabase));
      return latest?.status === "complete" ? latest.timestamp : undefined;
    },
  );
}

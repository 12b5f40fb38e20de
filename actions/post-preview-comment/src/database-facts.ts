import type { Log } from "@pr-snapshots/core/log";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { type DatabaseSize, readDatabaseSize } from "@pr-snapshots/core/mongo/size";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";

export interface DatabaseFacts {
  snapshotTimestamp?: Date;
  /** Undefined when the database has no collections yet (or its size could not be read). */
  size?: DatabaseSize;
}

/**
 * What the comment shows about the PR database, in one connection: its size, and (when asked)
 * when the data it holds was taken from production, else when the latest complete snapshot was.
 * Loaded only when mongodb-uri is given (the driver is most of the start-up time).
 */
export async function readDatabaseFacts(
  uri: string,
  database: string,
  snapshotDatabase: string | undefined,
  wantTimestamp: boolean,
  log: Log,
): Promise<DatabaseFacts> {
  return withMongo(
    { uri, log, appName: "pr-snapshots/post-preview-comment", serverSelectionTimeoutMS: 10_000 },
    async (client) => {
      const facts: DatabaseFacts = {};
      try {
        const size = await readDatabaseSize(client, database);
        if (size.collections > 0) facts.size = size;
      } catch (error) {
        log.warning(
          `Could not read the size of ${database} (dbStats: ${(error as Error).message}); the comment shows no size.`,
        );
      }
      if (!wantTimestamp) return facts;
      const restored = await readPrMetadata(client, database).catch(() => undefined);
      if (restored?.status === "complete" && restored.snapshotTimestamp instanceof Date) {
        facts.snapshotTimestamp = restored.snapshotTimestamp;
        return facts;
      }
      if (!snapshotDatabase) return facts;
      const latest = await readSnapshotMetadata(client.db(snapshotDatabase));
      if (latest?.status === "complete") facts.snapshotTimestamp = latest.timestamp;
      return facts;
    },
  );
}

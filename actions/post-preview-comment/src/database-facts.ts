import type { Log } from "@pr-snapshots/core/log";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { type DatabaseSize, readDatabaseSize } from "@pr-snapshots/core/mongo/size";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { type Consistency, readConsistency } from "@pr-snapshots/core/snapshot/consistency";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";

export interface DatabaseFacts {
  snapshotTimestamp?: Date;
  /** The snapshot's masking policy (sha256 of its rules), when its data is masked. */
  maskingPolicy?: string;
  /** Kept documents of the collections the snapshot holds a subset of. */
  subset?: Record<string, number>;
  /** CONTRACT §13, validated when read: point-in-time (as of `consistentAtDate`) or per-collection. */
  consistency?: Consistency;
  consistentAtDate?: Date;
  /** Undefined when the database has no collections yet (or its size could not be read). */
  size?: DatabaseSize;
}

/**
 * What the comment shows about the PR database, in one connection: its size, and (for snapshot
 * data) when the data it holds was taken from production, else when the latest complete snapshot
 * was, and whether that data is masked or a subset. Loaded only when mongodb-uri is given (the
 * driver is most of the start-up time).
 */
export async function readDatabaseFacts(
  uri: string,
  database: string,
  snapshotDatabase: string | undefined,
  snapshotData: boolean,
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
      if (!snapshotData) return facts;
      const restored = await readPrMetadata(client, database).catch(() => undefined);
      const source =
        restored?.status === "complete" && restored.snapshotTimestamp instanceof Date
          ? {
              timestamp: restored.snapshotTimestamp,
              masking: restored.masking,
              subset: restored.subset,
              ...readConsistency(restored),
            }
          : snapshotDatabase
            ? await readSnapshotMetadata(client.db(snapshotDatabase)).then((latest) =>
                latest?.status === "complete"
                  ? {
                      timestamp: latest.timestamp,
                      masking: latest.masking,
                      subset: latest.subset,
                      ...readConsistency(latest),
                    }
                  : undefined,
              )
            : undefined;
      if (!source) return facts;
      facts.snapshotTimestamp = source.timestamp;
      const policy = (source.masking as { policy?: unknown } | undefined)?.policy;
      if (typeof policy === "string") facts.maskingPolicy = policy;
      if (source.subset) facts.subset = source.subset as Record<string, number>;
      if (source.consistency) facts.consistency = source.consistency;
      if (source.consistentAtDate) facts.consistentAtDate = source.consistentAtDate;
      return facts;
    },
  );
}

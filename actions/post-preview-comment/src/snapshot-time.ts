import type { Log } from "@pr-snapshots/core/log";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { readPrMetadata } from "@pr-snapshots/core/mongo/target";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";

export interface SnapshotFacts {
  timestamp?: Date;
  maskingPolicy?: string;
  subset?: Record<string, number>;
}

/**
 * When the data the PR database holds was taken from production (else when the latest complete
 * snapshot was), and whether it is masked or a subset. Loaded only when mongodb-uri is given (the
 * driver is most of the start-up time).
 */
export async function readSnapshotFacts(
  uri: string,
  database: string,
  snapshotDatabase: string | undefined,
  log: Log,
): Promise<SnapshotFacts> {
  return withMongo(
    { uri, log, appName: "pr-snapshots/post-preview-comment", serverSelectionTimeoutMS: 10_000 },
    async (client) => {
      const restored = await readPrMetadata(client, database).catch(() => undefined);
      const source =
        restored?.status === "complete" && restored.snapshotTimestamp instanceof Date
          ? { timestamp: restored.snapshotTimestamp, masking: restored.masking, subset: restored.subset }
          : await (async () => {
              if (!snapshotDatabase) return undefined;
              const latest = await readSnapshotMetadata(client.db(snapshotDatabase));
              return latest?.status === "complete"
                ? { timestamp: latest.timestamp, masking: latest.masking, subset: latest.subset }
                : undefined;
            })();
      if (!source) return {};
      const policy = (source.masking as { policy?: unknown } | undefined)?.policy;
      return {
        timestamp: source.timestamp,
        ...(typeof policy === "string" ? { maskingPolicy: policy } : {}),
        ...(source.subset ? { subset: source.subset as Record<string, number> } : {}),
      };
    },
  );
}

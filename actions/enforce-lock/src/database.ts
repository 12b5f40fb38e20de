import { type LockDatabaseState, lockDatabaseState } from "@pr-snapshots/core/lock/database-state";
import type { Log } from "@pr-snapshots/core/log";
import { connectMongo } from "@pr-snapshots/core/mongo/client";
import type { ServerLimitsSetting } from "@pr-snapshots/core/mongo/limit-names";
import { type LockRecordOutcome, writeLockRecord } from "@pr-snapshots/core/mongo/pr-records";
import { databaseExists, dropTargetDatabase, readPrMetadata } from "@pr-snapshots/core/mongo/target";
import type { TargetPolicy } from "@pr-snapshots/core/names";
import type { MongoClient } from "mongodb";

/**
 * Everything enforce-lock does with MongoDB. Loaded only when mongodb-uri is given: most label
 * events need no database, and the driver is most of the bundle's start-up time.
 */
export interface PrDatabase {
  state(): Promise<LockDatabaseState>;
  /** Drops the database holding the one-writer lease (waits up to `waitMs` for another writer). */
  drop(policy: TargetPolicy, what: "drop" | "reset", waitMs: number): Promise<{ existed: boolean }>;
  /** Records the lock label's state in the database, if it exists (never creates it). */
  recordLock(
    policy: TargetPolicy,
    lock: { locked: boolean; sha: string },
    waitMs: number,
  ): Promise<LockRecordOutcome>;
  close(): Promise<void>;
}

export async function openPrDatabase(
  uri: string,
  database: string,
  log: Log,
  serverLimits: ServerLimitsSetting = "auto",
): Promise<PrDatabase> {
  const client: MongoClient = await connectMongo({
    uri,
    log,
    appName: "pr-snapshots/enforce-lock",
    serverLimits,
  });
  return {
    async state() {
      const exists = await databaseExists(client, database);
      return lockDatabaseState(exists, exists ? await readPrMetadata(client, database) : undefined);
    },
    drop: (policy, what, waitMs) => dropTargetDatabase(client, database, policy, log, { what, waitMs }),
    recordLock: (policy, lock, waitMs) => writeLockRecord(client, database, policy, lock, log, { waitMs }),
    close: () => client.close(),
  };
}

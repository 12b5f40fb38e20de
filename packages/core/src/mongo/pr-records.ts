import type { Collection, MongoClient } from "mongodb";
import type { AppliedRecord, LockRecord } from "../lock/stale-job";
import type { Log } from "../log";
import { assertWritableTarget, type TargetPolicy } from "../names";
import type { Lease } from "./lease";
import { acquireWriterLease, LEASE_COLLECTION, METADATA_COLLECTION } from "./target";

/**
 * The PR database's `lock` and `applied` records (see lock/stale-job.ts for what they defend
 * against). They live in `snapshot_metadata` beside the restore's `latest` document.
 */
function records<T extends LockRecord | AppliedRecord>(client: MongoClient, database: string): Collection<T> {
  return client.db(database).collection<T>(METADATA_COLLECTION);
}

export async function readPrRecords(
  client: MongoClient,
  database: string,
): Promise<{ lock?: LockRecord; applied?: AppliedRecord }> {
  const docs = await records<LockRecord | AppliedRecord>(client, database)
    .find({ _id: { $in: ["lock", "applied"] } })
    .toArray();
  const lock = docs.find((d): d is LockRecord => d._id === "lock");
  const applied = docs.find((d): d is AppliedRecord => d._id === "applied");
  return { ...(lock ? { lock } : {}), ...(applied ? { applied } : {}) };
}

/** Records the restore or reset a Job carried out for a commit; the caller holds the writer lease. */
export async function writeAppliedRecord(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  lease: Lease,
  applied: { sha: string; command: AppliedRecord["command"] },
): Promise<void> {
  assertWritableTarget(database, policy);
  lease.assertHeld();
  await records<AppliedRecord>(client, database).replaceOne(
    { _id: "applied" },
    { ...applied, at: new Date() },
    { upsert: true },
  );
}

/** Whether the database holds any collection besides a writer lease (MongoDB lists no empty database). */
async function hasCollections(client: MongoClient, database: string): Promise<boolean> {
  const names = await client
    .db(database)
    .listCollections({}, { nameOnly: true, authorizedCollections: true })
    .toArray();
  return names.some((c) => c.name !== LEASE_COLLECTION);
}

export type LockRecordOutcome = "written" | "unchanged" | "no-database";

/**
 * Writes the lock record when the database exists, holding the writer lease so that it lands
 * between two restores, resets or drops, never inside one. A database that does not exist is
 * left alone: writing the record would create it. A record that already says the same is kept
 * as it is, so its `at` and `sha` tell when the lock state last changed.
 */
export async function writeLockRecord(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  lock: { locked: boolean; sha: string },
  log: Log,
  options: { waitMs: number },
): Promise<LockRecordOutcome> {
  assertWritableTarget(database, policy);
  if (!(await hasCollections(client, database))) return "no-database";
  const lease = await acquireWriterLease({
    client,
    database,
    policy,
    log,
    what: "lock",
    waitMs: options.waitMs,
  });
  try {
    if (!(await hasCollections(client, database))) {
      // Dropped while this run waited: taking the lease made the database again; undo that.
      lease.stopHeartbeat();
      assertWritableTarget(database, policy);
      await client.db(database).collection(LEASE_COLLECTION).drop();
      return "no-database";
    }
    const current = (await readPrRecords(client, database)).lock;
    if (current?.locked === lock.locked) return "unchanged";
    assertWritableTarget(database, policy);
    lease.assertHeld();
    await records<LockRecord>(client, database).replaceOne(
      { _id: "lock" },
      { locked: lock.locked, sha: lock.sha, at: new Date() },
      { upsert: true },
    );
    return "written";
  } finally {
    await lease.release().catch(() => {});
  }
}

import { randomUUID } from "node:crypto";
import type { MongoClient } from "mongodb";
import { stopStaleCopies } from "../copy/stale";
import { BusyError } from "../errors";
import type { Log } from "../log";
import { assertWritableTarget, type TargetPolicy } from "../names";
import { acquireLease, describeHolder, type Lease, type LeaseDocument, leaseOwner } from "./lease";
import { assertDatabaseFits, assertNamespaceFits, serverLimitsOf } from "./limits";

export const METADATA_COLLECTION = "snapshot_metadata";
/**
 * The one-writer lease of a PR database lives in a collection of its own, so that a sweeper can
 * be granted writes on exactly this collection name in every database and nothing else.
 */
export const LEASE_COLLECTION = "pr_snapshots_lease";
const WRITER_LEASE_ID = "writer";

/** Collections every PR database may hold besides the application's data. */
export function isBookkeeping(collection: string): boolean {
  return collection === METADATA_COLLECTION || collection === LEASE_COLLECTION;
}

/**
 * CONTRACT §3 "init": the database exists, i.e. has at least one collection. Our own
 * bookkeeping alone does not count (a lease taken by a drop, a lock record), unless it holds a
 * restore's (or the application's) `latest` record.
 */
export async function databaseExists(client: MongoClient, database: string): Promise<boolean> {
  const names = (
    await client.db(database).listCollections({}, { nameOnly: true, authorizedCollections: true }).toArray()
  ).map((c) => String(c.name));
  if (names.some((n) => !isBookkeeping(n))) return true;
  if (!names.includes(METADATA_COLLECTION)) return false;
  return (await readPrMetadata(client, database)) !== undefined;
}

/** What a holder of the writer lease does to the database (shown to a run that waits for it). */
export type WriterWork = "restore" | "reset" | "drop" | "lock";

export interface WriterLeaseOptions {
  client: MongoClient;
  database: string;
  policy: TargetPolicy;
  log: Log;
  what: WriterWork;
  /** How long to wait for another run that writes the same database. */
  waitMs: number;
  ttlMs?: number;
  owner?: string;
}

/**
 * CONTRACT §9: at most one restore, reset or drop writes a PR database at a time, whoever starts
 * it. Taking the lease is itself a write into the database, so the target rules come first.
 */
export async function acquireWriterLease(o: WriterLeaseOptions): Promise<Lease> {
  assertWritableTarget(o.database, o.policy);
  // The lease is the first write into the database: a name the server refuses fails here, clearly.
  const limits = await serverLimitsOf(o.client, o.log);
  const fix = "Use a shorter name: the database input, or a shorter db-prefix.";
  assertDatabaseFits(o.database, limits, "The PR database", fix);
  assertNamespaceFits(o.database, LEASE_COLLECTION, limits, fix);
  return acquireLease({
    collection: o.client.db(o.database).collection<LeaseDocument>(LEASE_COLLECTION),
    id: WRITER_LEASE_ID,
    holder: randomUUID(),
    owner: o.owner ?? leaseOwner(),
    what: o.what,
    ttlMs: o.ttlMs ?? 60_000,
    waitMs: o.waitMs,
    subject: `database ${o.database}`,
    log: o.log,
  });
}

export interface DropOptions {
  what?: "reset" | "drop";
  waitMs?: number;
  ttlMs?: number;
  owner?: string;
  /**
   * The writer lease, when the caller already holds it (it read the database's records under it
   * and decided to drop). Dropping the database deletes the lease document with it.
   */
  lease?: Lease;
}

/**
 * Drops a PR database after the name check, holding the writer lease; dropping one that does not
 * exist is not an error. The lease document goes with the database, which is what releases it.
 */
export async function dropTargetDatabase(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  log: Log,
  options: DropOptions = {},
): Promise<{ existed: boolean }> {
  assertWritableTarget(database, policy);
  const existed = await databaseExists(client, database);
  const lease =
    options.lease ??
    (await acquireWriterLease({
      client,
      database,
      policy,
      log,
      what: options.what ?? "drop",
      waitMs: options.waitMs ?? 360_000,
      ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
    }));
  try {
    // A restore killed mid-copy leaves its $out/$merge running on the server; it would recreate collections.
    await stopStaleCopies(client, database, log);
    lease.assertHeld();
    lease.stopHeartbeat();
    assertWritableTarget(database, policy);
    await client.db(database).dropDatabase();
  } finally {
    if (!options.lease) await lease.release().catch(() => {});
  }
  log.info(
    existed ? `Dropped database ${database}.` : `Database ${database} did not exist; nothing to drop.`,
  );
  return { existed };
}

/** The holder of a PR database's one-writer lease, if it is held now (by the server's clock); read only. */
export async function writerLeaseHolder(
  client: MongoClient,
  database: string,
): Promise<LeaseDocument | undefined> {
  const held = await client
    .db(database)
    .collection<LeaseDocument>(LEASE_COLLECTION)
    .findOne({ _id: WRITER_LEASE_ID, $expr: { $gt: ["$expiresAt", "$$NOW"] } });
  return held ?? undefined;
}

/**
 * A drop for credentials that may not write the lease collection (a sweeper without that
 * privilege): it checks the lease read-only and refuses with {@link BusyError} while it is held.
 * Unlike {@link dropTargetDatabase} it cannot stop a restore that starts between the check and
 * the drop, so it is a fallback, used with a warning.
 */
export async function dropTargetDatabaseIfLeaseFree(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  log: Log,
): Promise<{ existed: boolean }> {
  assertWritableTarget(database, policy);
  const holder = await writerLeaseHolder(client, database);
  if (holder) {
    throw new BusyError(
      `Database ${database} is being written by ${describeHolder(holder)}: not dropped. Nothing was changed.`,
    );
  }
  const existed = await databaseExists(client, database);
  await stopStaleCopies(client, database, log);
  assertWritableTarget(database, policy);
  await client.db(database).dropDatabase();
  log.info(`Dropped database ${database} (lease checked read-only).`);
  return { existed };
}

/** The restore's record in the PR database (CONTRACT §5), or undefined for a seeded or missing database. */
export interface PrDatabaseMetadata {
  _id: "latest";
  source: string;
  snapshotTimestamp?: Date;
  restoredAt?: Date;
  collections?: string[];
  counts?: Record<string, number>;
  [key: string]: unknown;
}

export async function readPrMetadata(
  client: MongoClient,
  database: string,
): Promise<PrDatabaseMetadata | undefined> {
  const doc = await client
    .db(database)
    .collection<PrDatabaseMetadata>(METADATA_COLLECTION)
    .findOne({ _id: "latest" });
  return doc ?? undefined;
}

import { temporaryCollectionName } from "../copy/swap";
import { UserError } from "../errors";
import {
  assertDatabaseFits,
  assertNamespaceFits,
  PR_DATABASE_FIX,
  type ServerLimits,
  SNAPSHOT_DATABASE_FIX,
} from "../mongo/limit-names";
import { LEASE_COLLECTION, METADATA_COLLECTION } from "../mongo/target";
import { physicalCollection } from "./generations";
import type { SnapshotMetadata } from "./metadata";

/**
 * Every name a run will create, checked against the server's limits before its first write
 * (CONTRACT §14). The restore cannot rename what it copies: the application reads its collections
 * by production's names, so only a shorter PR database name makes room.
 */
export function assertRestoreFits(target: string, meta: SnapshotMetadata, limits: ServerLimits): void {
  assertDatabaseFits(target, limits, "The PR database", PR_DATABASE_FIX);
  const fix = `${PR_DATABASE_FIX} (Collection names come from production and are kept as they are.)`;
  const names = [
    ...meta.collections,
    ...(meta.views ?? []).map((v) => v.name),
    METADATA_COLLECTION,
    LEASE_COLLECTION,
    // Every copy is built under a temporary name first (copy/swap.ts); they all have this length.
    temporaryCollectionName("00000000"),
  ];
  for (const name of names) assertNamespaceFits(target, name, limits, fix);
}

/** Where a generation keeps each logical collection, fitted to the server's namespace limit. */
export function generationNames(
  snapshotDatabase: string,
  generation: string,
  limits: ServerLimits,
): (logical: string) => string {
  return (logical) =>
    physicalCollection(generation, logical, {
      database: snapshotDatabase,
      maxNamespaceBytes: limits.maxNamespaceBytes,
    });
}

/**
 * The producer's names: the snapshot database, its bookkeeping, every collection of the new
 * generation (fitted by {@link generationNames}, so only a snapshot database name too long for
 * even the shortest of them fails) and the masking proof's temporary collection.
 */
export function assertProducerFits(
  snapshotDatabase: string,
  generation: string,
  logical: readonly string[],
  limits: ServerLimits,
): void {
  assertDatabaseFits(snapshotDatabase, limits, "The snapshot database", SNAPSHOT_DATABASE_FIX);
  const physical = generationNames(snapshotDatabase, generation, limits);
  const temporary = [`${generation}.__masking_check`];
  for (const name of [METADATA_COLLECTION, ...logical.map(physical), ...temporary])
    assertNamespaceFits(snapshotDatabase, name, limits, SNAPSHOT_DATABASE_FIX);
  if (limits.maxCollections !== undefined && logical.length > limits.maxCollections)
    throw new UserError(
      `The snapshot would hold ${logical.length} collections; ${limits.why} allows ${limits.maxCollections} in all. ` +
        "Copy fewer (collections.include / collections.exclude). Nothing was written.",
    );
}

import type { Document, Timestamp } from "mongodb";
import { UserError } from "../errors";
import type { Topology } from "../mongo/cluster-time";

/**
 * Snapshot consistency (CONTRACT §13), the decisions without I/O: which consistency a run aims
 * for, and what each change-stream event means for a snapshot being taken.
 *
 * - `point-in-time`: every collection as of one cluster time. The producer notes the time before
 *   the first copy, watches production's change stream, copies as usual, then copies again the
 *   documents that changed, as of a later cluster time (snapshot/catch-up.ts).
 * - `per-collection`: each collection as of its own copy, as before (standalone servers have no
 *   change streams).
 */

export const CONSISTENCY_SETTINGS = ["auto", "point-in-time", "per-collection"] as const;
export type ConsistencySetting = (typeof CONSISTENCY_SETTINGS)[number];
export type Consistency = "point-in-time" | "per-collection";

export interface ConsistencyPlan {
  /** Watch production and catch up. */
  track: boolean;
  /** A point in time is required: anything that prevents it fails the run (no fallback). */
  required: boolean;
  /** Why the snapshot will be per-collection, when it will. */
  reason?: string;
}

export function planConsistency(
  setting: ConsistencySetting,
  topology: Topology,
  source: string,
): ConsistencyPlan {
  if (setting === "per-collection")
    return { track: false, required: false, reason: "consistency is set to per-collection" };
  if (topology === "standalone") {
    if (setting === "point-in-time")
      throw new UserError(
        `consistency: point-in-time needs a replica set or a sharded cluster (change streams and snapshot reads), but the server holding "${source}" is a standalone mongod. ` +
          "Use consistency: auto (per-collection on standalone servers) or per-collection, or convert the server to a one-member replica set. Nothing was copied.",
      );
    return {
      track: false,
      required: false,
      reason: `the server holding "${source}" is a standalone mongod (no change streams)`,
    };
  }
  return { track: true, required: setting === "point-in-time" };
}

/** The snapshot's namespaces, as the event classifier needs them. */
export interface WatchedNames {
  /** Collections copied into the generation (logical names). */
  copied: ReadonlySet<string>;
  /** Views recorded in the metadata. */
  views: ReadonlySet<string>;
}

export type EventEffect =
  /** A document of a copied collection changed: copy it again. */
  | { kind: "document"; collection: string; id: unknown }
  /** A copied collection's options or indexes changed: copy the whole collection again. */
  | { kind: "restart"; collection: string; why: string }
  /** The snapshot cannot be consistent (a copied collection or recorded view dropped, renamed or redefined). */
  | { kind: "fatal"; collection?: string; why: string }
  | { kind: "ignore" };

interface ChangeEventLike {
  operationType?: unknown;
  ns?: { db?: unknown; coll?: unknown };
  to?: { db?: unknown; coll?: unknown };
  documentKey?: { _id?: unknown };
}

/**
 * What one change event of production's database means for the snapshot. Event types are those
 * of MongoDB 6.0 with `showExpandedEvents` (create, createIndexes, dropIndexes, modify, rename,
 * drop, dropDatabase, shardCollection, invalidate, and the document events); later servers add
 * reshardCollection and refineCollectionShardKey, which change where documents live, not what
 * they are.
 */
export function classifyEvent(event: Document, names: WatchedNames): EventEffect {
  const e = event as ChangeEventLike;
  const type = String(e.operationType);
  const coll = typeof e.ns?.coll === "string" ? e.ns.coll : undefined;
  const inSnapshot = (c: string | undefined) =>
    c !== undefined && (names.copied.has(c) || names.views.has(c));
  switch (type) {
    case "insert":
    case "update":
    case "replace":
    case "delete":
      if (coll && names.copied.has(coll) && e.documentKey && "_id" in e.documentKey)
        return { kind: "document", collection: coll, id: e.documentKey._id };
      return { kind: "ignore" };
    case "createIndexes":
    case "dropIndexes":
    case "modify":
      if (coll && names.copied.has(coll))
        return {
          kind: "restart",
          collection: coll,
          why: type === "modify" ? "its options changed (collMod)" : `${type} ran on it`,
        };
      if (coll && names.views.has(coll))
        return { kind: "fatal", collection: coll, why: `the view ${coll} was redefined (collMod)` };
      return { kind: "ignore" };
    case "drop":
      return inSnapshot(coll)
        ? { kind: "fatal", collection: coll as string, why: `${coll} was dropped` }
        : { kind: "ignore" };
    case "rename": {
      const to = typeof e.to?.coll === "string" ? e.to.coll : undefined;
      if (inSnapshot(coll))
        return { kind: "fatal", collection: coll as string, why: `${coll} was renamed to ${to ?? "?"}` };
      if (inSnapshot(to))
        return {
          kind: "fatal",
          collection: to as string,
          why: `${coll ?? "another collection"} was renamed over ${to}`,
        };
      return { kind: "ignore" };
    }
    case "dropDatabase":
      return { kind: "fatal", why: "the production database was dropped" };
    case "invalidate":
      return {
        kind: "fatal",
        why: "the change stream was invalidated (the database was dropped or renamed)",
      };
    default:
      // create (a collection the snapshot did not select), shardCollection, reshardCollection,
      // refineCollectionShardKey: nothing the snapshot holds changes.
      return { kind: "ignore" };
  }
}

/** What the snapshot metadata records about consistency (CONTRACT §13). */
export function consistencyMetadata(c: {
  consistency: Consistency;
  consistentAt?: Timestamp;
  consistentAtDate?: Date;
}): Document {
  return c.consistency === "point-in-time" && c.consistentAt
    ? {
        consistency: "point-in-time",
        consistentAt: c.consistentAt,
        ...(c.consistentAtDate ? { consistentAtDate: c.consistentAtDate } : {}),
      }
    : { consistency: "per-collection" };
}

/**
 * What a snapshot's metadata says about its consistency, read defensively (it comes from a
 * database): only a known consistency and a real Date are taken.
 */
export function readConsistency(meta: Document | undefined): {
  consistency?: Consistency;
  consistentAtDate?: Date;
} {
  const consistency =
    meta?.consistency === "point-in-time" || meta?.consistency === "per-collection"
      ? (meta.consistency as Consistency)
      : undefined;
  const date = meta?.consistentAtDate;
  return {
    ...(consistency ? { consistency } : {}),
    ...(consistency === "point-in-time" && date instanceof Date && !Number.isNaN(date.getTime())
      ? { consistentAtDate: date }
      : {}),
  };
}

import { UserError } from "../errors";

/**
 * Names and limits, without the driver (actions that may not connect import this alone).
 *
 * What the server lets a run create and for how long one operation may run (CONTRACT §14).
 *
 * Atlas's shared tiers (M0 and Flex) are MongoDB behind a proxy with documented limits
 * (mongodb.com/docs/atlas/unsupported-commands and /reference/free-shared-limitations,
 * /reference/flex-limitations): database names of at most 38 bytes, namespaces of at most 95
 * bytes, at most 100 databases and 500 collections, `aggregate`'s maxTimeMS capped at 300 s and
 * allowDiskUse ignored. Everything else (self-managed servers, Atlas M10 and larger) has MongoDB's
 * own limits: database names below 64 bytes, namespaces of at most 255 bytes, no time cap.
 */
export const SERVER_LIMITS = ["auto", "atlas-shared", "self-managed"] as const;
export type ServerLimitsSetting = (typeof SERVER_LIMITS)[number];

export interface ServerLimits {
  kind: "atlas-shared" | "self-managed";
  /** How the kind was decided, for the log and error messages. */
  why: string;
  maxDatabaseNameBytes: number;
  maxNamespaceBytes: number;
  /** The server's cap on one aggregation's maxTimeMS, if it has one. */
  maxTimeMS?: number;
  maxDatabases?: number;
  maxCollections?: number;
  /** allowDiskUse is honoured: memory-hungry stages may spill to disk. */
  diskUse: boolean;
}

export const ATLAS_SHARED_LIMITS: Omit<ServerLimits, "why"> = {
  kind: "atlas-shared",
  maxDatabaseNameBytes: 38,
  maxNamespaceBytes: 95,
  maxTimeMS: 300_000,
  maxDatabases: 100,
  maxCollections: 500,
  diskUse: false,
};

export const SELF_MANAGED_LIMITS: Omit<ServerLimits, "why"> = {
  kind: "self-managed",
  maxDatabaseNameBytes: 63,
  maxNamespaceBytes: 255,
  diskUse: true,
};

export function limitsOf(kind: ServerLimits["kind"], why: string): ServerLimits {
  return { ...(kind === "atlas-shared" ? ATLAS_SHARED_LIMITS : SELF_MANAGED_LIMITS), why };
}

/** The limits a setting implies without asking the server (`auto` has to ask: undefined). */
export function limitsOfSetting(setting: ServerLimitsSetting): ServerLimits | undefined {
  if (setting === "atlas-shared") return limitsOf("atlas-shared", "server-limits: atlas-shared");
  if (setting === "self-managed") return limitsOf("self-managed", "server-limits: self-managed");
  return undefined;
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

function limitsName(limits: ServerLimits): string {
  return limits.kind === "atlas-shared"
    ? `Atlas's shared tiers (M0, Flex; ${limits.why})`
    : `MongoDB (${limits.why})`;
}

const ESCAPE =
  'If this server is not an Atlas shared tier (M0, Flex), set server-limits: self-managed (config "serverLimits").';

/**
 * A database this run creates or writes must have a name the server accepts. `what` names it and
 * `fix` says which input changes it. Called before the first write.
 */
export function assertDatabaseFits(database: string, limits: ServerLimits, what: string, fix: string): void {
  const n = bytes(database);
  if (n <= limits.maxDatabaseNameBytes) return;
  throw new UserError(
    `${what} "${database}" is ${n} bytes long; ${limitsName(limits)} allow database names of at most ${limits.maxDatabaseNameBytes} bytes. ` +
      `${fix}${limits.kind === "atlas-shared" ? ` ${ESCAPE}` : ""} Nothing was written.`,
  );
}

/**
 * Every namespace (`<database>.<collection>`) a run creates must fit the server's limit, temporary
 * ones included: the one check every writer calls before its first write.
 */
export function assertNamespaceFits(
  database: string,
  collection: string,
  limits: ServerLimits,
  fix = "Use a shorter database name.",
): void {
  const ns = `${database}.${collection}`;
  const n = bytes(ns);
  if (n <= limits.maxNamespaceBytes) return;
  throw new UserError(
    `The collection "${collection}" would be the namespace "${ns}", ${n} bytes long; ${limitsName(limits)} allow namespaces (database.collection) of at most ${limits.maxNamespaceBytes} bytes. ` +
      `${fix}${limits.kind === "atlas-shared" ? ` ${ESCAPE}` : ""} Nothing was written.`,
  );
}

/** Room for a collection name in `database` under these limits. */
export function collectionNameRoom(
  database: string,
  limits: Pick<ServerLimits, "maxNamespaceBytes">,
): number {
  return limits.maxNamespaceBytes - bytes(database) - 1;
}

/** The aggregation time limit to use: the operator's, never above the server's cap. */
export function cappedMaxTimeMS(
  requested: number | undefined,
  limits: ServerLimits | undefined,
): number | undefined {
  const cap = limits?.maxTimeMS;
  if (!cap) return requested || undefined;
  return requested ? Math.min(requested, cap) : cap;
}

export const PR_DATABASE_FIX = "Use a shorter name: the database input, or a shorter db-prefix.";
export const SNAPSHOT_DATABASE_FIX =
  "Use a shorter name: snapshot-database (config snapshotDatabase), or a shorter db-prefix.";

/**
 * With `server-limits: atlas-shared` the limits are known before connecting: databases a run will
 * write are checked with the inputs, so that a refused name fails at once. (`auto` checks the
 * same after connecting, still before the first write.)
 */
export function assertDatabasesFitSetting(
  setting: ServerLimitsSetting,
  databases: readonly { name: string; what: string; fix: string }[],
): void {
  const limits = limitsOfSetting(setting);
  if (!limits) return;
  for (const d of databases) assertDatabaseFits(d.name, limits, d.what, d.fix);
}

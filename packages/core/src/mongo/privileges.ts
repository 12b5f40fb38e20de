import { type MongoClient, MongoServerError } from "mongodb";
import { LEASE_COLLECTION } from "./target";

/** Privilege actions that modify data or structure (MongoDB's built-in action names). */
const WRITE_ACTIONS = new Set([
  "insert",
  "update",
  "remove",
  "createCollection",
  "createIndex",
  "dropCollection",
  "dropIndex",
  "dropDatabase",
  "collMod",
  "convertToCapped",
  "renameCollectionSameDB",
  "reIndex",
  "compact",
]);

export interface PrivilegeAudit {
  /** false: the server has no access control at all. */
  accessControl: boolean;
  users: string[];
  /** Protected databases these credentials can write. */
  writableProtected: string[];
  /** The credentials can write every database (readWriteAnyDatabase, root, ...). */
  writesAnyDatabase: boolean;
  /** `dropDatabase` on every database (`{db: "", collection: ""}`), which the sweeper's role needs. */
  dropsAnyDatabase: boolean;
  /**
   * Write actions on the one-writer lease collection in every database
   * (`{db: "", collection: "pr_snapshots_lease"}`), sorted: the sweeper's role grants
   * insert, update and remove there so that it can take the lease before a drop.
   */
  leaseCollectionActions: string[];
}

export interface AuditOptions {
  /**
   * `dropDatabase` on every database does not make the credentials "write every database": the
   * sweeper's job is dropping databases, and MongoDB grants no privilege per name prefix, so the
   * target rules in front of every drop are what keep production safe (CONTRACT §10).
   */
  acceptDropAnyDatabase?: boolean;
}

export interface Privilege {
  resource: { db?: string; collection?: string; cluster?: boolean; anyResource?: boolean };
  actions: string[];
}

/** What the connected credentials may write, read from `connectionStatus` with `showPrivileges`. */
export async function auditPrivileges(
  client: MongoClient,
  protectedDatabases: readonly string[],
  options: AuditOptions = {},
): Promise<PrivilegeAudit> {
  const status = await client.db("admin").command({ connectionStatus: 1, showPrivileges: true });
  const info = status.authInfo as {
    authenticatedUsers: { user: string; db: string }[];
    authenticatedUserPrivileges?: Privilege[];
  };
  const users = info.authenticatedUsers.map((u) => `${u.user}@${u.db}`);
  if (users.length === 0) {
    // No user: either the server has no access control, or we are unauthenticated on one that has.
    try {
      await client.db("admin").command({ listDatabases: 1, nameOnly: true });
      return {
        accessControl: false,
        users,
        writableProtected: [],
        writesAnyDatabase: true,
        dropsAnyDatabase: true,
        leaseCollectionActions: [],
      };
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 13) {
        return {
          accessControl: true,
          users,
          writableProtected: [],
          writesAnyDatabase: false,
          dropsAnyDatabase: false,
          leaseCollectionActions: [],
        };
      }
      throw error;
    }
  }
  const facts = classifyPrivileges(info.authenticatedUserPrivileges ?? [], protectedDatabases);
  const writesAnyDatabase =
    facts.writesAnyDatabase || (facts.dropsAnyDatabase && !options.acceptDropAnyDatabase);
  return {
    accessControl: true,
    users,
    writableProtected: writesAnyDatabase ? [...protectedDatabases] : facts.writableProtected,
    writesAnyDatabase,
    dropsAnyDatabase: facts.dropsAnyDatabase,
    leaseCollectionActions: facts.leaseCollectionActions,
  };
}

/**
 * What a user's privileges let it write. Pure. A resource `{db: "", collection: "x"}` is the
 * collection x in every database, production's included, so it writes every database, with
 * one exception: the lease collection, which only this project's code writes, and only after
 * the target rules. `dropDatabase` on every database is reported apart from the data writes.
 */
export function classifyPrivileges(
  privileges: readonly Privilege[],
  protectedDatabases: readonly string[],
): {
  writesAnyDatabase: boolean;
  dropsAnyDatabase: boolean;
  leaseCollectionActions: string[];
  writableProtected: string[];
} {
  let writesAnyDatabase = false;
  let dropsAnyDatabase = false;
  const lease = new Set<string>();
  const writable = new Set<string>();
  for (const p of privileges) {
    const writes = p.actions.filter((a) => WRITE_ACTIONS.has(a));
    if (writes.length === 0) continue;
    const { db, collection = "" } = p.resource;
    if (p.resource.anyResource) {
      writesAnyDatabase = true;
    } else if (db === "" && collection === LEASE_COLLECTION) {
      for (const a of writes) lease.add(a);
    } else if (db === "" && collection === "") {
      if (writes.includes("dropDatabase")) dropsAnyDatabase = true;
      if (writes.some((a) => a !== "dropDatabase")) writesAnyDatabase = true;
    } else if (db === "") {
      writesAnyDatabase = true;
    } else if (db && protectedDatabases.includes(db)) {
      writable.add(db);
    }
  }
  return {
    writesAnyDatabase,
    dropsAnyDatabase,
    leaseCollectionActions: [...lease].sort(),
    writableProtected: [...writable].sort(),
  };
}

import { type MongoClient, MongoServerError } from "mongodb";
import { isRefusal } from "./refusal";
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
  /**
   * Set when the server would not say what the credentials may do (it refused connectionStatus
   * with showPrivileges, and the roles it named are not built-in ones this audit knows): why, in words.
   */
  unknown?: string;
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
  let status: Record<string, unknown>;
  let refused: string | undefined;
  try {
    status = await client.db("admin").command({ connectionStatus: 1, showPrivileges: true });
  } catch (error) {
    if (!isRefusal(error)) throw error;
    refused = firstLine(error);
    // The detail is best-effort; who is connected, with which roles, is still worth asking.
    try {
      status = await client.db("admin").command({ connectionStatus: 1 });
    } catch (again) {
      if (!isRefusal(again)) throw again;
      return {
        accessControl: true,
        users: [],
        writableProtected: [],
        writesAnyDatabase: false,
        dropsAnyDatabase: false,
        leaseCollectionActions: [],
        unknown: `the server refused connectionStatus (${firstLine(again)})`,
      };
    }
  }
  const info = status.authInfo as {
    authenticatedUsers: { user: string; db: string }[];
    authenticatedUserRoles?: { role: string; db: string }[];
    authenticatedUserPrivileges?: Privilege[];
  };
  if (refused && info.authenticatedUsers.length > 0) {
    const byRoles = privilegesOfBuiltInRoles(info.authenticatedUserRoles ?? []);
    if (!byRoles.privileges) {
      return {
        accessControl: true,
        users: info.authenticatedUsers.map((u) => `${u.user}@${u.db}`),
        writableProtected: [],
        writesAnyDatabase: false,
        dropsAnyDatabase: false,
        leaseCollectionActions: [],
        unknown: `the server refused connectionStatus with showPrivileges (${refused}) and the roles ${byRoles.unknown.join(", ")} are not built-in roles whose privileges are known`,
      };
    }
    info.authenticatedUserPrivileges = byRoles.privileges;
  }
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

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** MongoDB's (and Atlas's) built-in roles, as the write privileges the audit looks at. */
const BUILT_IN_WRITES: Record<string, "none" | "db" | "any"> = {
  read: "none",
  readAnyDatabase: "none",
  clusterMonitor: "none",
  hostManager: "none",
  backup: "none",
  readWrite: "db",
  dbAdmin: "db",
  dbOwner: "db",
  userAdmin: "db",
  readWriteAnyDatabase: "any",
  dbAdminAnyDatabase: "any",
  userAdminAnyDatabase: "any",
  clusterAdmin: "any",
  clusterManager: "any",
  restore: "any",
  root: "any",
  __system: "any",
  atlasAdmin: "any",
  enableSharding: "none",
};

/**
 * When the server will not list privileges, built-in roles still say enough: a role on one
 * database writes that database, an *AnyDatabase role (or Atlas's atlasAdmin) writes every one.
 * A custom role could grant anything: then nothing is known.
 */
export function privilegesOfBuiltInRoles(roles: readonly { role: string; db: string }[]): {
  privileges?: Privilege[];
  unknown: string[];
} {
  const unknown = roles.filter((r) => !(r.role in BUILT_IN_WRITES)).map((r) => `${r.role}@${r.db}`);
  if (unknown.length) return { unknown };
  const privileges: Privilege[] = [];
  for (const r of roles) {
    const kind = BUILT_IN_WRITES[r.role];
    if (kind === "db" && r.db !== "admin")
      privileges.push({ resource: { db: r.db, collection: "" }, actions: ["insert", "update", "remove"] });
    else if (kind === "any" || (kind === "db" && r.db === "admin"))
      privileges.push({ resource: { anyResource: true }, actions: ["insert", "update", "remove"] });
  }
  return { privileges, unknown };
}

import { type MongoClient, MongoServerError } from "mongodb";

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
}

interface Privilege {
  resource: { db?: string; collection?: string; cluster?: boolean; anyResource?: boolean };
  actions: string[];
}

/** What the connected credentials may write, read from `connectionStatus` with `showPrivileges`. */
export async function auditPrivileges(
  client: MongoClient,
  protectedDatabases: readonly string[],
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
      return { accessControl: false, users, writableProtected: [], writesAnyDatabase: true };
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 13) {
        return { accessControl: true, users, writableProtected: [], writesAnyDatabase: false };
      }
      throw error;
    }
  }
  let writesAnyDatabase = false;
  const writable = new Set<string>();
  for (const p of info.authenticatedUserPrivileges ?? []) {
    if (!p.actions.some((a) => WRITE_ACTIONS.has(a))) continue;
    if (p.resource.anyResource || p.resource.db === "") writesAnyDatabase = true;
    else if (p.resource.db && protectedDatabases.includes(p.resource.db)) writable.add(p.resource.db);
  }
  const writableProtected = writesAnyDatabase ? [...protectedDatabases] : [...writable].sort();
  return { accessControl: true, users, writableProtected, writesAnyDatabase };
}

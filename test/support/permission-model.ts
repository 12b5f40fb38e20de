import { LEASE_COLLECTION } from "@pr-snapshots/core/mongo/target";
import { sweeperCreateRole } from "@pr-snapshots/core/sweep/role";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll } from "vitest";
import { type RunningMongo, startMongo } from "./mongod";

/**
 * The original design's least-privilege users: nobody who runs a snapshot job can write production.
 */
export function producerRoles(production: string, snapshot: string) {
  return [
    { role: "read", db: production },
    { role: "readWrite", db: snapshot },
    { role: "dbAdmin", db: snapshot },
  ];
}

export function pullRequestRoles(snapshot: string, database: string) {
  return [
    { role: "read", db: snapshot },
    { role: "readWrite", db: database },
    { role: "dbAdmin", db: database },
  ];
}

/** A mongod with --auth and a connected root client, started for the tests of one describe block. */
export function authServerForSuite(): { readonly mongo: RunningMongo; readonly admin: MongoClient } {
  const suite = {} as { mongo: RunningMongo; admin: MongoClient };
  beforeAll(async () => {
    suite.mongo = await startMongo({ auth: true });
    suite.admin = new MongoClient(suite.mongo.uri);
    await suite.admin.connect();
  });
  afterAll(async () => {
    await suite.admin?.close();
    await suite.mongo?.stop();
  });
  return suite;
}

/**
 * The sweeper's custom role of CONTRACT §10 (exactly the README's createRole), created in admin,
 * optionally without its lease privilege or with extra privileges, and a user that has it.
 */
export async function createSweeper(
  mongo: RunningMongo,
  admin: MongoClient,
  o: {
    user: string;
    withoutLease?: boolean;
    extraPrivileges?: { resource: Record<string, unknown>; actions: string[] }[];
    extraRoles?: { role: string; db: string }[];
  },
): Promise<string> {
  const spec = sweeperCreateRole();
  const role = `${spec.role}-${o.user}`;
  const privileges = [
    ...spec.privileges.filter((p) => !(o.withoutLease && p.resource.collection === LEASE_COLLECTION)),
    ...(o.extraPrivileges ?? []),
  ];
  await admin.db("admin").command({ createRole: role, privileges, roles: [] });
  return mongo.createUser({
    user: o.user,
    pwd: `${o.user}-pw`,
    roles: [{ role, db: "admin" }, ...(o.extraRoles ?? [])],
  });
}

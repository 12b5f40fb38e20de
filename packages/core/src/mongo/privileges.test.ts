import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import {
  authServerForSuite,
  createSweeper,
  pullRequestRoles,
} from "../../../../test/support/permission-model";
import { silentLog } from "../log";
import { targetPolicy } from "../names";
import { SWEEPER_PRIVILEGES } from "../sweep/role";
import { assertLeastPrivilege } from "./least-privilege";
import { auditPrivileges, classifyPrivileges, type Privilege } from "./privileges";

const PROTECTED = ["admin", "local", "config", "shop_prod", "shop_snapshot"];
const sweeper: Privilege[] = SWEEPER_PRIVILEGES.map((p) => ({
  resource: p.resource,
  actions: [...p.actions],
}));
const any = { db: "", collection: "" };

describe("classifyPrivileges (pure)", () => {
  it.each<[string, Privilege[], Partial<ReturnType<typeof classifyPrivileges>>]>([
    [
      "the sweeper role: drops any database, writes only the lease collection",
      sweeper,
      {
        writesAnyDatabase: false,
        dropsAnyDatabase: true,
        leaseCollectionActions: ["insert", "remove", "update"],
        writableProtected: [],
      },
    ],
    [
      "writes on the lease collection in every database alone",
      [{ resource: { db: "", collection: "pr_snapshots_lease" }, actions: ["insert", "update", "remove"] }],
      { writesAnyDatabase: false, dropsAnyDatabase: false },
    ],
    [
      "writes on another collection name in every database",
      [{ resource: { db: "", collection: "pr_snapshots_lease2" }, actions: ["insert"] }],
      { writesAnyDatabase: true, leaseCollectionActions: [] },
    ],
    [
      "insert on every database",
      [...sweeper, { resource: any, actions: ["insert"] }],
      { writesAnyDatabase: true },
    ],
    ["update on every database", [{ resource: any, actions: ["update"] }], { writesAnyDatabase: true }],
    ["remove on every database", [{ resource: any, actions: ["remove"] }], { writesAnyDatabase: true }],
    [
      "dropCollection on every database",
      [{ resource: any, actions: ["dropCollection"] }],
      { writesAnyDatabase: true, dropsAnyDatabase: false },
    ],
    [
      "anyResource (root)",
      [{ resource: { anyResource: true }, actions: ["anyAction", "insert"] }],
      { writesAnyDatabase: true },
    ],
    [
      "readWrite on production",
      [...sweeper, { resource: { db: "shop_prod", collection: "" }, actions: ["find", "insert", "update"] }],
      { writesAnyDatabase: false, writableProtected: ["shop_prod"] },
    ],
    [
      "the lease collection of production only (not the every-database pattern)",
      [{ resource: { db: "shop_prod", collection: "pr_snapshots_lease" }, actions: ["insert"] }],
      { writableProtected: ["shop_prod"] },
    ],
    [
      "read everywhere",
      [{ resource: any, actions: ["find", "dbStats", "listCollections"] }],
      { writesAnyDatabase: false, dropsAnyDatabase: false, writableProtected: [] },
    ],
  ])("%s", (_name, privileges, expected) => {
    expect(classifyPrivileges(privileges, PROTECTED)).toMatchObject(expected);
  });
});

describe("the privilege audit on an --auth mongod (CONTRACT §10 sweeper role)", () => {
  const server = authServerForSuite();
  const policy = targetPolicy({ prefix: "shop", productionDatabase: "shop_prod" });
  const audit = (uri: string, accept: boolean) =>
    withUser(uri, (c) => auditPrivileges(c, [...policy.protected.keys()], { acceptDropAnyDatabase: accept }));
  const assertFor = (uri: string, allow = false) =>
    withUser(uri, (c) =>
      assertLeastPrivilege(c, policy, silentLog, {
        allow,
        intended: "the sweeper role",
        acceptDropAnyDatabase: true,
      }),
    );

  it("accepts the sweeper role for the sweeper, and reports its lease privilege", async () => {
    const uri = await createSweeper(server.mongo, server.admin, { user: "sweeper-ok" });
    expect(await audit(uri, true)).toMatchObject({
      accessControl: true,
      users: ["sweeper-ok@admin"],
      writesAnyDatabase: false,
      dropsAnyDatabase: true,
      leaseCollectionActions: ["insert", "remove", "update"],
      writableProtected: [],
    });
    await expect(assertFor(uri)).resolves.toMatchObject({ dropsAnyDatabase: true });
    // For any other job, dropping every database is writing every database.
    expect(await audit(uri, false)).toMatchObject({
      writesAnyDatabase: true,
      writableProtected: [...policy.protected.keys()],
    });
  });

  it("without the lease privilege: accepted, and says it has no lease actions", async () => {
    const uri = await createSweeper(server.mongo, server.admin, {
      user: "sweeper-nolease",
      withoutLease: true,
    });
    expect(await assertFor(uri)).toMatchObject({ writesAnyDatabase: false, leaseCollectionActions: [] });
  });

  it.each<[string, Parameters<typeof createSweeper>[2], RegExp]>([
    [
      "insert, update and remove in production",
      { user: "sweeper-prod", extraRoles: [{ role: "readWrite", db: "shop_prod" }] },
      /can write shop_prod, including protected databases \(shop_prod\)/,
    ],
    [
      "insert on every database",
      { user: "sweeper-insert", extraPrivileges: [{ resource: any, actions: ["insert"] }] },
      /can write every database/,
    ],
    [
      "readWriteAnyDatabase",
      { user: "sweeper-rwany", extraRoles: [{ role: "readWriteAnyDatabase", db: "admin" }] },
      /can write every database/,
    ],
  ])("refuses the sweeper role plus %s unless allow-privileged-credentials", async (_name, o, message) => {
    const uri = await createSweeper(server.mongo, server.admin, o);
    expect((await failureOf(assertFor(uri))).message).toMatch(message);
    await expect(assertFor(uri, true)).resolves.toBeDefined();
  });

  it("the restore's user is judged as before: readWrite + dbAdmin on its own database only", async () => {
    const uri = await server.mongo.createUser({
      user: "pr-7",
      pwd: "pr-7-pw",
      roles: pullRequestRoles("shop_snapshot", "shop_pr_7"),
    });
    expect(await audit(uri, false)).toMatchObject({ writesAnyDatabase: false, writableProtected: [] });
    expect(await audit(server.mongo.uri, false)).toMatchObject({ writesAnyDatabase: true });
  });
});

async function withUser<T>(uri: string, fn: (c: MongoClient) => Promise<T>): Promise<T> {
  const c = new MongoClient(uri);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    await c.close();
  }
}

import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dbHash, type RunningMongo, startMongo, withClient } from "../support/mongod";

describe("real mongod harness", () => {
  it("runs a real server (not a mock) and $out copies across databases", async () => {
    await withClient(inject("mongoStandaloneUri"), async (client) => {
      const info = await client.db("admin").command({ buildInfo: 1 });
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      const src = client.db("harness_src").collection("things");
      await src.deleteMany({});
      await src.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
      await src.aggregate([{ $out: { db: "harness_dst", coll: "things" } }]).toArray();
      expect(await client.db("harness_dst").collection("things").countDocuments()).toBe(3);
      const before = await dbHash(client, "harness_src");
      expect(before.collections.things).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it("runs a single-node replica set with transactions", async () => {
    await withClient(inject("mongoReplSetUri"), async (client) => {
      const hello = await client.db("admin").command({ hello: 1 });
      expect(hello.setName).toBe("rs0");
      const coll = client.db("harness_rs").collection("tx");
      await coll.deleteMany({});
      await client.withSession((s) => s.withTransaction(() => coll.insertOne({ x: 1 }, { session: s })));
      expect(await coll.countDocuments()).toBe(1);
    });
  });

  describe("--auth server", () => {
    let mongo: RunningMongo;
    beforeAll(async () => {
      mongo = await startMongo({ auth: true });
    });
    afterAll(async () => mongo?.stop());

    it("enforces users and roles", async () => {
      const readerUri = await mongo.createUser({
        user: "reader",
        pwd: "p@ss:w/rd",
        roles: [{ role: "read", db: "ro" }],
      });
      await withClient(mongo.uri, (c) => c.db("ro").collection("x").insertOne({ ok: true }));
      const reader = new MongoClient(readerUri);
      try {
        expect(await reader.db("ro").collection("x").countDocuments()).toBe(1);
        await expect(reader.db("ro").collection("x").insertOne({ no: 1 })).rejects.toMatchObject({
          codeName: "Unauthorized",
        });
      } finally {
        await reader.close();
      }
      const anonymous = new MongoClient(`mongodb://${mongo.host}/`);
      try {
        await expect(anonymous.db("ro").collection("x").countDocuments()).rejects.toMatchObject({
          codeName: "Unauthorized",
        });
      } finally {
        await anonymous.close();
      }
    });
  });
});

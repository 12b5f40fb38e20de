import { createHash } from "node:crypto";
import { readCollectionSpecs } from "@pr-snapshots/core/mongo/specs";
import { isBookkeeping } from "@pr-snapshots/core/mongo/target";
import { BSON, type Db, type Document, type MongoClient } from "mongodb";

/**
 * A small production database with every kind of collection a differential restore must judge:
 * a plain one with a validator and a unique index, a clustered one, a capped one written out of
 * `_id` order, a time-series one, one with a default collation, and a view.
 */
export const DIFF_COLLECTIONS = ["orders", "customers", "events", "metrics", "notes"] as const;
export const DIFF_VIEW = "bigOrders";

export async function seedDifferential(
  client: MongoClient,
  database: string,
  o: { orders?: number; seed?: number } = {},
): Promise<void> {
  const db = client.db(database);
  // Application documents choose their own _id types.
  const coll = (name: string) => db.collection<{ _id: unknown; [field: string]: unknown }>(name);
  await db.dropDatabase();
  const n = o.orders ?? 200;
  const salt = o.seed ?? 0;
  await db.createCollection("orders", {
    validator: { $jsonSchema: { bsonType: "object", required: ["ref"] } },
  });
  await db.collection("orders").createIndexes([
    { key: { customer: 1 }, name: "by_customer" },
    { key: { ref: 1 }, name: "ref_unique", unique: true },
  ]);
  await coll("orders").insertMany(
    Array.from({ length: n }, (_, i) => ({
      _id: i,
      ref: `R${i}`,
      customer: `c${i % 50}`,
      total: new BSON.Double(i * 1.5 + salt),
      big: new BSON.Long(i),
      lines: [{ sku: `s${i % 7}`, qty: new BSON.Int32(i % 3) }],
    })),
  );
  await db.createCollection("customers", { clusteredIndex: { key: { _id: 1 }, unique: true } });
  await db.collection("customers").createIndex({ email: 1 }, { name: "by_email" });
  await coll("customers").insertMany(
    Array.from({ length: 50 }, (_, i) => ({ _id: `c${i}`, email: `c${i}@example.test` })),
  );
  await db.createCollection("events", { capped: true, size: 1_000_000 });
  // Out of _id order: the natural order is part of a capped collection's content.
  await coll("events").insertMany(
    Array.from({ length: 40 }, (_, i) => ({ _id: (i * 7) % 40, kind: `k${i % 4}` })),
  );
  await db.createCollection("metrics", { timeseries: { timeField: "t", metaField: "m" } });
  await db.collection("metrics").insertMany(
    Array.from({ length: 30 }, (_, i) => ({
      _id: new BSON.ObjectId(`64${String(i).padStart(22, "0")}`),
      t: new Date(Date.UTC(2026, 0, 1, 0, i)),
      m: { sensor: i % 3 },
      v: i,
    })),
  );
  await db.createCollection("notes", { collation: { locale: "en", strength: 2 } });
  await db.collection("notes").createIndex({ title: 1 }, { name: "by_title" });
  await coll("notes").insertMany(
    Array.from({ length: 30 }, (_, i) => ({ _id: `n${i}`, title: `Note ${i}` })),
  );
  await db.createCollection(DIFF_VIEW, { viewOn: "orders", pipeline: [{ $match: { total: { $gt: 100 } } }] });
}

/**
 * Everything a full drop-and-restore determines about a database, for comparing two of them:
 * per collection the type, options and indexes as the server lists them, the documents (the
 * server's dbHash; a time-series collection's documents themselves, since its buckets differ
 * between copies), a capped collection's natural order, the views, and the restore's record.
 */
export async function stateOf(client: MongoClient, database: string): Promise<Document> {
  const db = client.db(database);
  const specs = (await readCollectionSpecs(db)).filter((s) => !isBookkeeping(s.name));
  const hashes = (await db.command({ dbHash: 1 })).collections as Record<string, string>;
  const collections: Document[] = [];
  for (const s of specs) {
    const entry: Document = {
      name: s.name,
      type: s.type,
      options: BSON.EJSON.stringify(s.options, { relaxed: false }),
      indexes: BSON.EJSON.stringify(
        [...s.indexes].sort((a, b) => String(a.name).localeCompare(String(b.name))),
        { relaxed: false },
      ),
    };
    if (s.type === "timeseries") entry.documents = await documents(db, s.name, { t: 1, _id: 1 }, true);
    else if (s.type === "collection") entry.hash = hashes[s.name];
    if (s.options.capped) entry.natural = await documents(db, s.name, { $natural: 1 });
    collections.push(entry);
  }
  const latest = await db.collection("snapshot_metadata").findOne({ _id: "latest" as unknown as Document });
  return {
    collections,
    metadata: latest
      ? {
          status: latest.status,
          source: latest.source,
          collections: [...(latest.collections ?? [])].sort(),
          counts: latest.counts,
          views: latest.views,
          generation: latest.generation,
          snapshotTimestamp: latest.snapshotTimestamp,
        }
      : undefined,
  };
}

/**
 * The documents in this order, as a digest (a failure then shows which collection differs, not
 * pages of documents). A time-series collection's documents are rebuilt from its buckets in the
 * server's field order, so for those the fields are sorted first.
 */
async function documents(db: Db, name: string, sort: Document, sortFields = false): Promise<string> {
  const docs = await db.collection(name).find({}, { sort }).toArray();
  const text = BSON.EJSON.stringify(sortFields ? docs.map(sortKeys) : docs, { relaxed: false });
  return createHash("sha256").update(text).digest("hex");
}

function sortKeys(doc: Document): Document {
  return Object.fromEntries(
    Object.keys(doc)
      .sort()
      .map((k) => [k, doc[k]]),
  );
}

/** What a preview application may do to its database between two restores. */
export type AppWrite =
  | { op: "insert" | "update" | "delete" | "touch" | "drop" | "recreate"; c: string; n: number }
  | { op: "createIndex" | "dropIndex" | "validator" | "hideIndex"; c: string; n: number }
  | { op: "newCollection" | "view" | "dropView" | "renameOnto"; c: string; n: number };

export async function applyAppWrite(client: MongoClient, database: string, w: AppWrite): Promise<void> {
  const db = client.db(database);
  const coll = db.collection(w.c);
  const doc = { _id: `app-${w.n}`, ref: `app-${w.n}`, t: new Date(Date.UTC(2026, 0, 2, 0, w.n)), x: w.n };
  const firstIndex = async () =>
    (await coll.listIndexes().toArray()).find((i) => i.name !== "_id_" && !i.clustered)?.name as
      | string
      | undefined;
  // What the application's own writes run into (a validator, a unique index, a dropped
  // collection) is its business: the restore must cope with whatever state results.
  try {
    switch (w.op) {
      case "insert":
        await coll.insertOne(doc as Document);
        break;
      case "update":
        await coll.updateOne({}, { $set: { x: w.n } });
        break;
      case "delete":
        await coll.deleteOne({});
        break;
      case "touch":
        await coll.insertOne(doc as Document);
        await coll.deleteOne({ _id: doc._id } as Document);
        break;
      case "drop":
        await coll.drop();
        break;
      case "recreate": {
        const all = await coll.find({}).toArray();
        await coll.drop();
        if (all.length) await db.collection(w.c).insertMany(all);
        break;
      }
      case "createIndex":
        await coll.createIndex({ x: 1 }, { name: `app_x_${w.n}` });
        break;
      case "dropIndex": {
        const name = await firstIndex();
        if (name) await coll.dropIndex(name);
        break;
      }
      case "validator":
        await db.command({ collMod: w.c, validator: { x: { $exists: true } }, validationLevel: "moderate" });
        break;
      case "hideIndex": {
        const name = await firstIndex();
        if (name) await db.command({ collMod: w.c, index: { name, hidden: true } });
        break;
      }
      case "newCollection":
        await db.collection(`app_${w.n % 3}`).insertOne(doc as Document);
        break;
      case "view":
        await db.createCollection(`appView_${w.n % 2}`, { viewOn: w.c, pipeline: [] });
        break;
      case "dropView":
        await db.collection(DIFF_VIEW).drop();
        break;
      case "renameOnto":
        await db.collection(`app_tmp_${w.n}`).insertOne(doc as Document);
        await db.renameCollection(`app_tmp_${w.n}`, w.c, { dropTarget: true });
        break;
    }
  } catch {}
}

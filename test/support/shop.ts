import type { Document, MongoClient } from "mongodb";

/**
 * A small shop whose invariants hold at every moment in production, because each change is one
 * transaction: every order references an existing customer, the counters add up to the number
 * (and the total amount) of the orders, and money moved between two collections of accounts keeps
 * their total. Concurrent writers pick random documents and each counts in a counter of its own,
 * so that they seldom conflict. A snapshot that mixes moments breaks them; a point-in-time snapshot never does. Used by
 * the point-in-time tests and the `consistency` benchmark.
 */

type AnyId = { _id?: number | string } & Document;

export const SHOP_COLLECTIONS = ["customers", "orders", "counters", "accountsA", "accountsB"] as const;
const ACCOUNTS = 20;
const BALANCE = 100;
export const SHOP_TOTAL = 2 * ACCOUNTS * BALANCE;

export interface ShopSize {
  customers: number;
  orders: number;
  /** Bytes of padding per customer (makes customers the largest collection: copied first). */
  pad: number;
}

export async function seedShop(
  client: MongoClient,
  database: string,
  size: ShopSize = { customers: 300, orders: 400, pad: 2_000 },
): Promise<void> {
  const db = client.db(database);
  for (const c of SHOP_COLLECTIONS)
    await db
      .collection(c)
      .drop()
      .catch(() => {});
  const pad = "x".repeat(size.pad);
  for (let i = 0; i < size.customers; i += 5_000)
    await db.collection<AnyId>("customers").insertMany(
      Array.from({ length: Math.min(5_000, size.customers - i) }, (_, k) => ({
        _id: i + k,
        name: `c${i + k}`,
        pad,
      })),
    );
  for (let i = 0; i < size.orders; i += 5_000)
    await db.collection<AnyId>("orders").insertMany(
      Array.from({ length: Math.min(5_000, size.orders - i) }, (_, k) => ({
        _id: i + k,
        customerId: (i + k) % size.customers,
        amount: 10,
      })),
    );
  await db
    .collection<AnyId>("counters")
    .insertOne({ _id: "orders-0", n: size.orders, amount: 10 * size.orders });
  for (const c of ["accountsA", "accountsB"])
    await db
      .collection<AnyId>(c)
      .insertMany(Array.from({ length: ACCOUNTS }, (_, i) => ({ _id: i, balance: BALANCE })));
}

let nextId = 1_000_000_000;
/**
 * One consistent change of the shop, in one transaction, by writer `writer`; returns the documents
 * it wrote. `pick(n)` chooses the order or account it touches (random by default; tests pass a
 * fixed choice).
 */
export async function shopChange(
  client: MongoClient,
  database: string,
  kind: number,
  writer = 0,
  pick: (n: number) => number = (n) => Math.floor(Math.random() * n),
): Promise<number> {
  const random = pick;
  const db = client.db(database);
  const counter = { _id: `orders-${writer}` };
  const session = client.startSession();
  let writes = 0;
  try {
    await session.withTransaction(async () => {
      writes = 0;
      const o = { session };
      const pad = "x".repeat(200);
      if (kind % 4 === 0) {
        const id = nextId++;
        await db.collection<AnyId>("customers").insertOne({ _id: id, name: `new${id}`, pad }, o);
        await db.collection<AnyId>("orders").insertOne({ _id: id, customerId: id, amount: 7 }, o);
        await db
          .collection<AnyId>("counters")
          .updateOne(counter, { $inc: { n: 1, amount: 7 } }, { ...o, upsert: true });
        writes = 3;
      } else if (kind % 4 === 1) {
        const order = await db
          .collection<AnyId>("orders")
          .findOneAndDelete({ _id: { $gte: random(40_000) } }, o);
        writes = 1;
        if (order) {
          await db
            .collection<AnyId>("counters")
            .updateOne(
              counter,
              { $inc: { n: -1, amount: -(order.amount as number) } },
              { ...o, upsert: true },
            );
          writes = 2;
        }
      } else if (kind % 4 === 2) {
        await db
          .collection<AnyId>("accountsA")
          .updateOne({ _id: random(ACCOUNTS) }, { $inc: { balance: -5 } }, o);
        await db
          .collection<AnyId>("accountsB")
          .updateOne({ _id: random(ACCOUNTS) }, { $inc: { balance: 5 } }, o);
        writes = 2;
      } else {
        // An order moves to a customer created in the same transaction (a reference that must resolve).
        const id = nextId++;
        await db.collection<AnyId>("customers").insertOne({ _id: id, name: `moved${id}`, pad }, o);
        await db
          .collection<AnyId>("orders")
          .updateOne({ _id: { $gte: random(40_000) } }, { $set: { customerId: id } }, o);
        writes = 2;
      }
    });
  } finally {
    await session.endSession();
  }
  return writes;
}

/** The shop's invariants in a database (physical names through `physical`); each broken one in words. */
export async function shopViolations(
  client: MongoClient,
  database: string,
  physical: (logical: string) => string = (n) => n,
): Promise<string[]> {
  const c = (n: string) => client.db(database).collection<AnyId>(physical(n));
  const out: string[] = [];
  const [dangling] = await c("orders")
    .aggregate([
      { $lookup: { from: physical("customers"), localField: "customerId", foreignField: "_id", as: "c" } },
      { $match: { c: { $size: 0 } } },
      { $count: "n" },
    ])
    .toArray();
  if (dangling) out.push(`${dangling.n} order(s) reference a missing customer`);
  const [counted] = await c("counters")
    .aggregate([{ $group: { _id: null, n: { $sum: "$n" }, amount: { $sum: "$amount" } } }])
    .toArray();
  const orders = await c("orders").countDocuments();
  const [sum] = await c("orders")
    .aggregate([{ $group: { _id: null, a: { $sum: "$amount" } } }])
    .toArray();
  if (counted?.n !== orders) out.push(`the counters say ${counted?.n} orders, there are ${orders}`);
  if (counted?.amount !== (sum?.a ?? 0))
    out.push(`the counters say amount ${counted?.amount}, the orders sum to ${sum?.a}`);
  const total = async (n: string) =>
    ((
      await c(n)
        .aggregate([{ $group: { _id: null, t: { $sum: "$balance" } } }])
        .toArray()
    )[0]?.t as number) ?? 0;
  const t = (await total("accountsA")) + (await total("accountsB"));
  if (t !== SHOP_TOTAL) out.push(`the accounts hold ${t} in total, not ${SHOP_TOTAL}`);
  return out;
}

import type { Document, MongoClient } from "mongodb";

/**
 * "Production" with personal data in top-level fields, sub-documents and arrays, in collections
 * that join by email (accounts._id and orders.customerEmail hold people's emails), plus projects
 * and studies for subset references. Deterministic.
 */
export const PERSONAL_CONFIG = `
masking:
  rules:
    people:
      email: email
      fullName: name
      "name.first": name
      "name.last": name
      phones: phone
      "addresses.street": redact
      "addresses.zip": remove
      ssn: remove
      notes: "null"
      apiKey: hash
      tier: { constant: "free" }
      score: { expr: { $round: ["$score", 0] } }
    accounts:
      _id: email
    orders:
      customerEmail: email
      "items.gift.recipientEmail": email
subset:
  projects: { filter: { createdAt: { $gte: { $date: "2025-01-01T00:00:00Z" } } } }
  studies: { references: [{ field: projectId, collection: projects }] }
`;

/** A document whose _id is any value (the driver's default type assumes ObjectId). */
export type AnyDoc = { _id: unknown; [field: string]: unknown };

const FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken"];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Backus",
  "Hamilton",
  "Thompson",
];

/** The documents, collection by collection (the README's scan example uses them without a server). */
export function personalDocuments(people = 40): Record<string, AnyDoc[]> {
  const person = (i: number) => {
    const first = FIRST[i % FIRST.length] ?? "Ada";
    const last = LAST[(i * 3) % LAST.length] ?? "Lovelace";
    return { first, last, email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@corp.example` };
  };
  return {
    people: Array.from({ length: people }, (_, i) => {
      const p = person(i);
      return {
        _id: i,
        email: p.email,
        name: { first: p.first, last: p.last },
        fullName: `${p.first} ${p.last}`,
        phones: [`+44 20 7946 ${String(1000 + i).slice(-4)}`, `+1 202 555 ${String(2000 + i).slice(-4)}`],
        addresses: [
          { street: `${i + 1} Analytical Row`, city: "London", zip: `EC${i % 9}A 1BB` },
          { street: `${i + 100} Compiler Ave`, city: "Arlington", zip: `2220${i % 10}` },
        ],
        ssn: `${100 + i}-45-${String(6789 + i).slice(-4)}`,
        notes: `Spoke with ${p.first} about the renewal`,
        apiKey: `sk_live_${(i * 7919).toString(36)}Xq9Lm2Pz8Rt4Vw6Yb1`,
        tier: i % 2 ? "gold" : "silver",
        score: 50 + i + 0.4,
        projectId: i % 10,
        createdAt: new Date(Date.UTC(2024, 0, 1 + i)),
        ...(i % 7 === 0 ? { nickname: null } : {}),
      };
    }),
    accounts: Array.from({ length: people }, (_, i) => ({
      _id: person(i).email,
      plan: i % 3 ? "pro" : "free",
      since: new Date(Date.UTC(2023, 5, i + 1)),
    })),
    orders: Array.from({ length: people * 2 }, (_, i) => ({
      _id: 10_000 + i,
      customerEmail: person(i % people).email,
      amount: 10 + i,
      items: [
        { sku: `SKU-${i}`, gift: i % 3 === 0 ? { recipientEmail: person((i + 1) % people).email } : null },
        { sku: "SKU-X" },
      ],
    })),
    projects: Array.from({ length: 10 }, (_, i) => ({
      _id: i,
      title: `Project ${i}`,
      createdAt: new Date(Date.UTC(i < 5 ? 2024 : 2025, 3, 1)),
    })),
    studies: Array.from({ length: 50 }, (_, i) => ({ _id: 500 + i, projectId: i % 10, title: `Study ${i}` })),
  };
}

export async function seedPersonal(client: MongoClient, database: string, people = 40): Promise<void> {
  const db = client.db(database);
  await db.dropDatabase();
  await db.createCollection("people");
  await db.collection("people").createIndex({ email: 1 }, { unique: true, name: "email_unique" });
  for (const [name, docs] of Object.entries(personalDocuments(people)))
    await db.collection<AnyDoc>(name).insertMany(docs);
}

/**
 * The README's example: the rules above, strict, with a keep, and a sample. On the data with a
 * `contactEmail` nobody wrote a rule for, strict mode refuses it (and `nickname`).
 */
export const README_MASKING_CONFIG = PERSONAL_CONFIG.replace("masking:\n", "masking:\n  strict: true\n")
  .replace("subset:\n", "  keep:\n    people: [addresses.city, createdAt, projectId]\nsubset:\n")
  .concat("  orders: { sample: 0.5 }\n");

/** Every string and number inside a document, at any depth. */
export function allValues(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) allValues(v, out);
  else if (
    value &&
    typeof value === "object" &&
    !(value instanceof Date) &&
    !(value as { _bsontype?: string })._bsontype
  )
    for (const v of Object.values(value as Document)) allValues(v, out);
  else out.push(value);
  return out;
}

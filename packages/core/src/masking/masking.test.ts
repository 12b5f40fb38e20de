import { type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import { dbHash } from "../../../../test/support/mongod";
import {
  type AnyDoc,
  allValues,
  PERSONAL_CONFIG,
  seedPersonal,
} from "../../../../test/support/personal-data";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { parseConfig } from "../config-schema";
import { RefusedError, UserError } from "../errors";
import { consoleLog } from "../log";
import { readCollectionSpec } from "../mongo/specs";
import { isBookkeeping, readPrMetadata } from "../mongo/target";
import { targetPolicy } from "../names";
import { readSnapshotMetadata } from "../snapshot/metadata";
import type { ProduceRequest } from "../snapshot/producer";
import { restoreSnapshot } from "../snapshot/restore";
import { classifyString } from "./detectors";
import { FIRST_NAMES } from "./person-names";
import { compilePolicy, type Policy } from "./policy";
import { ibanValid, luhn, scanDocuments } from "./scan";
import { maskingStages, SALT_VARIABLE } from "./stages";
import { verifyMasking } from "./verify";

const lines: string[] = [];
const log = consoleLog({ write: (l) => lines.push(l) });
const SALT = "a-salt-for-tests-0123456789abcdef";
let client: MongoClient;
let other: MongoClient;

beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  other = new MongoClient(inject("mongoReplSetUri"));
  await Promise.all([client.connect(), other.connect()]);
});
afterAll(async () => {
  await client?.close();
  await other?.close();
});

const policyOf = (yaml: string): Policy => {
  const p = compilePolicy(parseConfig(yaml));
  if (!p) throw new Error("no policy");
  return p;
};

const produce = (prefix: string, extra: Partial<ProduceRequest> = {}) =>
  produceTestSnapshot(client, prefix, {
    log,
    retain: 0,
    dataPolicy: policyOf(PERSONAL_CONFIG),
    salt: SALT,
    ...extra,
  });

/** Production's values of every masked path except the ones whose masking keeps some values (tier, score). */
async function productionSecrets(c: MongoClient, db: string): Promise<Set<unknown>> {
  const secrets = new Set<unknown>();
  for (const p of await c.db(db).collection("people").find().toArray()) {
    for (const v of allValues([
      p.email,
      p.name,
      p.fullName,
      p.phones,
      p.addresses.map((a: Document) => [a.street, a.zip]),
      p.ssn,
      p.notes,
      p.apiKey,
    ]))
      secrets.add(v);
  }
  for (const a of await c.db(db).collection("accounts").find().toArray()) secrets.add(a._id);
  for (const o of await c.db(db).collection("orders").find().toArray()) {
    secrets.add(o.customerEmail);
    for (const item of o.items) if (item.gift) secrets.add(item.gift.recipientEmail);
  }
  secrets.delete(null);
  // "London", "Arlington" (cities) are not masked; the street numbers' words are.
  return secrets;
}

async function everyValueIn(
  c: MongoClient,
  db: string,
  only?: (name: string) => boolean,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const { name } of await c.db(db).listCollections({}, { nameOnly: true }).toArray()) {
    if (isBookkeeping(name) || (only && !only(name))) continue;
    for (const d of await c.db(db).collection(name).find().toArray()) allValues(d, out);
  }
  return out;
}

describe("masked and subset snapshots on a real mongod", () => {
  it("no production value of a masked path survives in the snapshot or a restored PR database; joins and unique indexes keep working", async () => {
    await seedPersonal(client, "mk_prod");
    const prodBefore = await dbHash(client, "mk_prod");
    const report = await produce("mk");
    const meta = await readSnapshotMetadata(client.db("mk_snapshot"));
    expect(meta?.masking).toEqual({
      policy: policyOf(PERSONAL_CONFIG).hash,
      fields: 15,
      verified: true,
      unverified: { people: ["score"] },
    });
    expect(meta?.subset).toEqual({ projects: 5, studies: 25 });
    expect(report.masking?.verified).toBe(true);

    const secrets = await productionSecrets(client, "mk_prod");
    expect(secrets.size).toBeGreaterThan(300);
    const generation = String(meta?.generation);
    const leaked = (await everyValueIn(client, "mk_snapshot", (n) => n.startsWith(generation))).filter((v) =>
      secrets.has(v),
    );
    expect(leaked).toEqual([]);

    await restoreSnapshot({
      client,
      log,
      snapshotDatabase: "mk_snapshot",
      target: "mk_pr_1",
      policy: targetPolicy({ prefix: "mk" }),
      waitTimeoutMs: 1_000,
      pollIntervalMs: 100,
      concurrency: 4,
      dryRun: false,
      allowPrivilegedCredentials: true,
    });
    const pr = client.db("mk_pr_1");
    expect((await everyValueIn(client, "mk_pr_1")).filter((v) => secrets.has(v))).toEqual([]);
    expect((await readPrMetadata(client, "mk_pr_1"))?.masking).toMatchObject({
      policy: meta?.masking && (meta.masking as Document).policy,
    });

    // Joins by masked email still match: every person, account and order lines up as in production.
    const people = await pr.collection<AnyDoc>("people").find().toArray();
    const accounts = new Set<unknown>(
      (await pr.collection<AnyDoc>("accounts").find().toArray()).map((a) => a._id),
    );
    expect(people.every((p) => accounts.has(p.email))).toBe(true);
    const orders = await pr.collection("orders").find().toArray();
    const emails = new Set(people.map((p) => p.email));
    expect(orders.every((o) => emails.has(o.customerEmail))).toBe(true);
    const gifts = orders.flatMap((o) =>
      o.items.filter((i: Document) => i.gift).map((i: Document) => i.gift.recipientEmail),
    );
    expect(gifts.length).toBeGreaterThan(0);
    expect(gifts.every((g) => emails.has(g))).toBe(true);

    // Outputs look real: a valid address at a reserved domain, a name, a phone in the +999 range.
    const ada = people.find((p) => p._id === 0) as Document;
    expect(ada.email).toMatch(/^user\d+@example\.com$/);
    expect(ada.fullName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+-[A-Z][a-z]+$/);
    expect(ada.phones).toHaveLength(2);
    for (const phone of ada.phones) expect(phone).toMatch(/^\+999 \d{4} \d{4} \d{4} x\d{4}$/);
    expect(ada.addresses.map((a: Document) => [a.street, a.city, a.zip])).toEqual([
      ["REDACTED", "London", undefined],
      ["REDACTED", "Arlington", undefined],
    ]);
    expect(ada).not.toHaveProperty("ssn");
    expect(ada.notes).toBeNull();
    expect(ada.apiKey).toMatch(/^masked-\d+$/);
    expect(ada.tier).toBe("free");
    expect(ada.score).toBe(50);
    // A path that is absent stays absent, null stays null.
    expect(people.filter((p) => "nickname" in p).every((p) => p.nickname === null)).toBe(true);
    expect(people.filter((p) => "nickname" in p)).toHaveLength(6);

    // The unique index on the masked email was built (and holds).
    expect((await readCollectionSpec(pr, "people"))?.indexes.map((i) => i.name)).toContain("email_unique");
    await expect(pr.collection("people").insertOne({ email: ada.email })).rejects.toMatchObject({
      code: 11000,
    });

    // Subset: only studies of kept projects, and no dangling reference.
    const projects = new Set<unknown>(
      (await pr.collection<AnyDoc>("projects").find().toArray()).map((p) => p._id),
    );
    expect([...projects].sort()).toEqual([5, 6, 7, 8, 9]);
    const studies = await pr.collection("studies").find().toArray();
    expect(studies).toHaveLength(25);
    expect(studies.every((s) => projects.has(s.projectId))).toBe(true);

    // Same salt, same value, same output in every run: a second generation masks identically.
    await produce("mk", { force: true });
    const again = await readSnapshotMetadata(client.db("mk_snapshot"));
    const first = await client
      .db("mk_snapshot")
      .collection(`${again?.physical?.people}`)
      .findOne({ _id: 0 } as Document);
    expect(first?.email).toBe(ada.email);
    expect(await dbHash(client, "mk_prod")).toEqual(prodBefore);
    expect(lines.join("\n")).not.toContain(SALT);
  });

  it("masks on the source side of the stream too (production on another deployment)", async () => {
    await seedPersonal(other, "mkx_prod");
    await produce("mkx", { sourceClient: other, sourceDescription: "the other deployment" });
    const meta = await readSnapshotMetadata(client.db("mkx_snapshot"));
    expect(meta?.masking).toMatchObject({ verified: true });
    expect(
      Object.values(meta?.methods as Record<string, string>).every((m) => m.includes("cross-cluster")),
    ).toBe(true);
    const secrets = await productionSecrets(other, "mkx_prod");
    const values = await everyValueIn(client, "mkx_snapshot", (n) => n.startsWith(String(meta?.generation)));
    expect(values.filter((v) => secrets.has(v))).toEqual([]);
  });

  it("the proof goes red when a generation holds production values", async () => {
    await seedPersonal(client, "mkv_prod", 10);
    const policy = policyOf(PERSONAL_CONFIG);
    // A "generation" copied without the masking stages.
    await client.db("mkv_snapshot").dropDatabase();
    for (const c of ["people", "accounts", "orders"])
      await client
        .db("mkv_prod")
        .collection(c)
        .aggregate([{ $out: { db: "mkv_snapshot", coll: `gbad.${c}` } }])
        .toArray();
    const v = await verifyMasking({
      policy,
      source: client.db("mkv_prod"),
      snapshot: client.db("mkv_snapshot"),
      generation: "gbad",
      copies: ["people", "accounts", "orders"].map((c) => ({ name: c, physical: `gbad.${c}` })),
      sameDeployment: true,
      comment: "test",
    });
    expect(v.problems.join("\n")).toMatch(
      /people: \d+ distinct masked value\(s\) of email, fullName, name\.first, name\.last, phones, apiKey equal a production value/,
    );
    expect(v.problems.join("\n")).toMatch(/accounts: 10 distinct masked value\(s\) of _id equal/);
    expect(v.problems.join("\n")).toMatch(
      /people\.ssn: 10 document\(s\) still hold a value the remove rule should have replaced/,
    );
    expect(v.problems.join("\n")).toMatch(/people\.addresses\.street: 10 document\(s\)/);
    // Nothing of production's stays behind in the snapshot database (only nonce-keyed hashes, dropped after).
    const names = (await client.db("mkv_snapshot").listCollections().toArray()).map((c) => c.name);
    expect(names.filter((n) => n.includes("__masking_check"))).toEqual([]);
  });

  it("strict mode refuses an uncovered contactEmail and names it; the previous snapshot stays", async () => {
    await seedPersonal(client, "mks_prod", 10);
    await produce("mks");
    const before = await readSnapshotMetadata(client.db("mks_snapshot"));
    await client
      .db("mks_prod")
      .collection("people")
      .updateMany({}, [{ $set: { contactEmail: { $concat: ["c.", "$email"] } } }]);
    const error = await failureOf(
      produce("mks", {
        dataPolicy: policyOf(`${PERSONAL_CONFIG.replace("masking:\n", "masking:\n  strict: true\n")}`),
      }),
    );
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toMatch(
      /masking\.strict: \d+ likely-personal field\(s\) are covered by no masking rule and no keep: .*people\.contactEmail \(name: e-mail; values: 100 % e-mail addresses\) → email/,
    );
    expect(error.message).toMatch(/people\.createdAt|projects\.title|people\.city|addresses\.city/);
    expect((await readSnapshotMetadata(client.db("mks_snapshot")))?.generation).toBe(before?.generation);
  });

  it("a missing salt fails before anything is written", async () => {
    await seedPersonal(client, "mkn_prod", 5);
    await client.db("mkn_snapshot").dropDatabase();
    const { salt: _none, ...withoutSalt } = { salt: SALT };
    void _none;
    const error = await failureOf(produce("mkn", { ...withoutSalt, salt: undefined as unknown as string }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/need a secret salt: set the mask-salt input/);
    const dbs = (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(dbs).not.toContain("mkn_snapshot");
  });

  it("rules are checked before connecting: unknown strategy, a path and its parent, a cycle of references", () => {
    expect(() => parseConfig("masking:\n  rules:\n    people:\n      email: scramble\n")).toThrow(
      /unknown strategy "scramble"/,
    );
    expect(() => parseConfig("masking:\n  rules:\n    people:\n      notes: null\n")).toThrow(
      /write "null" in quotes/,
    );
    expect(() =>
      policyOf("masking:\n  rules:\n    people:\n      addresses: redact\n      addresses.street: redact\n"),
    ).toThrow(/both "addresses" and "addresses.street"/);
    expect(() =>
      policyOf(
        "subset:\n  a: { references: [{ field: b, collection: b }] }\n  b: { references: [{ field: a, collection: a }] }\n",
      ),
    ).toThrow(/subset references form a cycle: a → b → a/);
    expect(() => policyOf("masking:\n  rules:\n    people:\n      _id: redact\n")).toThrow(
      /only email, name, phone or hash can mask _id/,
    );
  });
});

describe("masking stages (pure parts)", () => {
  it("keyed strategies take the salt from a let variable, never from the stages", () => {
    const stages = JSON.stringify(maskingStages(policyOf(PERSONAL_CONFIG).rules.people));
    expect(stages).toContain(`$$${SALT_VARIABLE}`);
    expect(stages).not.toContain(SALT);
  });

  it("the policy hash identifies the rules, not their order or the salt", () => {
    const a = policyOf("masking:\n  rules:\n    p:\n      a: email\n      b: name\n");
    const b = policyOf("masking:\n  rules:\n    p:\n      b: name\n      a: email\n");
    const c = policyOf("masking:\n  rules:\n    p:\n      a: email\n      b: phone\n");
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

const classifyValue = (v: string) => classifyString(v, FIRST_NAMES).kind;

describe("the scan's detectors", () => {
  it("recognises personal values and leaves ordinary ones alone", () => {
    expect(classifyValue("ada@corp.example")).toBe("email");
    expect(classifyValue("+44 20 7946 0018")).toBe("phone");
    expect(classifyValue("192.168.10.4")).toBe("ip");
    expect(classifyValue("2001:db8::8a2e:370:7334")).toBe("ip");
    expect(classifyValue("4111 1111 1111 1111")).toBe("card");
    expect(classifyValue("4111 1111 1111 1112")).not.toBe("card");
    expect(classifyValue("GB82 WEST 1234 5698 7654 32")).toBe("iban");
    expect(classifyValue("sk_live_51HcXq9Lm2Pz8Rt4Vw6Yb1")).toBe("token");
    expect(classifyValue("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")).toBe("token");
    for (const ordinary of [
      "hello world",
      "2026-11-24",
      "Screening",
      "12",
      "PubMed",
      "a study of mice in stroke",
    ])
      expect(classifyValue(ordinary), ordinary).toBeUndefined();
    expect(luhn("79927398713")).toBe(true);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
  });

  it("lists paths with types, personal by name or by value, and what covers them", () => {
    const policy = policyOf(
      "masking:\n  rules:\n    people:\n      email: email\n  keep:\n    people: [title]\n",
    );
    const scan = scanDocuments(
      "people",
      [
        {
          _id: 1,
          email: "a@b.example",
          title: "Dr",
          contact: { mobile: "+1 202 555 0101" },
          tags: [{ ip: "10.0.0.1" }],
        },
        { _id: 2, email: "c@d.example", title: null, contact: { mobile: "+1 202 555 0102" }, tags: [] },
      ],
      policy,
      { firstNames: FIRST_NAMES },
    );
    const byPath = Object.fromEntries(scan.fields.map((f) => [f.path, f]));
    expect(byPath.email).toMatchObject({
      personal: true,
      byName: "e-mail",
      byValue: ["email"],
      coveredBy: "rule email: email",
    });
    expect(byPath["contact.mobile"]).toMatchObject({ personal: true, byValue: ["phone"] });
    expect(byPath["contact.mobile"]?.coveredBy).toBeUndefined();
    expect(byPath["tags.ip"]).toMatchObject({ personal: true, types: ["string"] });
    expect(byPath.title).toMatchObject({ types: ["null", "string"], coveredBy: "keep title" });
    expect(byPath.contact?.personal).toBe(false);
  });
});

describe("arrays nested deeper than masking reaches", () => {
  it("are found by the verification, which then refuses to publish", async () => {
    await client.db("mkd_prod").dropDatabase();
    await client
      .db("mkd_prod")
      .collection<AnyDoc>("people")
      .insertMany([
        { _id: 1, contacts: [[[{ email: "deep@corp.example" }]]] },
        { _id: 2, contacts: [[{ email: "two-deep@corp.example" }]], email: [[["leaf@corp.example"]]] },
      ]);
    const error = await failureOf(
      produce("mkd", {
        dataPolicy: policyOf(
          "masking:\n  rules:\n    people:\n      contacts.email: email\n      email: email\n",
        ),
      }),
    );
    // Two levels of arrays are masked (and any depth at a leaf); the third is found, not passed.
    expect(error.message).toMatch(
      /Refusing to publish the new snapshot: people: 1 distinct masked value\(s\) of contacts\.email, email equal a production value/,
    );
    expect(await readSnapshotMetadata(client.db("mkd_snapshot"))).toBeUndefined();
    // The refused generation held production values the rules did not reach: it is gone at once,
    // with the hashes read while the copies ran. Only the producer's records stay.
    const names = (await client.db("mkd_snapshot").listCollections().toArray()).map((c) => c.name);
    expect(names.sort()).toEqual(["snapshot_metadata"]);
    const [failed] = await client
      .db("mkd_snapshot")
      .collection("snapshot_metadata")
      .find({ kind: "generation" })
      .toArray();
    expect(failed).toMatchObject({ status: "failed", dropped: true });
  });
});

describe("the README's example config", () => {
  it("refuses, in strict mode, exactly the fields the README says", async () => {
    const { README_MASKING_CONFIG } = await import("../../../../test/support/personal-data");
    await seedPersonal(client, "mkr_prod", 40);
    await client
      .db("mkr_prod")
      .collection("people")
      .updateMany({}, [{ $set: { contactEmail: { $concat: ["c.", "$email"] } } }]);
    const error = await failureOf(produce("mkr", { dataPolicy: policyOf(README_MASKING_CONFIG) }));
    expect(error.message).toContain(
      "masking.strict: 2 likely-personal field(s) are covered by no masking rule and no keep: people.contactEmail (name: e-mail; values: 100 % e-mail addresses) → email; people.nickname (name: username (nick name)) → hash",
    );
    const readme = (await import("node:fs")).readFileSync(
      new URL("../../../../README.md", import.meta.url),
      "utf8",
    );
    expect(readme.replace(/\s+/g, " ")).toContain(
      "masking.strict: 2 likely-personal field(s) are covered by no masking rule and no keep: people.contactEmail (name: e-mail; values: 100 % e-mail addresses) → email; people.nickname (name: username (nick name)) → hash",
    );
  });
});

describe("constants in Extended JSON", () => {
  it("are written as BSON values and verified as such", async () => {
    await client.db("mkc_prod").dropDatabase();
    await client
      .db("mkc_prod")
      .collection<AnyDoc>("people")
      .insertMany([
        { _id: 1, joined: new Date(Date.UTC(2019, 4, 2)), visits: 12 },
        { _id: 2, joined: null },
      ]);
    await produce("mkc", {
      dataPolicy: policyOf(
        'masking:\n  rules:\n    people:\n      joined: { constant: { $date: "2000-01-01T00:00:00Z" } }\n      visits: { constant: { $numberLong: "0" } }\n',
      ),
    });
    const meta = await readSnapshotMetadata(client.db("mkc_snapshot"));
    const docs = await client
      .db("mkc_snapshot")
      .collection(String(meta?.physical?.people))
      .find({}, { promoteLongs: false })
      .sort({ _id: 1 })
      .toArray();
    expect(docs[0]?.joined).toEqual(new Date(Date.UTC(2000, 0, 1)));
    expect(docs[0]?.visits?._bsontype).toBe("Long");
    expect(docs[1]?.joined).toBeNull();
    expect(meta?.masking).toMatchObject({ verified: true });
  });
});

describe("the shrink guard with subsets", () => {
  it("does not compare a new subset with a full snapshot, but still catches a collapse under the same rules", async () => {
    await seedPersonal(client, "mkg_prod", 40);
    const plain = policyOf("masking:\n  rules:\n    people:\n      email: email\n");
    await produce("mkg", { dataPolicy: plain });
    // The first subset keeps 10 % of orders: far below "shrank by 50 %", and fine, because the rules changed.
    const sampled = policyOf(
      "masking:\n  rules:\n    people:\n      email: email\nsubset:\n  orders: { sample: 0.1 }\n",
    );
    const first = await produce("mkg", { dataPolicy: sampled });
    expect(first.collections.find((c) => c.name === "orders")?.documents).toBeLessThan(40);
    // Under the same rules, production collapsing is still refused.
    await client
      .db("mkg_prod")
      .collection("people")
      .deleteMany({ _id: { $gte: 5 } } as Document);
    const error = await failureOf(produce("mkg", { dataPolicy: sampled }));
    expect(error.message).toMatch(/people shrank from 40 to 5 documents/);
  });
});

describe("masking rules that were not read", () => {
  it("never publish unmasked data over a masked snapshot, unless forced", async () => {
    await seedPersonal(client, "mku_prod", 10);
    const masked = await produce("mku");
    const error = await failureOf(produce("mku", { dataPolicy: undefined as unknown as Policy }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toMatch(
      /The current snapshot is masked \(policy [0-9a-f]{12}\), but this run has no masking rules: is the config file missing/,
    );
    expect((await readSnapshotMetadata(client.db("mku_snapshot")))?.generation).toBe(masked.generation);
    const forced = await produce("mku", { dataPolicy: undefined as unknown as Policy, force: true });
    expect((await readSnapshotMetadata(client.db("mku_snapshot")))?.generation).toBe(forced.generation);
    expect((await readSnapshotMetadata(client.db("mku_snapshot")))?.masking).toBeUndefined();
  });
});

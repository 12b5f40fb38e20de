import { type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadCorpus } from "../../../../test/support/scan-corpus";
import { FIRST_NAMES } from "./person-names";
import { maskingStages, SALT_VARIABLE } from "./stages";

/**
 * CONTRACT §7 (additions): name and phone, like email, give distinct outputs for distinct inputs.
 * The masking runs on a real mongod, over 100,000+ distinct real-looking inputs per mode.
 */

const SALT = "distinct-property-salt-0123456789";
const N = 100_000;
let client: MongoClient;
let values: Awaited<ReturnType<typeof inputs>>;

beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
  values = await inputs();
});
afterAll(async () => {
  await client?.close();
});

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/** Distinct realistic inputs: real first names, real surnames (from the corpus' customers, victims, senders), real formats. */
async function inputs() {
  const first = [...FIRST_NAMES].map(capital).sort();
  const corpus = await loadCorpus(1_000);
  const surnames = new Set<string>();
  for (const c of corpus)
    for (const d of c.documents)
      for (const v of [d["Customer Name"], d.contactName, d.last_name, d.Director, d.name, d.customer])
        if (typeof v === "string" && /^[A-Z][a-z]+( [A-Z][a-z]+)+$/.test(v))
          surnames.add(v.split(" ").pop() ?? "");
  const last = [...surnames].filter((s) => s.length > 1).sort();
  expect(first.length).toBeGreaterThan(8_000);
  expect(last.length).toBeGreaterThan(300);
  const next = random(22);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const distinct = (make: () => string) => {
    const out = new Set<string>();
    while (out.size < N) out.add(make());
    return [...out];
  };
  const fullNames = distinct(() => {
    const style = next();
    if (style < 0.6) return `${pick(first)} ${pick(last)}`;
    if (style < 0.8)
      return `${pick(first)} ${String.fromCharCode(65 + Math.floor(next() * 26))}. ${pick(last)}`;
    if (style < 0.9) return `${pick(last).toUpperCase()}, ${pick(first).toUpperCase()}`;
    return `${pick(first)} ${pick(first)} ${pick(last)}`;
  });
  // Every real first name, then double first names (Anna-Maria, Jean Luc) up to N.
  const firstNames = [
    ...new Set([...first, ...distinct(() => `${pick(first)}${next() < 0.5 ? "-" : " "}${pick(first)}`)]),
  ].slice(0, N);
  const lastNames = [...new Set([...last, ...distinct(() => `${pick(last)}-${pick(last)}`)])].slice(0, N);
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join("");
  const phones = distinct(() => {
    const style = next();
    if (style < 0.3) return `+1 (${digits(3)}) ${digits(3)}-${digits(4)}`;
    if (style < 0.5) return `+44 20 ${digits(4)} ${digits(4)}`;
    if (style < 0.7) return `0${digits(2)}-${digits(7)}`;
    if (style < 0.85) return `+49 ${digits(3)} ${digits(7)}`;
    return `1-${digits(3)}-${digits(3)}-${digits(4)} x${digits(5)}`;
  });
  return { fullNames, firstNames, lastNames, phones };
}

interface Masked {
  /** Distinct outputs, counted by the server. */
  distinct: number;
  /** Outputs that do not have the expected shape, counted by the server. */
  misshapen: number;
  /** The first outputs in input order, for the checks that need values. */
  head: string[];
}

/** Masks `values` on the server and counts there: nothing but the counts and a few outputs travel back. */
async function mask(
  field: string,
  strategy: "name" | "phone",
  values: readonly string[],
  shape: RegExp,
): Promise<Masked> {
  const coll = client.db("mk_distinct").collection(field);
  await coll.drop().catch(() => {});
  for (let i = 0; i < values.length; i += 20_000)
    await coll.insertMany(
      values.slice(i, i + 20_000).map((v, j) => ({ _id: i + j, [field]: v }) as Document),
    );
  const [r] = await coll
    .aggregate(
      [
        ...maskingStages({ [field]: { kind: strategy } }),
        {
          $facet: {
            distinct: [{ $group: { _id: `$${field}` } }, { $count: "n" }],
            misshapen: [{ $match: { [field]: { $not: shape } } }, { $count: "n" }],
            head: [{ $sort: { _id: 1 } }, { $limit: 2_000 }, { $project: { _id: 0, v: `$${field}` } }],
          },
        },
      ],
      { let: { [SALT_VARIABLE]: SALT }, allowDiskUse: true },
    )
    .toArray();
  return {
    distinct: Number(r?.distinct?.[0]?.n ?? 0),
    misshapen: Number(r?.misshapen?.[0]?.n ?? 0),
    head: ((r?.head ?? []) as { v: string }[]).map((d) => d.v),
  };
}

const FULL = /^[A-Z][a-z]+ [A-Z][a-z]+-[A-Z][a-z]+$/;
const FIRST = /^[A-Z][a-z]+ [A-Z][a-z]+$/;
const LAST = /^[A-Z][a-z]+-[A-Z][a-z]+$/;
const PHONE = /^\+999 \d{4} \d{4} \d{4} x\d{4}$/;

describe("name and phone keep distinct inputs distinct (100,000+ real-looking inputs each, real mongod)", () => {
  it("full names, first names and surnames: zero collisions, and the outputs look like names", async () => {
    const { fullNames, firstNames, lastNames } = values;
    expect([fullNames.length, firstNames.length, lastNames.length]).toEqual([N, N, N]);
    const full = await mask("fullName", "name", fullNames, FULL);
    const first = await mask("firstName", "name", firstNames, FIRST);
    const last = await mask("lastName", "name", lastNames, LAST);
    expect([full.distinct, first.distinct, last.distinct]).toEqual([N, N, N]);
    expect([full.misshapen, first.misshapen, last.misshapen]).toEqual([0, 0, 0]);
    // No masked first name is a real one (the proof would refuse the snapshot), and the given
    // names of full names are spread over the whole table, not a few dozen.
    expect(
      first.head.filter((v) => FIRST_NAMES.has(v.split(" ")[0]?.toLowerCase() ?? "")).length,
    ).toBeLessThan(20);
    expect(new Set(full.head.map((v) => v.split(" ")[0])).size).toBeGreaterThan(250);
    // Same input, same output: masking a value twice gives the same name.
    expect((await mask("fullName", "name", fullNames.slice(0, 1_000), FULL)).head).toEqual(
      full.head.slice(0, 1_000),
    );
  });

  it("phone numbers: zero collisions, and the outputs look like phone numbers in the reserved +999 range", async () => {
    const masked = await mask("phone", "phone", values.phones, PHONE);
    expect(masked.distinct).toBe(N);
    expect(masked.misshapen).toBe(0);
  });
});

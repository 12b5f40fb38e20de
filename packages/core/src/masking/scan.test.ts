import { Binary, type Document, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadCorpus, readLabels, score, totals } from "../../../../test/support/scan-corpus";
import { parseConfig } from "../config-schema";
import { classifyString, imageFormat, personName } from "./detectors";
import { nameFinding, words } from "./field-names";
import { FIRST_NAMES } from "./person-names";
import { compilePolicy } from "./policy";
import { scanCollection, scanDocuments, suggestedRules, uncovered, uncoveredFields } from "./scan";

const names = { firstNames: FIRST_NAMES };
let client: MongoClient;

beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
});
afterAll(async () => {
  await client?.close();
});

describe("field names", () => {
  it("are split on case changes, _, -, spaces, dots and into compound words", () => {
    for (const n of ["First Name", "firstName", "first_name", "first-name", "FIRSTNAME", "firstname"])
      expect(words(n), n).toEqual(["first", "name"]);
    expect(words("ContactName")).toEqual(["contact", "name"]);
    expect(words("contactname")).toEqual(["contact", "name"]);
    expect(words("X-Originating-IP")).toEqual(["x", "originating", "ip"]);
    expect(words("dateOfBirth")).toEqual(["date", "of", "birth"]);
    expect(words("emailAddresses")).toEqual(["email", "address"]);
  });

  it("name concepts, people by role, and the things that have names too", () => {
    const concept = (p: string, c = "") => nameFinding(p, c)?.concept;
    expect(concept("First Name")).toBe("first name");
    expect(concept("ContactName")).toBe("person name");
    expect(concept("reviewer")).toBe("person (role word)");
    expect(concept("author")).toBe("person (role word)");
    expect(concept("sender")).toBe("person (role word)");
    expect(concept("createdBy")).toBe("person (role word)");
    expect(concept("customerId")).toBeUndefined();
    expect(concept("companyName")).toBeUndefined();
    expect(concept("productThumbnail")).toBeUndefined();
    expect(concept("customerAvatar")).toBe("photo");
    expect(concept("name", "users")).toBe("person name");
    expect(nameFinding("name", "products")?.strength).toBe("values");
    expect(concept("dob")).toBe("date of birth");
    expect(concept("national_id")).toBe("national identifier");
    expect(concept("passwordHash")).toBe("password");
    expect(concept("shipPostalCode")).toBe("postal code");
    expect(nameFinding("city")?.strength).toBe("context");
  });
});

describe("value detectors", () => {
  const kind = (v: string) => classifyString(v, FIRST_NAMES).kind;
  const inside = (v: string) => classifyString(v, FIRST_NAMES).inside;
  it("see what values are, and what longer texts carry", () => {
    expect(kind("Robert Elz <kre@munnari.OZ.AU>")).toBe("email");
    expect(kind("1-770-736-8031 x56442")).toBe("phone");
    expect(kind("(171) 555-2222")).toBe("phone");
    expect(kind("[216.30.74.2]")).toBe("ip");
    expect(kind("0.65.2.0")).toBeUndefined(); // a version, not an address
    expect(kind("078-05-1120")).toBe("national-id");
    expect(kind("$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234")).toBe("password-hash");
    expect(kind("http://www.redbrick.dcu.ie/~valen")).toBe("personal-url");
    expect(inside("from mail.example.org ([66.187.233.211]) by mx for <zzzz@example.org>")).toEqual([
      "email",
      "ip",
    ]);
    expect(inside("Call Maria Anders on +49 30 1234567 tomorrow")).toEqual(["phone", "person-name"]);
    expect(inside("Red Hat Linux 7.3")).toEqual([]);
  });

  it("person names from the first-name list, in the usual orders and cases", () => {
    for (const n of ["Maria Anders", "SMITH, JESSE TREMAIN", "Cesar A.", "Alan", "Dr. Jane Q. Public"])
      expect(personName(n, FIRST_NAMES), n).toBe(true);
    for (const n of ["The Land Girls", "Bush Somerset Collection Bookcase", "Software Engineer", "Berlin"])
      expect(personName(n, FIRST_NAMES), n).toBe(false);
  });

  it("images by their magic bytes", () => {
    const b = (...bytes: (number | string)[]) =>
      Buffer.concat(bytes.map((x) => (typeof x === "string" ? Buffer.from(x, "latin1") : Buffer.from([x]))));
    expect(imageFormat(b(0x89, "PNG\r\n\x1a\n"))).toBe("PNG");
    expect(imageFormat(b(0xff, 0xd8, 0xff, 0xe0))).toBe("JPEG");
    expect(imageFormat(b("GIF89a"))).toBe("GIF");
    expect(imageFormat(b("RIFF", 0, 0, 0, 0, "WEBPVP8 "))).toBe("WebP");
    expect(imageFormat(b("%PDF-1.7"))).toBeUndefined();
  });
});

describe("the labelled corpus (public data sets, test/scan-corpus)", () => {
  it("recall ≥ 98 % and precision ≥ 90 %, with reasons for every flag", async () => {
    const corpus = await loadCorpus(200);
    const scans = corpus.map((c) => scanDocuments(c.name, c.documents, undefined, names));
    const scores = score(scans, corpus, readLabels());
    const t = totals(scores);
    expect(t.tp + t.fn).toBeGreaterThanOrEqual(70);
    expect(t.recall, JSON.stringify(scores.filter((s) => s.falseNegatives.length))).toBeGreaterThanOrEqual(
      0.98,
    );
    expect(t.precision, JSON.stringify(scores.filter((s) => s.falsePositives.length))).toBeGreaterThanOrEqual(
      0.9,
    );
    for (const s of scans)
      for (const f of s.fields.filter((x) => x.personal)) {
        expect(f.reasons.length, `${s.collection}.${f.path}`).toBeGreaterThan(0);
        expect(f.suggestion).toBeTruthy();
      }
    const byPath = (c: string, p: string) =>
      scans.find((s) => s.collection === c)?.fields.find((f) => f.path === p);
    expect(byPath("superstore_orders", "Customer Name")?.reasons[0]).toMatchObject({
      by: "name",
      detector: "person name",
    });
    expect(byPath("movies", "Director")?.reasons.map((r) => r.text)).toContain("director (role word)");
    expect(byPath("mail_messages", "headers.Received")?.reasons.map((r) => r.detector)).toContain(
      "inside:ip",
    );
    expect(byPath("grid_orders", "avatarImage")?.reasons.map((r) => r.text)).toContain(
      "100 % images (JPEG, WebP)",
    );
    expect(byPath("grid_orders", "productThumbnail")?.personal).toBe(false);
  });
});

describe("scans through the server", () => {
  it("a field in 3 of 20,000 documents is still seen, judged and named with a rule to paste", async () => {
    const coll = client.db("scan_rare").collection("people");
    await coll.drop().catch(() => {});
    const docs: Document[] = Array.from({ length: 20_000 }, (_, i) => ({ _id: i, kind: "visitor", n: i }));
    for (const i of [101, 9_000, 19_999])
      Object.assign(docs[i] as Document, { ssn: `078-05-11${20 + (i % 7)}` });
    for (const i of [5, 15_000])
      Object.assign(docs[i] as Document, { contact: { workEmail: `p${i}@corp.example` } });
    Object.assign(docs[42] as Document, {
      photo: new Binary(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])),
    });
    await coll.insertMany(docs);
    const policy = compilePolicy(parseConfig("masking:\n  keep:\n    people: [kind]\n"));
    const scan = await scanCollection(client.db("scan_rare"), "people", 100, policy);
    const f = (p: string) => scan.fields.find((x) => x.path === p);
    expect(f("ssn")).toMatchObject({ personal: true, seen: 3, suggestion: "hash" });
    expect(f("contact.workEmail")).toMatchObject({ personal: true, suggestion: "email" });
    expect(f("photo")?.reasons.map((r) => r.text)).toEqual(["photo", "100 % images (JPEG)"]);
    expect(f("kind")?.coveredBy).toBe("keep kind");
    expect(uncovered([scan])).toEqual([
      "people.contact.workEmail (name: e-mail; values: 100 % e-mail addresses) → email",
      "people.photo (name: photo; values: 100 % images (JPEG)) → remove",
      "people.ssn (name: national identifier (ssn); values: 100 % national identifiers) → hash",
    ]);
    // The suggested rules are ready to paste: as a config file they cover every flagged path.
    const yaml = suggestedRules([scan]);
    const pasted = compilePolicy(
      parseConfig(yaml.replace("masking:\n", "masking:\n  keep:\n    people: [kind]\n")),
    );
    const again = await scanCollection(client.db("scan_rare"), "people", 100, pasted);
    expect(uncoveredFields([again])).toEqual([]);
    // --json keeps the reasons.
    const json = JSON.parse(JSON.stringify(scan)) as typeof scan;
    expect(json.fields.find((x) => x.path === "ssn")?.reasons).toEqual([
      { by: "name", detector: "national identifier", text: "national identifier (ssn)" },
      { by: "values", detector: "national-id", text: "100 % national identifiers", share: 1 },
    ]);
  });
});

import type { Collection, Db, Document } from "mongodb";
import { EXACT_BSON } from "../copy/stream";
import {
  type Classified,
  classifyString,
  INSIDE_WORDS,
  type InsideKind,
  imageFormat,
  KIND_WORDS,
  type ValueKind,
} from "./detectors";
import {
  type Concept,
  type NameFinding,
  nameFinding,
  peopleCollection,
  personSegment,
  words,
} from "./field-names";
import { coveringKeep, coveringRule, describeStrategy, type Policy } from "./policy";
import type { Reason } from "./reason";
import { suggestRule } from "./suggest";

export { ibanValid, luhn, type ValueKind } from "./detectors";
export type { Reason } from "./reason";

/**
 * What a sample of each collection holds: every field path with the types seen, whether it looks
 * personal (by its name, and by its values), why, which rule or keep covers it, and which rule
 * would. Values are only classified, never kept or printed: the report is safe to show in a log.
 */

export interface FieldReport {
  path: string;
  types: string[];
  /** Documents of the sample that have the path. */
  seen: number;
  /** The personal concept the name says, when it says one (even when it does not count here). */
  byName?: string;
  /** Detectors that matched enough of the values. */
  byValue: string[];
  personal: boolean;
  /** Why it looks personal (empty when it does not). */
  reasons: Reason[];
  /** The rule that would cover it, as the config file writes it (`email`, `"null"`, `{ password: ... }`). */
  suggestion?: string;
  /** `rule <path>: <strategy>`, `keep <path>`, or undefined when nothing covers it. */
  coveredBy?: string;
}

export interface CollectionScan {
  collection: string;
  sampled: number;
  fields: FieldReport[];
}

/** What the detectors need besides the values: the first-name list (loaded lazily). */
export interface Detectors {
  firstNames: ReadonlySet<string>;
}

let detectors: Promise<Detectors> | undefined;
/** Loads the person-name list (its own chunk in the bundles: only a scan pays for it). */
export function loadDetectors(): Promise<Detectors> {
  detectors ??= import(/* webpackChunkName: "person-names" */ "./person-names").then((m) => ({
    firstNames: m.FIRST_NAMES,
  }));
  return detectors;
}

function bsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  // Plain numbers are what the driver would write: int32 when they fit, else double.
  if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? "int" : "double";
  const t = (v as { _bsontype?: string })?._bsontype;
  if (t)
    return (
      {
        Int32: "int",
        Double: "double",
        Long: "long",
        Decimal128: "decimal",
        ObjectId: "objectId",
        Binary: "binData",
        BSONRegExp: "regex",
        Timestamp: "timestamp",
        BSONSymbol: "symbol",
        Code: "javascript",
        MinKey: "minKey",
        MaxKey: "maxKey",
      }[t] ?? t.toLowerCase()
    );
  return "object";
}

/** Walks a document: arrays are transparent (a path names a field in every element), as in MongoDB. */
function walk(value: unknown, path: string, visit: (path: string, value: unknown) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, path, visit);
    return;
  }
  if (path) visit(path, value);
  if (
    value &&
    typeof value === "object" &&
    !(value instanceof Date) &&
    !(value as { _bsontype?: string })._bsontype
  ) {
    for (const [k, v] of Object.entries(value as Document)) walk(v, path ? `${path}.${k}` : k, visit);
  }
}

interface PathStats {
  types: Set<string>;
  docs: number;
  lastDoc: number;
  /** Non-null scalar values (strings, binaries, numbers, dates). */
  values: number;
  strings: number;
  distinct: Map<string, Classified>;
  kinds: Map<ValueKind, number>;
  inside: Map<InsideKind, number>;
  /** References rather than text: ObjectIds, numbers, UUID-like and code-like strings. */
  idLike: number;
  images: Set<string>;
  dates: number;
  birthLike: number;
  years: Set<number>;
}

const ID_LIKE =
  /^[0-9a-f]{24}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[A-Z0-9]{2,}[-_]?[0-9]{3,}$|^\d+$/i;

/** Shares of the values a detector must match before the path counts as personal by its values. */
const WHOLE_SHARE: Record<ValueKind, number> = {
  email: 0.3,
  phone: 0.5,
  ip: 0.3,
  card: 0.3,
  iban: 0.3,
  "national-id": 0.3,
  "person-name": 0.5,
  "password-hash": 0.3,
  token: 0.5,
  image: 0.3,
  "personal-url": 0.3,
};
const INSIDE_SHARE: Record<InsideKind, number> = {
  email: 0.1,
  phone: 0.1,
  ip: 0.1,
  card: 0.05,
  "person-name": 0.3,
};

/** Concepts that make a collection one of people: then `city`, coordinates or gender are theirs. */
const PEOPLE_CONCEPTS = new Set<Concept>([
  "e-mail",
  "phone number",
  "person name",
  "first name",
  "last name",
  "username",
  "national identifier",
  "date of birth",
]);
const PEOPLE_KINDS = new Set<ValueKind>(["email", "phone", "person-name", "national-id"]);

const percent = (share: number) => `${Math.round(share * 100)} %`;

function collect(docs: readonly Document[], names: Detectors): Map<string, PathStats> {
  const fields = new Map<string, PathStats>();
  const now = Date.now();
  const year = 365.25 * 86_400_000;
  docs.forEach((doc, i) => {
    walk(doc, "", (path, value) => {
      let f = fields.get(path);
      if (!f) {
        f = {
          types: new Set(),
          docs: 0,
          lastDoc: -1,
          values: 0,
          strings: 0,
          distinct: new Map(),
          kinds: new Map(),
          inside: new Map(),
          idLike: 0,
          images: new Set(),
          dates: 0,
          birthLike: 0,
          years: new Set(),
        };
        fields.set(path, f);
      }
      const type = bsonType(value);
      f.types.add(type);
      if (f.lastDoc !== i) {
        f.docs++;
        f.lastDoc = i;
      }
      if (value === null || value === undefined || type === "object" || type === "array") return;
      f.values++;
      if (typeof value === "string") {
        if (value.trim() === "") return;
        f.strings++;
        let c = f.distinct.get(value);
        if (!c) {
          c = classifyString(value, names.firstNames);
          if (f.distinct.size < 5_000) f.distinct.set(value, c);
        }
        if (c.kind) f.kinds.set(c.kind, (f.kinds.get(c.kind) ?? 0) + 1);
        for (const k of c.inside) f.inside.set(k, (f.inside.get(k) ?? 0) + 1);
        if (ID_LIKE.test(value)) f.idLike++;
      } else if (type === "binData") {
        const bytes = (value as { buffer?: Uint8Array }).buffer;
        const format = bytes ? imageFormat(bytes) : undefined;
        if (format) {
          f.images.add(format);
          f.kinds.set("image", (f.kinds.get("image") ?? 0) + 1);
        } else f.idLike++;
      } else if (type === "date") {
        const t = (value as Date).getTime();
        f.dates++;
        const d = value as Date;
        if (
          t > Date.UTC(1900, 0, 1) &&
          t < now - 14 * year &&
          d.getUTCHours() === 0 &&
          d.getUTCMinutes() === 0
        )
          f.birthLike++;
        f.years.add(d.getUTCFullYear());
      } else {
        // Numbers, ObjectIds, booleans: references or measures, not text about a person.
        f.idLike++;
      }
    });
  });
  return fields;
}

interface Verdict {
  reasons: Reason[];
  byValue: string[];
  finding?: NameFinding;
  peopleSignal: boolean;
}

/** The name's and the values' evidence for one path, before the collection's context is known. */
function evidence(collection: string, path: string, f: PathStats): Verdict {
  const finding = nameFinding(path, collection);
  const leafWords = words(path.split(".").pop() ?? path);
  // A list's, a product's or a message's own identifiers: their addresses and pictures are not a person's.
  const leaf = (path.split(".").pop() ?? path).toLowerCase();
  const thing = (!finding && leafWords.some((w) => THING_WORDS.has(w))) || MAILING_LIST_HEADERS.test(leaf);
  const idField =
    leafWords.some((w) => ["id", "reference", "ref"].includes(w)) ||
    (leafWords.includes("reply") && leafWords.includes("in"));
  const reasons: Reason[] = [];
  const byValue: string[] = [];
  let peopleSignal = false;
  const denominator = Math.max(1, f.values);
  for (const [kind, n] of f.kinds) {
    const share = kind === "person-name" ? distinctShare(f, "person-name") : n / denominator;
    if (share < WHOLE_SHARE[kind]) continue;
    if (thing && (kind === "person-name" || kind === "image" || kind === "email")) continue;
    if (idField && kind === "email") continue;
    const text =
      kind === "image" && f.images.size
        ? `${percent(share)} images (${[...f.images].sort().join(", ")})`
        : `${percent(share)} ${KIND_WORDS[kind]}`;
    reasons.push({ by: "values", detector: kind, text, share: round(share) });
    byValue.push(kind);
    if (PEOPLE_KINDS.has(kind)) peopleSignal = true;
  }
  if (!reasons.length && f.strings > 0 && !thing && !idField) {
    for (const [kind, n] of f.inside) {
      const share = n / f.strings;
      if (share < INSIDE_SHARE[kind]) continue;
      reasons.push({
        by: "values",
        detector: `inside:${kind}`,
        text: `${percent(share)} text containing ${INSIDE_WORDS[kind]}`,
        share: round(share),
      });
      byValue.push(`inside:${kind}`);
    }
  }
  if (f.dates >= 5 && f.birthLike / f.dates >= 0.9 && f.years.size >= 10) {
    const share = f.birthLike / f.dates;
    reasons.push({
      by: "values",
      detector: "date-of-birth",
      text: `${percent(share)} dates like dates of birth (${f.years.size} different years)`,
      share: round(share),
    });
    byValue.push("date-of-birth");
  }
  if (finding && PEOPLE_CONCEPTS.has(finding.concept) && (finding.strength === "strong" || reasons.length))
    peopleSignal = true;
  return { reasons, byValue, ...(finding ? { finding } : {}), peopleSignal };
}

const THING_WORDS = new Set([
  "list",
  "product",
  "company",
  "logo",
  "icon",
  "banner",
  "poster",
  "thumbnail",
  "cover",
  "brand",
  "mailing",
  "item",
  "version",
]);
/** Mail headers that name a mailing list (RFC 2369, Mailman, procmail), not a person. */
const MAILING_LIST_HEADERS = /^(list-.*|x-beenthere|x-loop|x-mailing-list|mailing-list|x-list.*)$/;

function distinctShare(f: PathStats, kind: ValueKind): number {
  if (f.distinct.size === 0) return 0;
  let n = 0;
  for (const c of f.distinct.values()) if (c.kind === kind) n++;
  return n / f.distinct.size;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Scans sampled documents (already read): the decision per path, with its reasons. */
export function scanDocuments(
  collection: string,
  docs: readonly Document[],
  policy: Policy | undefined,
  names: Detectors,
): CollectionScan {
  const stats = collect(docs, names);
  const verdicts = new Map<string, Verdict>();
  let people = peopleCollection(collection);
  for (const [path, f] of stats) {
    // Sub-documents and arrays are containers: their leaves are judged. A field that is null in
    // every sampled document is still judged by its name (the next write may fill it).
    const structural = [...f.types].every((t) => t === "object" || t === "array");
    if (structural) continue;
    const v = evidence(collection, path, f);
    verdicts.set(path, v);
    if (v.peopleSignal) people = true;
  }
  const reports: FieldReport[] = [];
  for (const [path, f] of [...stats].sort(([a], [b]) => a.localeCompare(b))) {
    const v = verdicts.get(path);
    const reasons = [...(v?.reasons ?? [])];
    const finding = v?.finding;
    if (finding) {
      const segments = path.split(".");
      const underPerson = segments.slice(0, -1).some(personSegment);
      const textValues = f.strings > 0 && f.idLike / Math.max(1, f.strings) < 0.5;
      const counts =
        finding.strength === "strong" ||
        (finding.strength === "context" && (people || underPerson)) ||
        (finding.strength === "role" && (textValues || reasons.length > 0)) ||
        (finding.strength === "values" && reasons.length > 0);
      if (counts) {
        const where =
          finding.strength === "context"
            ? underPerson
              ? " under a person"
              : " in a collection of people"
            : "";
        reasons.unshift({
          by: "name",
          detector: finding.concept,
          text:
            finding.concept === "person (role word)"
              ? `${finding.words} (role word)`
              : `${finding.concept}${finding.words && finding.words !== finding.concept ? ` (${finding.words})` : ""}${where}`,
        });
      }
    }
    const personal = reasons.length > 0;
    const rule = coveringRule(policy, collection, path);
    const keep = coveringKeep(policy, collection, path);
    const types = [...f.types].sort();
    reports.push({
      path,
      types,
      seen: f.docs,
      ...(finding ? { byName: finding.concept } : {}),
      byValue: v?.byValue ?? [],
      personal,
      reasons,
      ...(personal ? { suggestion: suggestRule(path, types, reasons, f.kinds) } : {}),
      ...(rule
        ? {
            coveredBy: `rule ${rule}: ${describeStrategy(policy?.rules[collection]?.[rule] ?? { kind: "remove" })}`,
          }
        : keep
          ? { coveredBy: `keep ${keep}` }
          : {}),
    });
  }
  return { collection, sampled: docs.length, fields: reports };
}

/** The reasons in one line: `name: reviewer (role word); values: 97 % e-mail addresses`. */
export function describeReasons(reasons: readonly Reason[]): string {
  const named = reasons.filter((r) => r.by === "name").map((r) => r.text);
  const valued = reasons.filter((r) => r.by === "values").map((r) => r.text);
  return [
    named.length ? `name: ${named.join(", ")}` : "",
    valued.length ? `values: ${valued.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/**
 * Field paths of up to `size` documents, to three levels (sub-documents and arrays of them),
 * computed by the server: only the names travel.
 */
function pathsExpression(): Document {
  let counter = 0;
  const keys = (input: string, prefix: unknown, depth: number): Document => {
    const k = `k${counter++}`;
    const children =
      depth <= 1
        ? []
        : {
            $let: {
              vars: { [`${k}v`]: `$$${k}.v`, [`${k}p`]: { $concat: [prefix, `$$${k}.k`, "."] } },
              in: {
                $switch: {
                  branches: [
                    branch({ $eq: [{ $type: `$$${k}v` }, "object"] }, keys(`$$${k}v`, `$$${k}p`, depth - 1)),
                    branch(
                      { $isArray: `$$${k}v` },
                      {
                        $reduce: {
                          input: {
                            $filter: {
                              input: `$$${k}v`,
                              as: `${k}e`,
                              cond: { $eq: [{ $type: `$$${k}e` }, "object"] },
                            },
                          },
                          initialValue: [],
                          in: { $setUnion: ["$$value", keys("$$this", `$$${k}p`, depth - 1)] },
                        },
                      },
                    ),
                  ],
                  default: [],
                },
              },
            },
          };
    return {
      $reduce: {
        input: { $map: { input: { $objectToArray: input }, as: k, in: `$$${k}` } },
        initialValue: [],
        in: {
          $let: {
            vars: { [k]: "$$this", acc: "$$value" },
            in: { $setUnion: ["$$acc", [{ $concat: [prefix, `$$${k}.k`] }], children] },
          },
        },
      },
    };
  };
  return keys("$$ROOT", "", 3);
}

function branch(condition: unknown, value: unknown): Document {
  // biome-ignore lint/suspicious/noThenProperty: MongoDB's $switch names a branch's value "then".
  return { case: condition, then: value };
}

/** Documents whose field paths the server lists (the whole collection when it is smaller). */
const DISCOVERY_DOCUMENTS = 50_000;
/** Documents per path that the first sample missed. */
const RARE_DOCUMENTS = 5;
/** At most this many rare paths are looked up (one indexed-or-not find each, time-bounded). */
const RARE_PATHS = 200;

/**
 * A sample that sees rare fields: `size` random documents, then, for every field path the server
 * finds in a much larger sample (50,000 documents or ten times `size`; the whole collection when
 * smaller) that those documents lack, a few documents that have it. Only the paths travel, not the
 * documents. A field in 3 of 50,000 documents is scanned; in a larger collection a field that rare
 * is found with the probability that the larger sample holds it.
 */
export async function sampleCollection(coll: Collection, size: number): Promise<Document[]> {
  const docs = await coll.aggregate([{ $sample: { size } }], { ...EXACT_BSON }).toArray();
  const seen = new Set<string>();
  for (const d of docs) walk(d, "", (p) => seen.add(p));
  const discovered = await coll
    .aggregate<{ _id: string }>(
      [
        { $sample: { size: Math.max(size * 10, DISCOVERY_DOCUMENTS) } },
        { $project: { _id: 0, p: pathsExpression() } },
        { $unwind: "$p" },
        { $group: { _id: "$p" } },
      ],
      { maxTimeMS: 30_000, allowDiskUse: true },
    )
    .toArray()
    .catch(() => []);
  const rare = discovered
    .map((d) => d._id)
    .filter((p) => !seen.has(p) && !p.split(".").some((s) => s === "" || s.startsWith("$")))
    .sort()
    .slice(0, RARE_PATHS);
  const ids = new Set(docs.map((d) => JSON.stringify(d._id)));
  for (const path of rare) {
    if (seen.has(path)) continue;
    const more = await coll
      .find({ [path]: { $exists: true } }, { ...EXACT_BSON, limit: RARE_DOCUMENTS, maxTimeMS: 5_000 })
      .toArray()
      .catch(() => []);
    for (const d of more) {
      const id = JSON.stringify(d._id);
      if (ids.has(id)) continue;
      ids.add(id);
      docs.push(d);
      walk(d, "", (p) => seen.add(p));
    }
  }
  return docs;
}

/** Samples a collection on the server (see {@link sampleCollection}) and scans it. */
export async function scanCollection(
  db: Db,
  collection: string,
  size: number,
  policy?: Policy,
): Promise<CollectionScan> {
  const [docs, names] = await Promise.all([
    sampleCollection(db.collection(collection), size),
    loadDetectors(),
  ]);
  return scanDocuments(collection, docs, policy, names);
}

export interface Uncovered {
  collection: string;
  path: string;
  why: string;
  suggestion: string;
}

/** Likely-personal paths that no rule and no keep covers: what strict mode refuses. */
export function uncoveredFields(scans: readonly CollectionScan[]): Uncovered[] {
  return scans.flatMap((s) =>
    s.fields
      .filter((f) => f.personal && !f.coveredBy)
      .map((f) => ({
        collection: s.collection,
        path: f.path,
        why: describeReasons(f.reasons),
        suggestion: f.suggestion ?? "redact",
      })),
  );
}

/** The same as lines: `users.email (name: e-mail; values: 100 % e-mail addresses) → email`. */
export function uncovered(scans: readonly CollectionScan[]): string[] {
  return uncoveredFields(scans).map((u) => `${u.collection}.${u.path} (${u.why}) → ${u.suggestion}`);
}

/** A YAML key as the config file needs it: plain when it can be, else double-quoted (JSON is valid YAML). */
function yamlKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(key)
    ? key
    : JSON.stringify(key);
}

/** The rules that would cover every uncovered path, ready to paste under `masking:` in the config file. */
export function suggestedRules(scans: readonly CollectionScan[]): string {
  const missing = uncoveredFields(scans);
  if (!missing.length) return "";
  const lines = ["masking:", "  rules:"];
  for (const collection of [...new Set(missing.map((m) => m.collection))]) {
    lines.push(`    ${yamlKey(collection)}:`);
    for (const m of missing.filter((x) => x.collection === collection))
      lines.push(`      ${yamlKey(m.path)}: ${m.suggestion}`);
  }
  return lines.join("\n");
}

/** The scan as a table for people. */
export function formatScan(scans: readonly CollectionScan[]): string {
  const lines: string[] = [];
  for (const s of scans) {
    lines.push(`${s.collection} (${s.sampled} documents sampled)`);
    const rows = s.fields.map((f) => [
      f.path,
      f.types.join("|"),
      f.personal ? (f.coveredBy ? "personal" : "PERSONAL, NOT COVERED") : "",
      f.coveredBy ?? (f.personal ? `suggested: ${f.suggestion}` : ""),
      describeReasons(f.reasons),
    ]);
    const header = ["path", "types", "looks personal", "covered by", "why"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
    lines.push(line(header), ...rows.map(line), "");
  }
  return lines.join("\n");
}

export interface ScanRequest {
  db: Db;
  collections: readonly string[];
  sample: number;
  policy?: Policy;
}

/** Scans each collection in turn (the command line's `scan`, and strict mode's check). */
export async function scanDatabase(r: ScanRequest): Promise<CollectionScan[]> {
  const scans: CollectionScan[] = [];
  for (const c of r.collections) scans.push(await scanCollection(r.db, c, r.sample, r.policy));
  return scans;
}

import { isIP } from "node:net";
import type { Db, Document } from "mongodb";
import { EXACT_BSON } from "../copy/stream";
import { coveringKeep, coveringRule, describeStrategy, type Policy } from "./policy";

/**
 * What a sample of each collection holds: every field path with the types seen, whether it looks
 * personal (by its name, and by its values), and which rule or keep covers it. Values are only
 * classified, never kept or printed: the report is safe to show in a log.
 */

export type ValueKind = "email" | "phone" | "ip" | "card" | "iban" | "token";

export interface FieldReport {
  path: string;
  types: string[];
  /** Documents of the sample that have the path. */
  seen: number;
  byName?: string;
  byValue: ValueKind[];
  personal: boolean;
  /** `rule <path>: <strategy>`, `keep <path>`, or undefined when nothing covers it. */
  coveredBy?: string;
}

export interface CollectionScan {
  collection: string;
  sampled: number;
  fields: FieldReport[];
}

const NAME_HINTS: [RegExp, string][] = [
  [/e-?mail/i, "email"],
  [/phone|mobile|^tel$|telephone|^fax$/i, "phone number"],
  [
    /^(first|last|middle|full|given|family|sur|display|user|maiden|nick)[-_]?name$|^name$|^fullname$/i,
    "name",
  ],
  [/address|street|^city$|^zip|post(al)?[-_]?code|^postcode$/i, "address"],
  [/ssn|social[-_]?security|national[-_]?id|passport|tax[-_]?id|^nin$/i, "national identifier"],
  [/birth|^dob$/i, "date of birth"],
  [/iban|account[-_]?number|sort[-_]?code|routing/i, "bank account"],
  [/card[-_]?(number|no)|^pan$|cvv|cvc/i, "card"],
  [/^ip$|ip[-_]?addr|remote[-_]?addr/i, "IP address"],
  [/token|secret|password|passwd|api[-_]?key|private[-_]?key|credential|session/i, "secret"],
  [/^(notes?|comments?|remarks?|bio|about|free[-_]?text)$/i, "free text"],
  [/^(lat|lng|lon|latitude|longitude|geo|location)$/i, "location"],
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const TOKEN_PREFIX =
  /^(sk|pk|rk)_(live|test)_|^gh[pousr]_[A-Za-z0-9]{20,}|^github_pat_|^xox[abprs]-|^AKIA[0-9A-Z]{16}$|^AIza[0-9A-Za-z_-]{30,}|^-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function ibanValid(text: string): boolean {
  const s = text.replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const n = ch >= "A" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of n) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/** High entropy: long, no spaces, several character classes, few repeats. */
function looksLikeSecret(s: string): boolean {
  if (TOKEN_PREFIX.test(s)) return true;
  if (s.length < 24 || s.length > 512 || /\s/.test(s) || !/^[A-Za-z0-9_\-+/=.]+$/.test(s)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(s)).length;
  if (classes < 3) return false;
  const distinct = new Set(s).size;
  return distinct / s.length > 0.4 || distinct >= 20;
}

/** What a string value looks like, if anything personal. */
export function classifyValue(value: string): ValueKind | undefined {
  const s = value.trim();
  if (s.length > 320) return looksLikeSecret(s) ? "token" : undefined;
  if (EMAIL.test(s)) return "email";
  if (isIP(s) !== 0) return "ip";
  const digits = s.replace(/[\s-]/g, "");
  if (/^\d{13,19}$/.test(digits) && luhn(digits)) return "card";
  if (ibanValid(s)) return "iban";
  if (PHONE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 7 && !/^\d{4}-\d\d-\d\d/.test(s)) return "phone";
  if (looksLikeSecret(s)) return "token";
  return undefined;
}

/** Parts of a name or an address under a parent that says what they are: `name.first`, `address.line1`. */
const PARENT_HINTS: [RegExp, string][] = [
  [/^(name|names|full[-_]?name)$/i, "name"],
  [/^(address|addresses|home|billing|shipping|postal)$/i, "address"],
  [/^(contact|contacts|person|customer|owner|user|patient|employee)$/i, "contact details"],
];

export function nameHint(path: string): string | undefined {
  const parts = path.split(".");
  const last = parts[parts.length - 1] ?? path;
  const own = NAME_HINTS.find(([re]) => re.test(last))?.[1];
  if (own) return own;
  const parent = parts[parts.length - 2];
  if (!parent) return undefined;
  const hint = PARENT_HINTS.find(([re]) => re.test(parent))?.[1];
  // Under a "customer" or "contact" parent only the obviously personal leaves count.
  if (hint === "contact details") return undefined;
  return hint;
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

export function scanDocuments(
  collection: string,
  docs: readonly Document[],
  policy?: Policy,
): CollectionScan {
  const fields = new Map<
    string,
    { types: Set<string>; docs: Set<number>; kinds: Map<ValueKind, number>; strings: number }
  >();
  docs.forEach((doc, i) => {
    walk(doc, "", (path, value) => {
      let f = fields.get(path);
      if (!f) {
        f = { types: new Set(), docs: new Set(), kinds: new Map(), strings: 0 };
        fields.set(path, f);
      }
      f.types.add(bsonType(value));
      f.docs.add(i);
      if (typeof value === "string") {
        f.strings++;
        const kind = classifyValue(value);
        if (kind) f.kinds.set(kind, (f.kinds.get(kind) ?? 0) + 1);
      }
    });
  });
  const reports: FieldReport[] = [];
  for (const [path, f] of [...fields].sort(([a], [b]) => a.localeCompare(b))) {
    // A kind counts when it is typical of the field's strings, not a one-off in free text.
    const byValue = [...f.kinds]
      .filter(([, n]) => n >= Math.max(1, Math.ceil(f.strings * 0.2)))
      .map(([k]) => k)
      .sort();
    const structural = [...f.types].every((t) => t === "object" || t === "array");
    const byName = structural ? undefined : nameHint(path);
    const rule = coveringRule(policy, collection, path);
    const keep = coveringKeep(policy, collection, path);
    reports.push({
      path,
      types: [...f.types].sort(),
      seen: f.docs.size,
      ...(byName ? { byName } : {}),
      byValue,
      personal: !structural && (byName !== undefined || byValue.length > 0),
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

/** Samples a collection on the server (`$sample`, at most `size` documents) and scans it. */
export async function scanCollection(
  db: Db,
  collection: string,
  size: number,
  policy?: Policy,
): Promise<CollectionScan> {
  const docs = await db
    .collection(collection)
    .aggregate([{ $sample: { size } }], { ...EXACT_BSON })
    .toArray();
  return scanDocuments(collection, docs, policy);
}

/** Likely-personal paths that no rule and no keep covers: what strict mode refuses. */
export function uncovered(scans: readonly CollectionScan[]): string[] {
  return scans.flatMap((s) =>
    s.fields
      .filter((f) => f.personal && !f.coveredBy)
      .map(
        (f) =>
          `${s.collection}.${f.path} (${[...new Set([f.byName, ...f.byValue].filter(Boolean))].join(", ")})`,
      ),
  );
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
      f.coveredBy ?? "",
      [f.byName ? `name: ${f.byName}` : "", f.byValue.length ? `values: ${f.byValue.join(", ")}` : ""]
        .filter(Boolean)
        .join("; "),
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

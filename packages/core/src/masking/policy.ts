import { createHash } from "node:crypto";
import type { Document } from "mongodb";
import type { Config } from "../config";
import { UserError } from "../errors";

/**
 * The masking and subset rules of the config file (CONTRACT §7), checked and compiled into a
 * form the producer applies. Everything here runs before any connection: a rule that cannot work
 * fails the run before anything is read or written. Values stay as the config file wrote them
 * (Extended JSON for `filter` and `constant`): they are decoded where the stages are built, so that
 * reading the settings does not load the MongoDB driver.
 */

export type Strategy =
  | { kind: "remove" | "null" | "redact" | "email" | "name" | "phone" | "hash" }
  | { kind: "constant"; value: unknown }
  | { kind: "expr"; expr: Document }
  | PasswordStrategy;

/** One hash of the test password (CONTRACT §7 additions); `hash` is filled in by the producer. */
export interface PasswordStrategy {
  kind: "password";
  scheme: "bcrypt" | "argon2id" | "aspnet-identity";
  /** bcrypt's cost (log2 of the rounds), 4-15; default 10. */
  cost?: number;
  /** argon2id's memory (KiB), iterations and parallelism (default OWASP's 19456, 2, 1); aspnet-identity's PBKDF2 iterations (default 100,000). */
  memoryKiB?: number;
  iterations?: number;
  parallelism?: number;
  hash?: string;
}

/** Strategies whose output is derived from the value with the secret salt. */
export const KEYED = new Set<Strategy["kind"]>(["email", "name", "phone", "hash"]);

export interface Reference {
  /** Path in this collection holding the reference (a value or an array of values). */
  field: string;
  collection: string;
  /** Field of the referenced collection it points at (default _id). */
  key: string;
}

export interface SubsetRule {
  /** MongoDB Extended JSON, as written in the config file. */
  filter?: Document;
  sample?: number;
  limit?: number;
  references?: Reference[];
}

export interface Policy {
  /** collection → path → strategy */
  rules: Record<string, Record<string, Strategy>>;
  /** collection → paths declared not personal */
  keep: Record<string, string[]>;
  strict: boolean;
  subset: Record<string, SubsetRule>;
  /** sha256 of the canonical rules (never of the salt): which policy produced a snapshot. */
  hash: string;
  /** Some rule needs the salt. */
  keyed: boolean;
  /** Masked paths in all collections. */
  fields: number;
}

export function compilePolicy(config: Config): Policy | undefined {
  const masking = config.masking;
  const subsetConfig = config.subset;
  const hasRules = Object.values(masking?.rules ?? {}).some((r) => Object.keys(r).length > 0);
  if (!hasRules && !subsetConfig && !masking?.strict && !masking?.keep) return undefined;

  const rules: Record<string, Record<string, Strategy>> = {};
  for (const [collection, paths] of Object.entries(masking?.rules ?? {})) {
    const compiled: Record<string, Strategy> = {};
    for (const [path, raw] of Object.entries(paths)) compiled[path] = toStrategy(raw);
    checkPrefixes(collection, Object.keys(compiled));
    for (const [path, s] of Object.entries(compiled)) {
      if (path.split(".")[0] === "_id" && !KEYED.has(s.kind))
        throw new UserError(
          `masking.rules.${collection}."${path}": only email, name, phone or hash can mask _id (they keep distinct values distinct); ${s.kind} would break the copy.`,
        );
    }
    rules[collection] = compiled;
  }
  const keep = Object.fromEntries(Object.entries(masking?.keep ?? {}).map(([c, p]) => [c, [...p]]));
  for (const [collection, paths] of Object.entries(keep)) {
    const ruled = Object.keys(rules[collection] ?? {});
    const both = paths.filter((p) =>
      ruled.some((r) => r === p || r.startsWith(`${p}.`) || p.startsWith(`${r}.`)),
    );
    if (both.length)
      throw new UserError(
        `masking.keep.${collection} lists ${both.map((p) => `"${p}"`).join(", ")}, which masking.rules.${collection} also masks: a path is either masked or kept.`,
      );
  }

  const subset: Record<string, SubsetRule> = {};
  for (const [collection, rule] of Object.entries(subsetConfig ?? {})) {
    const out: SubsetRule = {};
    if (rule.filter !== undefined) out.filter = rule.filter;
    if (rule.sample !== undefined) out.sample = rule.sample;
    if (rule.limit !== undefined) out.limit = rule.limit;
    if (rule.references)
      out.references = rule.references.map((r) => ({
        field: r.field,
        collection: r.collection,
        key: r.key ?? "_id",
      }));
    if (Object.keys(out).length === 0)
      throw new UserError(`subset.${collection} is empty: give filter, sample, limit or references.`);
    subset[collection] = out;
  }
  dependencyOrder(subset);

  const canonical = canonicalJson({
    masking: { strict: masking?.strict ?? false, rules: masking?.rules ?? {}, keep: masking?.keep ?? {} },
    subset: subsetConfig ?? {},
  });
  const all = Object.values(rules).flatMap((r) => Object.values(r));
  return {
    rules,
    keep,
    strict: masking?.strict ?? false,
    subset,
    hash: createHash("sha256").update(canonical).digest("hex"),
    keyed: all.some((s) => KEYED.has(s.kind)),
    fields: all.length,
  };
}

function toStrategy(raw: unknown): Strategy {
  if (typeof raw === "string")
    return { kind: raw as Exclude<Strategy["kind"], "constant" | "expr" | "password"> } as Strategy;
  const o = raw as {
    constant?: unknown;
    expr?: Document;
    password?: Omit<PasswordStrategy, "kind" | "hash">;
  };
  if ("constant" in o) return { kind: "constant", value: o.constant };
  if (o.password) return { kind: "password", ...o.password };
  return { kind: "expr", expr: o.expr as Document };
}

/** "addresses" and "addresses.street" in one collection: which one wins would be a guess. */
function checkPrefixes(collection: string, paths: string[]): void {
  for (const a of paths)
    for (const b of paths)
      if (b.startsWith(`${a}.`))
        throw new UserError(
          `masking.rules.${collection} has both "${a}" and "${b}": the rule for "${a}" already covers everything inside it. Keep one.`,
        );
}

/**
 * Collections in the order their subsets can be computed: a collection whose subset references
 * another comes after it. A cycle has no such order and is an error that names it.
 */
export function dependencyOrder(subset: Record<string, SubsetRule>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (c: string, trail: string[]) => {
    if (state.get(c) === "done") return;
    if (state.get(c) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(c)), c];
      throw new UserError(
        `subset references form a cycle: ${cycle.join(" → ")}. Each collection's kept documents must be decidable before the collections that reference it; remove one of these references.`,
      );
    }
    state.set(c, "visiting");
    for (const r of subset[c]?.references ?? []) visit(r.collection, [...trail, c]);
    state.set(c, "done");
    order.push(c);
  };
  for (const c of Object.keys(subset).sort()) visit(c, []);
  return order;
}

/** JSON with sorted keys: the same rules (plain data from the config file) always hash the same. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object" && !(v instanceof Date))
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

/** Paths masked in a collection that cover `path` (itself or a parent). */
export function coveringRule(
  policy: Policy | undefined,
  collection: string,
  path: string,
): string | undefined {
  const rules = policy?.rules[collection] ?? {};
  return Object.keys(rules).find((r) => path === r || path.startsWith(`${r}.`));
}

export function coveringKeep(
  policy: Policy | undefined,
  collection: string,
  path: string,
): string | undefined {
  return (policy?.keep[collection] ?? []).find((k) => path === k || path.startsWith(`${k}.`));
}

/** Which strategy a rule applies, in words (for summaries and the scan). */
export function describeStrategy(s: Strategy): string {
  if (s.kind === "constant") return `constant ${JSON.stringify(s.value)}`;
  if (s.kind === "expr") return "expr";
  if (s.kind === "password")
    return `password (${s.scheme}${s.scheme === "bcrypt" ? `, cost ${s.cost ?? 10}` : ""})`;
  return s.kind;
}

import type { Db, Document } from "mongodb";
import { EXACT_BSON } from "../copy/stream";
import { UserError } from "../errors";
import { dependencyOrder, type Policy, type Reference, type SubsetRule } from "./policy";
import { fromExtendedJson } from "./stages";

/**
 * Subset rules as `$match`/`$lookup` stages run on the source, before masking (the rules test
 * production's values). Every rule is a per-document predicate, so a subset copies by any method,
 * parallel ranges included:
 * - `sample` keeps a document when a hash of its `_id` falls below the fraction: the same documents
 *   every run, so references between sampled collections stay consistent;
 * - `limit` becomes "`_id` at most the n-th kept `_id`", computed before the copy;
 * - `references` keeps a document only when every value of its reference field is the key of a
 *   document the referenced collection keeps (its own rules, recursively).
 */

const SAMPLE_SCALE = 1_000_000;

export interface CompiledSubset {
  /** collection → stages (empty when the collection has no subset rule). */
  stages: Map<string, Document[]>;
  /** collection → the rule in words, for the log and the summary. */
  described: Map<string, string>;
}

export async function compileSubsets(
  policy: Policy | undefined,
  source: Db,
  copied: readonly string[],
): Promise<CompiledSubset> {
  const stages = new Map<string, Document[]>();
  const described = new Map<string, string>();
  const subset = policy?.subset ?? {};
  for (const [collection, rule] of Object.entries(subset)) {
    if (!copied.includes(collection))
      throw new UserError(
        `subset.${collection}: the snapshot does not copy "${collection}" (it is not in the source database, or collections.include/exclude leave it out). Fix the name or remove the rule.`,
      );
    for (const r of rule.references ?? [])
      if (!copied.includes(r.collection))
        throw new UserError(
          `subset.${collection}.references points at "${r.collection}", which the snapshot does not copy: every document would be dropped. Copy it, or remove the reference.`,
        );
  }
  for (const collection of Object.keys(subset)) {
    const filter = subset[collection]?.filter;
    if (filter === undefined) continue;
    try {
      fromExtendedJson(filter);
    } catch (error) {
      throw new UserError(
        `subset.${collection}.filter is not valid MongoDB Extended JSON: ${(error as Error).message}`,
      );
    }
  }
  for (const collection of dependencyOrder(subset)) {
    const rule = subset[collection];
    if (!rule) continue;
    const predicate = predicates(rule, stages);
    const out = [...predicate];
    if (rule.limit !== undefined) {
      const [nth] = await source
        .collection(collection)
        .aggregate<{ _id: unknown }>(
          [
            ...predicate,
            { $sort: { _id: 1 } },
            { $skip: rule.limit - 1 },
            { $limit: 1 },
            { $project: { _id: 1 } },
          ],
          { ...EXACT_BSON, allowDiskUse: true },
        )
        .toArray();
      if (nth) out.push({ $match: { $expr: { $lte: ["$_id", { $literal: nth._id }] } } });
    }
    stages.set(collection, out);
    described.set(collection, describeRule(rule));
  }
  return { stages, described };
}

function predicates(rule: SubsetRule, compiled: Map<string, Document[]>): Document[] {
  const out: Document[] = [];
  if (rule.filter) out.push({ $match: fromExtendedJson(rule.filter) as Document });
  if (rule.sample !== undefined && rule.sample < 1) {
    const bucket = {
      $mod: [{ $add: [{ $mod: [{ $toHashedIndexKey: "$_id" }, SAMPLE_SCALE] }, SAMPLE_SCALE] }, SAMPLE_SCALE],
    };
    out.push({ $match: { $expr: { $lt: [bucket, Math.round(rule.sample * SAMPLE_SCALE)] } } });
  }
  (rule.references ?? []).forEach((r, i) => {
    const as = `__prsRef${i}`;
    out.push(
      {
        $lookup: {
          from: r.collection,
          localField: r.field,
          foreignField: r.key,
          pipeline: [...(compiled.get(r.collection) ?? []), { $project: { _id: 0, k: `$${r.key}` } }],
          as,
        },
      },
      { $match: { $expr: referencesResolve(r.field, `$${as}.k`) } },
      { $unset: as },
    );
  });
  return out;
}

/**
 * The stages that keep only the documents whose reference does not resolve in `from` (the physical
 * collection that holds the referenced keys): the proof's and the catch-up's dangling check.
 */
export function danglingReferenceStages(r: Reference, from: string): Document[] {
  return [
    {
      $lookup: {
        from,
        localField: r.field,
        foreignField: r.key,
        pipeline: [{ $project: { _id: 0, k: `$${r.key}` } }],
        as: "__prsRef",
      },
    },
    { $match: { $expr: { $not: [referencesResolve(r.field, "$__prsRef.k")] } } },
  ];
}

/** Every value of the reference field (one, or each of an array) is among the kept keys. */
export function referencesResolve(field: string, keys: string): Document {
  const refs = { $cond: [{ $isArray: `$${field}` }, `$${field}`, [`$${field}`]] };
  return { $and: [{ $gt: [{ $size: refs }, 0] }, { $setIsSubset: [refs, keys] }] };
}

function describeRule(rule: SubsetRule): string {
  const parts: string[] = [];
  if (rule.filter) parts.push("filter");
  if (rule.sample !== undefined) parts.push(`sample ${rule.sample}`);
  if (rule.references?.length)
    parts.push(
      `references ${rule.references.map((r) => `${r.field} → ${r.collection}.${r.key}`).join(", ")}`,
    );
  if (rule.limit !== undefined) parts.push(`limit ${rule.limit}`);
  return parts.join(", ");
}

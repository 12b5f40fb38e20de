import type { ClientSession, Db, Document } from "mongodb";
import { EXACT_BSON } from "../copy/stream";
import type { Strategy } from "./policy";
import { maskingStages } from "./stages";

/** Whether a collection's masking rules change `_id` (only the keyed strategies may). */
export function masksId(rules: Record<string, Strategy> | undefined): boolean {
  return Object.keys(rules ?? {}).some((p) => p === "_id" || p.startsWith("_id."));
}

/**
 * The `_id`s that documents with these production `_id`s have in the snapshot: the collection's
 * `_id` rules applied by the server (`$documents`, MongoDB 5.1+) with the same stages and
 * variables as the copy, so a catch-up can delete a masked document it is about to copy again.
 */
export async function maskedIds(o: {
  source: Db;
  rules: Record<string, Strategy> | undefined;
  variables?: Document;
  ids: readonly unknown[];
  session?: ClientSession;
}): Promise<unknown[]> {
  if (!masksId(o.rules)) return [...o.ids];
  const idRules = Object.fromEntries(
    Object.entries(o.rules ?? {}).filter(([p]) => p === "_id" || p.startsWith("_id.")),
  );
  const out: unknown[] = [];
  for (let i = 0; i < o.ids.length; i += 1_000) {
    const docs = await o.source
      .aggregate<{ _id: unknown }>(
        [
          { $documents: o.ids.slice(i, i + 1_000).map((id) => ({ _id: { $literal: id } })) },
          ...maskingStages(idRules),
          { $project: { _id: 1 } },
        ],
        { ...EXACT_BSON, ...(o.variables ? { let: o.variables } : {}) },
      )
      .toArray();
    for (const d of docs) out.push(d._id);
  }
  return out;
}

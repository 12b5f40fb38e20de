import type { ClientSession, Db, Document } from "mongodb";
import { EXACT_BSON } from "../copy/stream";
import type { Reference } from "./policy";
import { danglingReferenceStages } from "./subset";

/**
 * A subset's reference closure kept exact while a snapshot catches up. A document whose own fields
 * did not change can still enter or leave the subset, because a document it references entered or
 * left its own: after the referenced collection has caught up,
 * - it *enters* only if it references a key that one of the referenced collection's changed
 *   documents holds now ({@link referencingIds}: those are read again);
 * - it *leaves* only if it references a key one of those documents held before, and its reference
 *   no longer resolves inside the snapshot ({@link unresolvedIds}: those are removed), because the
 *   referenced collection in the snapshot then holds exactly the documents it keeps now.
 */

const BATCH = 1_000;

/**
 * `_id`s of `collection`'s documents (as production holds them, or as of a snapshot session's
 * time) whose reference field holds a key that the referenced collection's `changed` documents
 * hold after its own subset rule (`stages`): the documents that may have entered the subset.
 */
export async function referencingIds(o: {
  source: Db;
  collection: string;
  reference: Reference;
  /** `_id`s of the referenced collection's documents that changed (or entered or left its subset). */
  changed: readonly unknown[];
  /** The referenced collection's subset stages (empty: it keeps every document). */
  stages: readonly Document[];
  session?: ClientSession;
}): Promise<unknown[]> {
  const { reference: r } = o;
  const session = o.session ? { session: o.session } : {};
  const keys: unknown[] = [];
  for (let i = 0; i < o.changed.length; i += BATCH) {
    const ids = o.changed.slice(i, i + BATCH);
    const docs = await o.source
      .collection(r.collection)
      .aggregate<{ k?: unknown }>(
        [{ $match: { _id: { $in: ids } } }, ...o.stages, { $project: { _id: 0, k: `$${r.key}` } }],
        { ...EXACT_BSON, allowDiskUse: true, ...session },
      )
      .toArray();
    for (const d of docs) if (d.k !== undefined) keys.push(d.k);
  }
  const out: unknown[] = [];
  for (let i = 0; i < keys.length; i += BATCH) {
    const docs = await o.source
      .collection(o.collection)
      .find(
        { [r.field]: { $in: keys.slice(i, i + BATCH) } },
        { projection: { _id: 1 }, ...EXACT_BSON, ...session },
      )
      .toArray();
    for (const d of docs) out.push(d._id);
  }
  return out;
}

/**
 * `_id`s (in the snapshot) of `collection`'s documents that reference one of `keys` (values the
 * referenced collections' changed documents held in the snapshot before they were copied again)
 * and whose reference no longer resolves among the keys the referenced collection holds in the
 * snapshot now: the documents that left the subset. Only references to changed documents are
 * looked at: a reference that never resolved is the publish proof's to report, not this one's to
 * hide by deleting.
 */
export async function unresolvedIds(o: {
  snapshot: Db;
  physical: (logical: string) => string;
  collection: string;
  references: readonly Reference[];
  /** referenced collection → its changed documents' former keys, as the snapshot held them. */
  keys: ReadonlyMap<string, readonly unknown[]>;
}): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const r of o.references) {
    const keys = o.keys.get(r.collection) ?? [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const docs = await o.snapshot
        .collection(o.physical(o.collection))
        .aggregate<{ _id: unknown }>(
          [
            { $match: { [r.field]: { $in: keys.slice(i, i + BATCH) } } },
            ...danglingReferenceStages(r, o.physical(r.collection)),
            { $project: { _id: 1 } },
          ],
          { ...EXACT_BSON, allowDiskUse: true },
        )
        .toArray();
      for (const d of docs) out.push(d._id);
    }
  }
  return out;
}

/** The values of `key` that documents of a snapshot collection hold (before they are replaced or removed). */
export async function keysInSnapshot(o: {
  snapshot: Db;
  physical: string;
  key: string;
  ids: readonly unknown[];
}): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < o.ids.length; i += BATCH) {
    const docs = await o.snapshot
      .collection(o.physical)
      .aggregate<{ k?: unknown }>(
        [{ $match: { _id: { $in: o.ids.slice(i, i + BATCH) } } }, { $project: { _id: 0, k: `$${o.key}` } }],
        EXACT_BSON,
      )
      .toArray();
    for (const d of docs) if (d.k !== undefined) out.push(d.k);
  }
  return out;
}

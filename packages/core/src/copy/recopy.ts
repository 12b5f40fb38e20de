import type { ClientSession, Document } from "mongodb";
import { withRetry } from "../mongo/retry";
import { assertWritableTarget } from "../names";
import type { CopyEnv, Namespace } from "./engine";
import { copyComment } from "./stale";
import { streamCopy } from "./stream";

/**
 * The copy engine's second entry point: some documents of one collection copied again, by `_id`,
 * through the same pipeline (subset, masking) and the same stream (raw BSON, the write guard,
 * progress) as the first copy, so that the target holds what the source holds now, or as of a
 * snapshot session's cluster time. It is how a point-in-time snapshot catches up with the writes
 * production took while it was being copied (snapshot/catch-up.ts).
 *
 * Every requested `_id` is first deleted from the target, then whatever the pipeline returns for
 * them is inserted: a document that changed is replaced, one that was deleted or that no longer
 * passes a subset rule is gone, one that now passes it appears. Deleting the whole set first (not
 * batch by batch) keeps a unique index from seeing two versions of a value in flight: after the
 * deletes, the target holds only documents that did not change.
 */

export interface RecopyRequest {
  /** Logical name, for progress and messages. */
  name: string;
  source: Namespace;
  target: Namespace;
  /** Source `_id`s to read again. */
  ids: readonly unknown[];
  /**
   * The same documents' `_id`s in the target, when the pipeline changes `_id` (a keyed masking
   * rule on it), in any order; by default the source's.
   */
  targetIds?: readonly unknown[];
  /** Target `_id`s known to be out of the copy (a subset reference that no longer resolves). */
  remove?: readonly unknown[];
  pipeline?: readonly Document[];
  variables?: Document;
  /** Read as of this snapshot session's cluster time; otherwise the latest data. */
  snapshot?: ClientSession;
  /** `_id`s per aggregation and per delete (default 1,000). */
  batch?: number;
  /** Expected bytes of the documents (for progress). */
  bytes?: number;
}

export interface RecopyResult {
  /** Documents written (read again and still in the copy). */
  written: number;
  bytes: number;
  /** Requested documents that are no longer in the copy (deleted, or out of its subset), plus `remove`d ones. */
  removed: number;
  attempts: number;
  ms: number;
}

export async function recopyDocuments(env: CopyEnv, r: RecopyRequest): Promise<RecopyResult> {
  const started = Date.now();
  const beforeWrite = () => {
    assertWritableTarget(r.target.db, env.policy);
    env.guard?.();
  };
  const batch = r.batch ?? 1_000;
  const targetColl = env.target.db(r.target.db).collection(r.target.collection);
  const sourceColl = env.source.db(r.source.db).collection(r.source.collection);
  const comment = copyComment(r.target, env.tag);
  const deleteAll = async (ids: readonly unknown[]) => {
    let n = 0;
    for (const chunk of chunks(ids, batch)) {
      beforeWrite();
      n += (await targetColl.deleteMany({ _id: { $in: chunk } } as Document, { comment })).deletedCount;
    }
    return n;
  };
  let attempts = 0;
  // Deleting the set and inserting it again is idempotent: a retry starts over.
  const outcome = await withRetry(
    async (attempt) => {
      attempts = attempt;
      const task = r.ids.length
        ? env.progress?.task(r.name, "catch-up", { documents: r.ids.length, bytes: r.bytes ?? 0 })
        : undefined;
      try {
        const removed = await deleteAll(r.remove ?? []);
        await deleteAll(r.targetIds ?? r.ids);
        let written = 0;
        let bytes = 0;
        for (const ids of chunks(r.ids, batch)) {
          const s = await streamCopy({
            source: sourceColl,
            target: targetColl,
            // `$in` compares values, not BSON types: the `_id`s are given exactly as they are stored.
            pipeline: [{ $match: { _id: { $in: ids } } }, ...(r.pipeline ?? [])],
            ranges: [{}],
            ordered: false,
            comment,
            beforeWrite,
            ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
            ...(task ? { task } : {}),
            ...(r.variables ? { variables: r.variables } : {}),
            ...(r.snapshot ? { session: r.snapshot } : {}),
          });
          written += s.documents;
          bytes += s.bytes;
        }
        return { written, bytes, removed: removed + r.ids.length - written };
      } finally {
        task?.done();
      }
    },
    { attempts: env.attempts ?? 4, log: env.log, what: `Catch-up of ${r.source.db}.${r.source.collection}` },
  );
  return { ...outcome, attempts, ms: Date.now() - started };
}

function* chunks<T>(values: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

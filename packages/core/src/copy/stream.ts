import { BSON, type ClientSession, type Collection, type Document } from "mongodb";
import type { ProgressTask } from "./progress";
import { type IdRange, rangeMatch } from "./ranges";
import { documentSequenceClass, insertRaw } from "./raw-insert";

/**
 * Documents are read as raw BSON and, where the driver allows it, written back as the same bytes
 * (raw-insert.ts). Otherwise they are decoded with every promotion off, which also keeps the copy
 * byte-identical: with the driver's defaults an Int64 5 or a Double 5.0 comes back as a
 * JavaScript number and is written as an Int32, a regex loses flags the JavaScript engine does not
 * know, and a Symbol becomes a string.
 */
export const EXACT_BSON = {
  promoteLongs: false,
  promoteValues: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

export interface StreamOptions {
  source: Collection;
  target: Collection;
  /** Source-side stages applied after the range filter (masking, subsetting). */
  pipeline: readonly Document[];
  ranges: readonly IdRange[];
  /** Capped collections: natural order, one reader, ordered inserts. */
  ordered: boolean;
  comment: string;
  maxTimeMS?: number;
  task?: ProgressTask;
  /** Checked before every write: the target rules and the one-writer lease. */
  beforeWrite: () => void;
  batchDocuments?: number;
  batchBytes?: number;
  /** Decode and re-encode instead of passing raw BSON through (tests of the fallback). */
  decode?: boolean;
  /** `let` variables of the pipeline (the masking salt). */
  variables?: Document;
  /** Ranges read at once (default: all of them); more ranges than readers are bounded chunks. */
  readers?: number;
  /** Awaited before every range but the first (the engine's betweenChunks hook). */
  betweenRanges?: (index: number) => Promise<void>;
  /** A snapshot session: the source is read as of its cluster time (mongo/cluster-time.ts). */
  session?: ClientSession;
}

export interface StreamResult {
  documents: number;
  bytes: number;
  /** The documents went through as the same bytes (false: decoded and encoded again). */
  passThrough: boolean;
}

/**
 * Copies documents through the runner, one reader per range. Each reader keeps at most one batch
 * being written while it reads the next, so memory stays bounded at about two batches per reader.
 */
export async function streamCopy(o: StreamOptions): Promise<StreamResult> {
  const totals = { documents: 0, bytes: 0, passThrough: !o.decode && documentSequenceClass() !== undefined };
  await inPool(o.ranges, o.readers ?? o.ranges.length, async (range, i) => {
    if (i > 0) await o.betweenRanges?.(i);
    await readRange(o, range, totals);
  });
  return totals;
}

async function readRange(o: StreamOptions, range: IdRange, totals: StreamResult): Promise<void> {
  const maxDocs = o.batchDocuments ?? 1_000;
  const maxBytes = o.batchBytes ?? 8 * 1024 * 1024;
  const match = rangeMatch(range);
  const cursor = o.source.aggregate([...(match ? [match] : []), ...o.pipeline], {
    raw: true,
    batchSize: maxDocs,
    comment: o.comment,
    allowDiskUse: true,
    ...(o.variables ? { let: o.variables } : {}),
    ...(o.session ? { session: o.session } : {}),
    ...(o.ordered ? { hint: { $natural: 1 } } : {}),
    ...(o.maxTimeMS ? { maxTimeMS: o.maxTimeMS } : {}),
  });
  const { passThrough } = totals;
  let failed: { error: unknown } | undefined;
  let pending: Promise<void> = Promise.resolve();
  const insert = (docs: Uint8Array[]) =>
    passThrough
      ? insertRaw(o.target, docs, { ordered: o.ordered })
      : o.target
          .insertMany(
            docs.map((d) => BSON.deserialize(d, EXACT_BSON)),
            {
              ordered: o.ordered,
              bypassDocumentValidation: true,
              // The driver would replace a null _id with a new ObjectId: the server must see the document as it is.
              forceServerObjectId: true,
            },
          )
          .then(() => undefined);
  const write = (docs: Uint8Array[], bytes: number) => {
    o.beforeWrite();
    return insert(docs).then(
      () => {
        totals.documents += docs.length;
        totals.bytes += bytes;
        o.task?.add(docs.length, bytes);
      },
      (error: unknown) => {
        failed ??= { error };
      },
    );
  };
  let batch: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const raw of cursor) {
      if (failed) break;
      const bytes = raw as unknown as Uint8Array;
      batch.push(bytes);
      size += bytes.byteLength;
      if (batch.length >= maxDocs || size >= maxBytes) {
        await pending;
        pending = write(batch, size);
        batch = [];
        size = 0;
      }
    }
    await pending;
    if (!failed && batch.length) await write(batch, size);
  } finally {
    await cursor.close().catch(() => {});
  }
  if (failed) throw failed.error;
}

/** Runs `fn` over `items`, at most `workers` at once, in order of index; the first failure stops new work. */
export async function inPool<T>(
  items: readonly T[],
  workers: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
}

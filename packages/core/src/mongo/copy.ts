import type { Document, MongoClient } from "mongodb";
import { MongoServerError } from "mongodb";
import type { Log } from "../log";
import { assertWritableTarget, escapeRegExp, type TargetPolicy } from "../names";
import { withRetry } from "./retry";
import {
  type CollectionSpec,
  compareSpecs,
  creatableOptions,
  indexSpecsFor,
  readCollectionSpec,
} from "./specs";

export interface Namespace {
  db: string;
  collection: string;
}

export type CopyMethod = "$out" | "$out (time-series)" | "client copy (capped)" | "client copy (time-series)";

export interface CopyRequest {
  source: Namespace;
  target: Namespace;
  /** The source's options and indexes, recreated on the target. */
  spec: CollectionSpec;
  /** When known (restore from a snapshot), the copy must hold exactly this many documents. */
  expectedCount?: number;
}

export interface CopyContext {
  client: MongoClient;
  /** Checked before every write into the target database. */
  policy: TargetPolicy;
  log: Log;
  /** Attached as the `$out` command's comment so a later run can find and stop it. */
  tag: string;
  /** Server-side time limit of one `$out` (0 = none). */
  maxTimeMS?: number;
  /** `$out` can write time-series collections from MongoDB 7.0.3. */
  timeseriesOut: boolean;
  attempts?: number;
}

export interface CopyResult {
  name: string;
  target: Namespace;
  documents: number;
  indexes: number;
  method: CopyMethod;
  ms: number;
  attempts: number;
}

/** One row of a restore's or producer's report. */
export interface CollectionReport {
  name: string;
  documents: number;
  indexes: number;
  seconds: number;
  method: string;
}

export function collectionReport(r: CopyResult): CollectionReport {
  return { name: r.name, documents: r.documents, indexes: r.indexes, seconds: r.ms / 1000, method: r.method };
}

export const COPY_COMMENT_PREFIX = "pr-snapshots copy into";

export function copyComment(target: Namespace, tag: string): string {
  return `${COPY_COMMENT_PREFIX} ${target.db}.${target.collection} ${tag}`;
}

/**
 * Copies one collection with server-side `$out`, so documents never leave the cluster, and
 * keeps what `$out` alone loses: the target is created first with the source's options
 * (validator, collation, clustered index, ...), `$out` replaces it atomically while keeping
 * them, and the secondary indexes are built afterwards in one pass (faster than maintaining
 * them during the copy). The result is verified against the source spec and expected count.
 */
export async function copyCollection(ctx: CopyContext, request: CopyRequest): Promise<CopyResult> {
  const { source, target, spec } = request;
  const started = Date.now();
  let attempts = 0;
  const method = await withRetry(
    async (attempt) => {
      attempts = attempt;
      return copyOnce(ctx, request);
    },
    { attempts: ctx.attempts ?? 4, log: ctx.log, what: `Copy of ${source.db}.${source.collection}` },
  );
  const db = ctx.client.db(target.db);
  const copied = await readCollectionSpec(db, target.collection);
  const problems = compareSpecs({ ...spec, name: target.collection }, copied);
  const documents = await db.collection(target.collection).countDocuments({});
  if (request.expectedCount !== undefined && documents !== request.expectedCount) {
    problems.push(`has ${documents} documents, expected ${request.expectedCount}`);
  }
  if (problems.length) {
    throw new Error(
      `Verification of ${target.db}.${target.collection} (copied from ${source.db}.${source.collection}) failed: ${problems.join("; ")}.`,
    );
  }
  return {
    name: spec.name,
    target,
    documents,
    indexes: spec.indexes.length,
    method,
    ms: Date.now() - started,
    attempts,
  };
}

async function copyOnce(ctx: CopyContext, { source, target, spec }: CopyRequest): Promise<CopyMethod> {
  assertWritableTarget(target.db, ctx.policy);
  const targetDb = ctx.client.db(target.db);
  const sourceColl = ctx.client.db(source.db).collection(source.collection);
  await dropCollectionIfExists(ctx.client, target);

  let method: CopyMethod;
  if (spec.type === "timeseries") {
    const timeseries = timeseriesOptions(spec.options.timeseries as Document);
    const ttl =
      spec.options.expireAfterSeconds === undefined
        ? {}
        : { expireAfterSeconds: spec.options.expireAfterSeconds };
    if (ctx.timeseriesOut) {
      await sourceColl
        .aggregate(
          [{ $out: { db: target.db, coll: target.collection, timeseries } }],
          aggregateOptions(ctx, target),
        )
        .toArray();
      if (ttl.expireAfterSeconds !== undefined)
        await targetDb.command({ collMod: target.collection, ...ttl });
      method = "$out (time-series)";
    } else {
      await targetDb.createCollection(target.collection, { timeseries, ...ttl } as Document);
      await clientCopy(ctx, source, target, false);
      method = "client copy (time-series)";
    }
  } else if (spec.options.capped === true) {
    const capped: Document = { capped: true, size: spec.options.size };
    if (spec.options.max !== undefined) capped.max = spec.options.max;
    await targetDb.createCollection(target.collection, { ...creatableOptions(spec), ...capped });
    await clientCopy(ctx, source, target, true);
    method = "client copy (capped)";
  } else {
    await targetDb.createCollection(target.collection, creatableOptions(spec));
    // Re-checked right before the write: nothing between the policy check and here may change the target.
    assertWritableTarget(target.db, ctx.policy);
    await sourceColl
      .aggregate([{ $out: { db: target.db, coll: target.collection } }], aggregateOptions(ctx, target))
      .toArray();
    method = "$out";
  }

  const indexes = indexSpecsFor(spec);
  if (indexes.length) await targetDb.command({ createIndexes: target.collection, indexes });
  return method;
}

function aggregateOptions(ctx: CopyContext, target: Namespace): Document {
  return {
    // The source already passed its validator (or predates it); a copy must not re-judge it.
    bypassDocumentValidation: true,
    comment: copyComment(target, ctx.tag),
    ...(ctx.maxTimeMS ? { maxTimeMS: ctx.maxTimeMS } : {}),
  };
}

/** Capped and (before 7.0.3) time-series collections cannot be `$out` targets: copy through the driver. */
async function clientCopy(
  ctx: CopyContext,
  source: Namespace,
  target: Namespace,
  naturalOrder: boolean,
): Promise<void> {
  const cursor = ctx.client
    .db(source.db)
    .collection(source.collection)
    .find({}, { batchSize: 1000, ...(naturalOrder ? { sort: { $natural: 1 } } : {}) });
  const into = ctx.client.db(target.db).collection(target.collection);
  let batch: Document[] = [];
  for await (const doc of cursor) {
    batch.push(doc);
    if (batch.length === 1000) {
      await into.insertMany(batch, { ordered: naturalOrder, bypassDocumentValidation: true });
      batch = [];
    }
  }
  if (batch.length) await into.insertMany(batch, { ordered: naturalOrder, bypassDocumentValidation: true });
}

function timeseriesOptions(ts: Document): Document {
  const out: Document = { timeField: ts.timeField };
  if (ts.metaField !== undefined) out.metaField = ts.metaField;
  if (ts.granularity !== undefined) out.granularity = ts.granularity;
  else {
    if (ts.bucketMaxSpanSeconds !== undefined) out.bucketMaxSpanSeconds = ts.bucketMaxSpanSeconds;
    if (ts.bucketRoundingSeconds !== undefined) out.bucketRoundingSeconds = ts.bucketRoundingSeconds;
  }
  return out;
}

export async function dropCollectionIfExists(client: MongoClient, ns: Namespace): Promise<boolean> {
  try {
    return await client.db(ns.db).dropCollection(ns.collection);
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 26) return false; // NamespaceNotFound
    throw error;
  }
}

/** Recreates a view in the target database (its pipeline refers to collections by their logical names). */
export async function createView(
  client: MongoClient,
  policy: TargetPolicy,
  targetDb: string,
  view: CollectionSpec,
): Promise<void> {
  assertWritableTarget(targetDb, policy);
  await dropCollectionIfExists(client, { db: targetDb, collection: view.name });
  const options: Document = { viewOn: view.options.viewOn, pipeline: view.options.pipeline ?? [] };
  if (view.options.collation) options.collation = view.options.collation;
  await client.db(targetDb).createCollection(view.name, options);
}

/**
 * A killed client does not stop its `$out`: the server finishes it and would then replace a
 * collection a later run has already copied. Stop such leftovers before copying again.
 */
export async function stopStaleCopies(
  client: MongoClient,
  targetDb: string,
  log: Log,
  exceptTag?: string,
): Promise<number> {
  const pattern = `^${escapeRegExp(`${COPY_COMMENT_PREFIX} ${targetDb}.`)}`;
  const find = async () =>
    (
      await client
        .db("admin")
        .aggregate([
          { $currentOp: { allUsers: false, idleConnections: false } },
          { $match: { "command.comment": { $regex: pattern } } },
        ])
        .toArray()
    ).filter((op) => !exceptTag || !String(op.command?.comment ?? "").endsWith(` ${exceptTag}`));
  const stale = await find();
  for (const op of stale) {
    log.warning(
      `Stopping an unfinished copy from an earlier run: ${String(op.command?.comment)} (opid ${op.opid}).`,
    );
    await client
      .db("admin")
      .command({ killOp: 1, op: op.opid })
      .catch(() => {});
  }
  for (let i = 0; i < 100 && stale.length && (await find()).length; i++)
    await new Promise((r) => setTimeout(r, 200));
  return stale.length;
}

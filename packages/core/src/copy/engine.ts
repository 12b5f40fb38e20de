import type { Binary, ClientSession, Document, MongoClient, Timestamp } from "mongodb";
import { MongoServerError } from "mongodb";
import type { Log } from "../log";
import { cappedMaxTimeMS, type ServerLimits } from "../mongo/limits";
import { withRetry } from "../mongo/retry";
import { serverCores, serverSupportsTimeseriesOut } from "../mongo/server";
import {
  type CollectionSpec,
  compareSpecs,
  creatableOptions,
  indexSpecsFor,
  readCollectionSpec,
} from "../mongo/specs";
import { assertWritableTarget, type TargetPolicy } from "../names";
import {
  type CopyMethodKind,
  type CopyMethodSetting,
  chooseMethod,
  DEFAULT_RANGE_THRESHOLD_MB,
  MAX_RANGES,
  type MethodChoice,
} from "./methods";
import type { Progress, ProgressTask } from "./progress";
import { rangeMatch, splitById } from "./ranges";
import { copyComment } from "./stale";
import { inPool, type StreamOptions, type StreamResult, streamCopy } from "./stream";
import { swapIntoPlace, temporaryCollectionName } from "./swap";

/**
 * The copy engine: one collection from a source namespace to a target namespace, by one of three
 * methods (see methods.ts), with the source's options and indexes, verified afterwards. The
 * restore and the producer both copy through here; masking and subsetting arrive as `pipeline`,
 * stages that run on the source before anything is written.
 */

export interface Namespace {
  db: string;
  collection: string;
}

export interface CopyEnv {
  source: MongoClient;
  target: MongoClient;
  /** Source and target are one deployment: the server can copy by itself. */
  sameDeployment: boolean;
  /** Checked before every write into the target database. */
  policy: TargetPolicy;
  log: Log;
  /** Attached as the comment of every server-side copy, so a later run can find and stop it. */
  tag: string;
  /** Server-side time limit of one aggregation (0 or undefined = none). */
  maxTimeMS?: number;
  /** `$out` can write time-series collections on the target (MongoDB 7.0.3+). */
  timeseriesOut: boolean;
  /** The target server's cores, when readable. */
  cores?: number;
  concurrency: number;
  method: CopyMethodSetting;
  rangeThresholdBytes: number;
  /** Smallest amount of data worth a range or reader of its own (tests make it small). */
  minRangeBytes?: number;
  progress?: Progress;
  /** Also checked before every write: e.g. that this run still holds the one-writer lease. */
  guard?: () => void;
  attempts?: number;
  /** Largest amount of data one aggregation copies; larger collections go in bounded chunks. */
  chunkBytes?: number;
  /** Awaited between two chunks of a collection (the throttle's pauses plug in here). */
  betweenChunks?: BetweenChunks;
  /** The target is a replica set: index builds commit on a majority (see buildIndexes). */
  replicaSet?: boolean;
  /**
   * Awaited before each collection's copy starts (a throttle holds new copies back while paused,
   * and bounds how many run at once); the function it returns is called when that copy ends.
   */
  beforeCopy?: (collection: string) => Promise<(() => void) | undefined>;
  /**
   * Why the run's copies were stopped from outside (a throttle's abort), if they were: a copy that
   * fails afterwards (e.g. its aggregation was killed) reports this instead of its own error.
   */
  stopped?: () => Error | undefined;
}

/** Where a chunked copy is when it asks whether to go on. */
export interface ChunkPosition {
  /** Logical collection name. */
  collection: string;
  /**
   * The chunk about to be copied (1 = the second one: the hook runs between chunks); `chunks`
   * after the last one, before the secondary indexes are built (when they are built afterwards).
   */
  chunk: number;
  chunks: number;
}

/**
 * Called (and awaited) before every chunk of a chunked copy but the first, and before an index
 * build that follows the chunks. Generic on purpose: a throttle pauses here while the server is
 * busy (issue 23); anything that throws stops the copy like a failed chunk would.
 */
export type BetweenChunks = (at: ChunkPosition) => Promise<void>;

/** Chunk size under a server's time cap when none is set: at 0.25 MB/s it still takes < 300 s. */
export const DEFAULT_CAPPED_CHUNK_MB = 64;

export interface EnvironmentOptions
  extends Pick<CopyEnv, "source" | "target" | "sameDeployment" | "policy" | "log" | "tag" | "concurrency"> {
  method?: CopyMethodSetting;
  rangeThresholdMb?: number;
  progress?: Progress;
  guard?: () => void;
  maxTimeMS?: number;
  /** The limits of the target's server (and of the source's, when it is another deployment). */
  limits?: ServerLimits;
  sourceLimits?: ServerLimits;
  /** Largest chunk one aggregation copies, MB (default: none, or {@link DEFAULT_CAPPED_CHUNK_MB} under a time cap). */
  chunkMb?: number;
  betweenChunks?: BetweenChunks;
  beforeCopy?: CopyEnv["beforeCopy"];
  stopped?: CopyEnv["stopped"];
}

/**
 * The environment of a run's copies (restore or producer): what the target server can do, read
 * once. A user without the hostInfo privilege cannot read the core count: then the engine splits
 * large collections into `concurrency` ranges, and the log says so.
 */
export async function copyEnvironment(o: EnvironmentOptions): Promise<CopyEnv> {
  const cores = await serverCores(o.target);
  // Under a server's cap on one aggregation (Atlas shared tiers: 300 s), every aggregation carries
  // a time limit no higher than the cap, and no single one copies more than a bounded chunk.
  const capped = [o.limits, o.sourceLimits].find((l) => l?.maxTimeMS);
  const maxTimeMS = cappedMaxTimeMS(o.maxTimeMS, capped);
  const chunkMb = o.chunkMb ?? (capped ? DEFAULT_CAPPED_CHUNK_MB : undefined);
  if (capped)
    o.log.info(
      `Each aggregation is limited to ${(maxTimeMS ?? 0) / 1000} s (${capped.why}): collections over ${chunkMb} MB are copied in bounded chunks.`,
    );
  if (cores === undefined)
    o.log.info(
      `The server's core count is not readable with these credentials (hostInfo); large collections are split into up to ${Math.min(MAX_RANGES, Math.max(2, o.concurrency))} ranges (from concurrency).`,
    );
  else o.log.info(`The server has ${cores} cores.`);
  return {
    source: o.source,
    target: o.target,
    sameDeployment: o.sameDeployment,
    policy: o.policy,
    log: o.log,
    tag: o.tag,
    concurrency: o.concurrency,
    timeseriesOut: await serverSupportsTimeseriesOut(o.target, o.log),
    ...(cores === undefined ? {} : { cores }),
    method: o.method ?? "auto",
    rangeThresholdBytes: (o.rangeThresholdMb ?? DEFAULT_RANGE_THRESHOLD_MB) * 1024 * 1024,
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.guard ? { guard: o.guard } : {}),
    ...(maxTimeMS ? { maxTimeMS } : {}),
    ...(chunkMb ? { chunkBytes: chunkMb * 1024 * 1024 } : {}),
    ...(o.betweenChunks ? { betweenChunks: o.betweenChunks } : {}),
    ...(o.beforeCopy ? { beforeCopy: o.beforeCopy } : {}),
    ...(o.stopped ? { stopped: o.stopped } : {}),
    ...(typeof (await o.target.db("admin").command({ hello: 1 })).setName === "string"
      ? { replicaSet: true }
      : {}),
  };
}

export interface CopyRequest {
  source: Namespace;
  target: Namespace;
  /** The source's options and indexes, recreated on the target (its name is the target's logical name). */
  spec: CollectionSpec;
  /** Size and count of the source, for choosing the method and reporting progress. */
  bytes: number;
  documents: number;
  /** When known (restore from a snapshot), the copy must hold exactly this many documents. */
  expectedCount?: number;
  /** Stages run on the source after the range filter, before anything is written (masking, subset). */
  pipeline?: readonly Document[];
  /** Variables of those stages (`let`), e.g. the masking salt: kept out of the stages themselves. */
  variables?: Document;
  /**
   * Build under a temporary name, verify, then swap into `target` atomically (copy/swap.ts): a
   * restore, whose target the preview application may be writing meanwhile. The producer writes
   * fresh generation collections and needs no swap. Time-series collections, which cannot be
   * renamed, are rebuilt in place.
   */
  swap?: boolean;
  /**
   * A snapshot session (mongo/cluster-time.ts): the source is read as of its cluster time. Only a
   * stream through this process can do that (`$out` and `$merge` read the latest data).
   */
  snapshot?: ClientSession;
}

export interface CopyResult {
  name: string;
  target: Namespace;
  documents: number;
  indexes: number;
  /** The method as the summary shows it, e.g. "$out", "ranges ×8", "stream (capped)". */
  method: string;
  kind: CopyMethodKind;
  ms: number;
  startedAt: number;
  endedAt: number;
  attempts: number;
  /** A swapped copy: when the swap happened (replica sets) and the collection's UUID since. */
  swappedAt?: Timestamp;
  uuid?: Binary;
}

/** One row of a restore's or producer's report. */
export interface CollectionReport {
  name: string;
  documents: number;
  indexes: number;
  seconds: number;
  method: string;
  startedAt?: number;
  endedAt?: number;
  /** A differential restore's decision: the proof used, the outcome in words, and how long it took. */
  check?: { proof: string; reason: string; seconds: number };
}

export function collectionReport(r: CopyResult): CollectionReport {
  return {
    name: r.name,
    documents: r.documents,
    indexes: r.indexes,
    seconds: r.ms / 1000,
    method: r.method,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
  };
}

export async function copyCollection(env: CopyEnv, request: CopyRequest): Promise<CopyResult> {
  const { source, target, spec } = request;
  // Where the copy is built and verified: the target itself, or a temporary name swapped in at the
  // end. Not for time-series collections: renameCollection refuses them (MongoDB 6.0 to 8.0).
  const into: Namespace =
    request.swap && spec.type !== "timeseries"
      ? { db: target.db, collection: temporaryCollectionName() }
      : target;
  const startedAt = Date.now();
  // Admitted first (a throttle may hold the copy back): a copy waiting for its turn is not shown
  // as in progress; retries are admitted again.
  let admitted = await env.beforeCopy?.(spec.name);
  const choice = chooseMethod({
    type: spec.type === "timeseries" ? "timeseries" : "collection",
    capped: spec.options.capped === true,
    bytes: request.bytes,
    sameDeployment: env.sameDeployment,
    timeseriesOut: env.timeseriesOut,
    cores: env.cores,
    concurrency: env.concurrency,
    rangeThresholdBytes: env.rangeThresholdBytes,
    setting: request.snapshot ? "stream" : env.method,
    ...(env.minRangeBytes !== undefined ? { minRangeBytes: env.minRangeBytes } : {}),
    ...(env.chunkBytes !== undefined ? { chunkBytes: env.chunkBytes } : {}),
  });
  env.log.debug(`${spec.name}: ${choice.label} (${choice.reason})`);
  const task = env.progress?.task(spec.name, choice.label, {
    documents: request.expectedCount ?? request.documents,
    bytes: request.bytes,
  });
  let attempts = 0;
  try {
    await withRetry(
      async (attempt) => {
        attempts = attempt;
        const ended = attempt === 1 ? admitted : await env.beforeCopy?.(spec.name);
        admitted = undefined;
        await copyOnce(env, into === target ? request : { ...request, target: into }, choice, task)
          .catch((error: unknown) => {
            throw env.stopped?.() ?? error;
          })
          .finally(() => ended?.());
      },
      { attempts: env.attempts ?? 4, log: env.log, what: `Copy of ${source.db}.${source.collection}` },
    );
    task?.phase("verifying");
    const db = env.target.db(target.db);
    const copied = await readCollectionSpec(db, into.collection);
    const problems = compareSpecs({ ...spec, name: into.collection }, copied);
    const documents = await db.collection(into.collection).countDocuments({});
    if (request.expectedCount !== undefined && documents !== request.expectedCount) {
      problems.push(`has ${documents} documents, expected ${request.expectedCount}`);
    }
    if (problems.length) {
      throw new Error(
        `Verification of ${target.db}.${target.collection} (copied from ${source.db}.${source.collection}) failed: ${problems.join("; ")}.`,
      );
    }
    const swapped =
      into === target
        ? undefined
        : await swapIntoPlace({
            client: env.target,
            db: target.db,
            temporary: into.collection,
            target: target.collection,
            policy: env.policy,
            log: env.log,
            ...(env.guard ? { guard: env.guard } : {}),
          });
    const endedAt = Date.now();
    return {
      name: spec.name,
      target,
      documents,
      indexes: spec.indexes.length,
      method: choice.label,
      kind: choice.kind,
      ms: endedAt - startedAt,
      startedAt,
      endedAt,
      attempts,
      ...(swapped?.operationTime ? { swappedAt: swapped.operationTime } : {}),
      ...(swapped?.uuid ? { uuid: swapped.uuid } : {}),
    };
  } catch (error) {
    // A copy that never made it into place must not linger under its temporary name (unless this
    // run lost the lease: then it writes nothing more, and the next restore drops the leftover).
    if (into !== target) {
      try {
        assertWritableTarget(into.db, env.policy);
        env.guard?.();
        await dropCollectionIfExists(env.target, into);
      } catch {}
    }
    throw error;
  } finally {
    admitted?.();
    task?.done();
  }
}

async function copyOnce(
  env: CopyEnv,
  request: CopyRequest,
  choice: MethodChoice,
  task: ProgressTask | undefined,
): Promise<void> {
  const { source, target, spec } = request;
  const beforeWrite = () => {
    assertWritableTarget(target.db, env.policy);
    env.guard?.();
  };
  beforeWrite();
  const targetDb = env.target.db(target.db);
  const sourceColl = env.source.db(source.db).collection(source.collection);
  const targetColl = targetDb.collection(target.collection);
  const pipeline = [...(request.pipeline ?? [])];
  const comment = copyComment(target, env.tag);
  const variables = request.variables ? { let: request.variables } : {};
  const aggregateOptions: Document = {
    // The source already passed its validator (or predates it); a copy must not re-judge it.
    bypassDocumentValidation: true,
    comment,
    ...variables,
    ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
  };
  const indexes = indexSpecsFor(spec);
  const buildIndexes = async () => {
    if (!indexes.length) return;
    task?.phase(`building ${indexes.length} index${indexes.length === 1 ? "" : "es"}`);
    beforeWrite();
    // On a replica set, a build commits on a majority: with the default (every voting member) it
    // waits, without end, for a member that is down (found by the primary-SIGKILL fault test).
    await targetDb.command({
      createIndexes: target.collection,
      indexes,
      ...(env.replicaSet ? { commitQuorum: "majority" } : {}),
    });
  };
  /** Streams through this process: only the ranges, the order and the stages vary between uses. */
  const chunks = choice.chunks ?? choice.parallelism;
  const between = (index: number) =>
    env.betweenChunks?.({ collection: spec.name, chunk: index, chunks }) ?? Promise.resolve();
  const stream = async (
    o: Pick<StreamOptions, "ranges" | "ordered" | "readers" | "betweenRanges"> & {
      stages?: readonly Document[];
    },
  ): Promise<StreamResult> => {
    const r = await streamCopy({
      source: sourceColl,
      target: targetColl,
      pipeline: o.stages ?? pipeline,
      ranges: o.ranges,
      ordered: o.ordered,
      ...(o.readers ? { readers: o.readers } : {}),
      ...(o.betweenRanges ? { betweenRanges: o.betweenRanges } : {}),
      comment,
      beforeWrite,
      ...(env.maxTimeMS ? { maxTimeMS: env.maxTimeMS } : {}),
      ...(task ? { task } : {}),
      ...(request.variables ? { variables: request.variables } : {}),
      ...(request.snapshot ? { session: request.snapshot } : {}),
    });
    env.log.debug(
      `${spec.name}: ${r.documents} documents, ${r.bytes} bytes streamed ${r.passThrough ? "as raw BSON (byte for byte)" : "decoded with every promotion off"}.`,
    );
    return r;
  };
  task?.setProbe(undefined);
  await dropCollectionIfExists(env.target, target);

  if (spec.type === "timeseries") {
    const timeseries = timeseriesOptions(spec.options.timeseries as Document);
    const ttl =
      spec.options.expireAfterSeconds === undefined
        ? {}
        : { expireAfterSeconds: spec.options.expireAfterSeconds };
    if (choice.kind === "$out") {
      beforeWrite();
      await sourceColl
        .aggregate(
          [...pipeline, { $out: { db: target.db, coll: target.collection, timeseries } }],
          aggregateOptions,
        )
        .toArray();
      if (ttl.expireAfterSeconds !== undefined)
        await targetDb.command({ collMod: target.collection, ...ttl });
    } else {
      await targetDb.createCollection(target.collection, { timeseries, ...ttl } as Document);
      await stream({ ranges: [{}], ordered: false });
    }
    await buildIndexes();
    return;
  }

  if (spec.options.capped === true) {
    const capped: Document = { capped: true, size: spec.options.size };
    if (spec.options.max !== undefined) capped.max = spec.options.max;
    await targetDb.createCollection(target.collection, { ...creatableOptions(spec), ...capped });
    await stream({ ranges: [{}], ordered: true });
    await buildIndexes();
    return;
  }

  await targetDb.createCollection(target.collection, creatableOptions(spec));
  if (choice.kind === "$out") {
    beforeWrite();
    await sourceColl
      .aggregate([...pipeline, { $out: { db: target.db, coll: target.collection } }], aggregateOptions)
      .toArray();
    await buildIndexes();
    return;
  }

  if (choice.kind === "ranges") {
    // Indexes first: maintaining them during K parallel inserts beats one single-threaded build
    // afterwards. Chunks one at a time build them last, as $out does (methods.ts, indexesLast).
    if (!choice.indexesLast) await buildIndexes();
    task?.phase("copying");
    const perDocument = request.documents > 0 ? request.bytes / request.documents : 0;
    task?.setProbe(async () => {
      const documents = await targetColl.estimatedDocumentCount();
      return { documents, bytes: Math.round(documents * perDocument) };
    });
    const ranges = await splitById(sourceColl, chunks, comment, env.maxTimeMS);
    await inPool(ranges, choice.parallelism, async (range, index) => {
      if (index > 0) await between(index);
      const match = rangeMatch(range);
      beforeWrite();
      await sourceColl
        .aggregate(
          [
            ...(match ? [match] : []),
            // $merge cannot write a document whose _id is null or missing: those go through the stream below.
            { $match: { _id: { $ne: null } } },
            ...pipeline,
            {
              $merge: {
                into: { db: target.db, coll: target.collection },
                on: "_id",
                whenMatched: "fail",
                whenNotMatched: "insert",
              },
            },
          ],
          aggregateOptions,
        )
        .toArray();
    });
    if (await sourceColl.findOne({ _id: null } as Document, { projection: { _id: 1 } })) {
      await stream({ ranges: [{}], ordered: false, stages: [{ $match: { _id: null } }, ...pipeline] });
    }
    task?.setProbe(undefined);
    if (choice.indexesLast) {
      await between(chunks);
      await buildIndexes();
    }
    return;
  }

  // stream: through the runner (another deployment, or forced), indexes afterwards as mongorestore does.
  const ranges = await splitById(sourceColl, chunks, comment, env.maxTimeMS);
  await stream({ ranges, ordered: false, readers: choice.parallelism, betweenRanges: between });
  if (choice.chunks) await between(chunks);
  await buildIndexes();
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

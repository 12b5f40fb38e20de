import type { Db, MongoClient } from "mongodb";
import { mapBounded, mapLargestFirst } from "../concurrency";
import {
  type BetweenChunks,
  type CollectionReport,
  type CopyEnv,
  type CopyResult,
  collectionReport,
  copyCollection,
  copyEnvironment,
  createView,
  dropCollectionIfExists,
  type EnvironmentOptions,
} from "../copy/engine";
import type { CopyMethodSetting } from "../copy/methods";
import { Progress } from "../copy/progress";
import { stopStaleCopies } from "../copy/stale";
import { dropLeftoverTemporaries, isTemporaryCollection } from "../copy/swap";
import { type CollectionDecision, clusterTimeNow, decideCollections } from "../differential/proofs";
import { recordedFingerprints } from "../differential/record";
import { UserError } from "../errors";
import type { Log } from "../log";
import { formatBytes } from "../markdown";
import type { Lease } from "../mongo/lease";
import { assertLeastPrivilege } from "../mongo/least-privilege";
import { serverLimitsOf } from "../mongo/limits";
import { type CollectionSpec, readCollectionSpec } from "../mongo/specs";
import {
  acquireWriterLease,
  isBookkeeping,
  METADATA_COLLECTION,
  type PrDatabaseMetadata,
  readPrMetadata,
} from "../mongo/target";
import { assertWritableTarget, protectMore, type TargetPolicy } from "../names";
import type { ThrottleSettings } from "../throttle/settings";
import { snapshotProbe, startThrottle, type Throttle, type ThrottleReport } from "../throttle/throttle";
import { snapshotFacts } from "./comment-facts";
import { type Consistency, readConsistency } from "./consistency";
import { assertRestoreFits } from "./fits";
import {
  physicalName,
  type SnapshotMetadata,
  type ViewDefinition,
  waitForCompleteSnapshot,
} from "./metadata";
import { checkRefresh, type RefreshPolicy } from "./refresh";

export interface RestoreRequest {
  client: MongoClient;
  log: Log;
  snapshotDatabase: string;
  target: string;
  policy: TargetPolicy;
  waitTimeoutMs: number;
  pollIntervalMs: number;
  concurrency: number;
  dryRun: boolean;
  allowPrivilegedCredentials: boolean;
  snapshotLabel?: string;
  /** Server-side time limit for each collection's copy (0 or undefined: none). */
  maxTimeMS?: number;
  /** `auto` (default) or a forced copy method. */
  copyMethod?: CopyMethodSetting;
  /** Collections at least this large are copied as parallel `_id` ranges. */
  rangeThresholdMb?: number;
  /** Largest chunk one aggregation copies, MB (default: none; 64 under a server's time cap). */
  chunkMb?: number;
  /** Awaited between two chunks of a chunked copy (engine hook; the throttle's pauses). */
  betweenChunks?: BetweenChunks;
  /** Lifetime of the one-writer lease, renewed while the restore runs. */
  leaseSeconds?: number;
  /**
   * The writer lease, when the caller already holds it (it read the database's records under it
   * and decided to restore); the caller releases it.
   */
  lease?: Lease;
  progressIntervalMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called (and awaited) after each collection is copied and verified. */
  onCollectionCopied?: (result: CopyResult) => void | Promise<void>;
  /**
   * `every-sync` (default) and `new-snapshot` (which first skips when the PR database already
   * holds the latest snapshot completely) restore differentially; `full` copies everything.
   */
  refresh?: RefreshPolicy;
  /** CONTRACT §12 (default here: off; the actions and the command line default to auto). */
  throttle?: ThrottleSettings;
  /** The throttle's own small client to the same deployment (default: `client`). */
  monitor?: MongoClient;
  /** Longest the change stream may take to reach the present before dbHash is used instead. */
  changeStreamTimeoutMs?: number;
}

export interface PlannedCollection {
  name: string;
  physical: string;
  spec: CollectionSpec;
  documents: number;
  /** Size of the data, to start the biggest copies first and choose the method. */
  bytes: number;
}

export type { CollectionReport };

export interface RestoreReport {
  /** The snapshot was masked under this policy (sha256 of its rules), if it was. */
  maskingPolicy?: string;
  /** Kept documents of the collections the snapshot holds a subset of. */
  subset?: Record<string, number>;
  /** CONTRACT §13: point-in-time (as of `consistentAtDate`) or per-collection, as the snapshot records it. */
  consistency?: Consistency;
  consistentAtDate?: Date;
  database: string;
  snapshotDatabase: string;
  snapshotTimestamp: Date;
  source: string;
  generation?: string;
  dryRun: boolean;
  /** The database already held this snapshot (refresh: new-snapshot), so nothing was copied. */
  skipped: boolean;
  /** Why the restore was or was not skipped, when refresh is new-snapshot. */
  refreshReason?: string;
  collections: CollectionReport[];
  views: string[];
  /** Collections of the target that are not in the snapshot and were dropped. */
  dropped: string[];
  documents: number;
  durationMs: number;
  /** What the throttle did: pauses, their reasons, each signal's peak (throttle: auto). */
  throttle?: ThrottleReport;
  /** Collections copied, and their size (uncompressed, from the snapshot's statistics). */
  copiedCollections: number;
  copiedBytes: number;
  /** Collections kept as they were, proven identical to the snapshot's (CONTRACT §11). */
  keptCollections: number;
}

/**
 * Replaces the PR database with a copy of the latest complete snapshot:
 * name check → wait for a complete snapshot → least-privilege audit → the one-writer lease →
 * (refresh: new-snapshot: skip when the database already holds that snapshot) → plan → copy every collection with its options and indexes (copy engine: bounded concurrency,
 * largest first, retries) → views → verify → the PR database's metadata document, written last.
 */
export async function restoreSnapshot(req: RestoreRequest): Promise<RestoreReport> {
  const started = Date.now();
  const { client, log, target } = req;
  assertWritableTarget(target, req.policy);

  const waitFor = () =>
    waitForCompleteSnapshot(client, req.snapshotDatabase, {
      timeoutMs: req.waitTimeoutMs,
      intervalMs: req.pollIntervalMs,
      log,
      ...(req.sleep ? { sleep: req.sleep } : {}),
      ...(req.snapshotLabel ? { snapshotLabel: req.snapshotLabel } : {}),
    });
  let meta = await waitFor();
  // The snapshot names its production database: never a target either.
  const policy = protectMore(req.policy, {
    [meta.source]: "the production database this snapshot was taken from",
  });
  assertWritableTarget(target, policy);
  await assertLeastPrivilege(client, policy, log, {
    allow: req.allowPrivilegedCredentials,
    intended: `read on "${req.snapshotDatabase}" and readWrite + dbAdmin on "${target}" only`,
  });
  const limits = await serverLimitsOf(client, log);
  assertRestoreFits(target, meta, limits);

  if (req.dryRun) {
    const refresh = req.refresh === "new-snapshot" ? await refreshReport(req, meta, started) : undefined;
    if (refresh?.skipped) return refresh;
    const plan = await planRestore(client, req.snapshotDatabase, meta);
    const views = meta.views ?? [];
    describePlan(meta, plan, views, log);
    for (const c of plan) {
      log.info(
        `  would copy ${c.name}: ${c.documents} documents, indexes: ${c.spec.indexes.map((i) => i.name).join(", ") || "(none)"}`,
      );
    }
    for (const v of views) log.info(`  would create view ${v.name} on ${v.viewOn}`);
    return {
      ...reportBase(req, meta),
      dryRun: true,
      skipped: false,
      ...(refresh?.refreshReason ? { refreshReason: refresh.refreshReason } : {}),
      collections: plan.map((c) => ({
        name: c.name,
        documents: c.documents,
        indexes: c.spec.indexes.length,
        seconds: 0,
        method: "planned",
      })),
      dropped: [],
      documents: plan.reduce((n, c) => n + c.documents, 0),
      durationMs: Date.now() - started,
      copiedCollections: 0,
      copiedBytes: 0,
      keptCollections: 0,
    };
  }

  // ---- writes start here; every one goes through assertWritableTarget(target, policy) ----
  const lease =
    req.lease ??
    (await acquireWriterLease({
      client,
      database: target,
      policy,
      log,
      what: "restore",
      waitMs: req.waitTimeoutMs,
      ttlMs: (req.leaseSeconds ?? 60) * 1000,
    }));
  let progress: Progress | undefined;
  let throttle: Throttle | undefined;
  let written = false;
  try {
    // The throttle's baseline is read while the run plans (throttle/throttle.ts).
    throttle = startThrottle(req.throttle, {
      watch: [{ client: req.monitor ?? client, probe: snapshotProbe(req.snapshotDatabase) }],
      log,
      copies: { targetDb: target, tag: lease.holder },
      kept: () =>
        written
          ? `${target} stays marked as restoring (never as complete) until a restore finishes.`
          : `Nothing was written: ${target} is as it was.`,
    });
    // While this run waited for the lease, a newer snapshot may have been published: copy that one.
    meta = await waitFor();
    assertRestoreFits(target, meta, limits);
    // Decided under the lease: no other run can be half-way through this database meanwhile.
    const refresh = req.refresh === "new-snapshot" ? await refreshReport(req, meta, started) : undefined;
    if (refresh?.skipped) return refresh;
    const plan = await planRestore(client, req.snapshotDatabase, meta);
    const views = meta.views ?? [];
    describePlan(meta, plan, views, log);
    const guard = () => lease.assertHeld();
    // Any copy still running into this database belongs to a run that lost (or never held) the lease.
    await stopStaleCopies(client, target, log, lease.holder);
    const targetDb = client.db(target);
    const metadata = targetDb.collection<PrDatabaseMetadata>(METADATA_COLLECTION);
    // Not one write while the cluster is over a threshold (and none at all if it stays critical).
    await throttle?.gate();
    // Before the database is marked restoring: the last restore's fingerprints, and the time from
    // which any change counts against what this restore keeps (differential/proofs.ts).
    const previous = await readPrMetadata(client, target);
    const since = await clusterTimeNow(targetDb);
    assertWritableTarget(target, policy);
    written = true;
    // Marked first so that an interrupted restore is never mistaken for a complete database.
    await metadata.replaceOne(
      { _id: "latest" },
      {
        _id: "latest",
        source: "snapshot",
        status: "restoring",
        startedAt: new Date(),
        snapshotTimestamp: meta.timestamp,
        ...(meta.generation ? { generation: meta.generation } : {}),
      },
      { upsert: true },
    );

    await dropLeftoverTemporaries(client, target, policy, log);
    const keep = new Set([...plan.map((c) => c.name), ...views.map((v) => v.name)]);
    const existing = await targetDb.listCollections({}, { nameOnly: true }).toArray();
    const dropped: string[] = [];
    for (const { name } of existing) {
      if (keep.has(name) || isBookkeeping(name) || name.startsWith("system.") || isTemporaryCollection(name))
        continue;
      assertWritableTarget(target, policy);
      guard();
      await dropCollectionIfExists(client, { db: target, collection: name });
      dropped.push(name);
    }
    if (dropped.length)
      log.info(`Dropped ${dropped.length} collection(s) not in the snapshot: ${dropped.join(", ")}.`);

    const decisions = await decideCollections({
      client,
      log,
      target,
      policy,
      snapshotDatabase: req.snapshotDatabase,
      meta,
      collections: plan,
      refresh: req.refresh ?? "every-sync",
      previous,
      concurrency: req.concurrency,
      guard,
      ...(req.changeStreamTimeoutMs ? { streamTimeoutMs: req.changeStreamTimeoutMs } : {}),
    });
    const decided = new Map(decisions.map((d) => [d.name, d]));
    const copies = plan.filter((c) => decided.get(c.name)?.action !== "keep");
    describeDecisions(plan, decided, log);

    progress = new Progress({
      log,
      what: `Restoring ${target}`,
      totalDocuments: copies.reduce((n, c) => n + c.documents, 0),
      totalBytes: copies.reduce((n, c) => n + c.bytes, 0),
      ...(req.progressIntervalMs ? { intervalMs: req.progressIntervalMs } : {}),
      ...(throttle ? { note: () => throttle?.note() } : {}),
    }).start();
    // Nothing to copy: no need to ask the server what it can do.
    const env =
      copies.length === 0
        ? undefined
        : await copyEnvironment({
            source: client,
            target: client,
            sameDeployment: true,
            policy,
            log,
            tag: lease.holder,
            concurrency: req.concurrency,
            progress,
            guard,
            limits,
            ...copySettingsOf(req),
            ...throttle?.copyHooks(req.chunkMb, req.betweenChunks),
          });
    const results: CopyResult[] = await mapLargestFirst(
      copies,
      (c) => c.bytes,
      req.concurrency,
      async (c) => {
        const result = await copyCollection(env as CopyEnv, {
          source: { db: req.snapshotDatabase, collection: c.physical },
          target: { db: target, collection: c.name },
          spec: { ...c.spec, name: c.name },
          bytes: c.bytes,
          documents: c.documents,
          expectedCount: c.documents,
          swap: true,
        });
        log.info(
          `  ✓ ${c.name}: ${result.documents} documents, ${result.indexes} indexes, ${(result.ms / 1000).toFixed(1)}s (${result.method})`,
        );
        await req.onCollectionCopied?.(result);
        return result;
      },
    );
    progress.stop();
    await throttle?.stop();
    for (const r of results) {
      await log.group(`${r.name}: ${r.documents} documents`, async () => {
        log.info(`method ${r.method}, ${r.indexes} secondary indexes, ${r.ms} ms, ${r.attempts} attempt(s)`);
      });
    }
    for (const v of views) {
      guard();
      await createVerifiedView(client, policy, target, v);
    }

    const copied = new Map(results.map((r) => [r.name, r]));
    const counts = Object.fromEntries(
      plan.map((c) => [c.name, copied.get(c.name)?.documents ?? c.documents]),
    );
    const fingerprints = recordedFingerprints(plan, decided, copied, since);
    assertWritableTarget(target, policy);
    guard();
    await metadata.replaceOne(
      { _id: "latest" },
      {
        _id: "latest",
        source: "snapshot",
        status: "complete",
        snapshotTimestamp: meta.timestamp,
        restoredAt: new Date(),
        collections: plan.map((c) => c.name),
        counts,
        fingerprints,
        views: views.map((v) => v.name),
        snapshotDatabase: req.snapshotDatabase,
        productionDatabase: meta.source,
        // What the data is: masked (and by which policy) or a subset, as the snapshot recorded it.
        ...(meta.masking ? { masking: meta.masking } : {}),
        ...(meta.subset ? { subset: meta.subset } : {}),
        ...(meta.generation ? { generation: meta.generation } : {}),
        ...readConsistency(meta),
      },
      { upsert: true },
    );
    return {
      ...reportBase(req, meta),
      dryRun: false,
      skipped: false,
      ...(refresh?.refreshReason ? { refreshReason: refresh.refreshReason } : {}),
      collections: plan.map((c) => rowOf(c, decided.get(c.name), copied.get(c.name))),
      dropped,
      documents: plan.reduce((n, c) => n + (copied.get(c.name)?.documents ?? c.documents), 0),
      durationMs: Date.now() - started,
      copiedCollections: results.length,
      copiedBytes: copies.reduce((n, c) => n + c.bytes, 0),
      keptCollections: plan.length - results.length,
      ...(throttle ? { throttle: throttle.report() } : {}),
    };
  } finally {
    progress?.stop();
    await throttle?.stop();
    if (!req.lease) await lease.release().catch(() => {});
  }
}

/**
 * refresh: new-snapshot. What the PR database holds, as the report of a skipped restore; a
 * caller that finds `skipped` false restores and keeps only `refreshReason` from it.
 */
async function refreshReport(
  req: RestoreRequest,
  meta: SnapshotMetadata,
  started: number,
): Promise<RestoreReport> {
  const current = await readPrMetadata(req.client, req.target);
  const check = checkRefresh(current, meta, req.snapshotDatabase);
  req.log.info(`refresh: new-snapshot: ${check.reason}.`);
  const counts = current?.counts ?? {};
  const names = current?.collections ?? [];
  return {
    ...reportBase(req, meta),
    dryRun: req.dryRun,
    skipped: check.skip,
    refreshReason: check.reason,
    collections: names.map((name) => ({
      name,
      documents: counts[name] ?? 0,
      indexes: 0,
      seconds: 0,
      method: "kept",
    })),
    dropped: [],
    documents: names.reduce((n, name) => n + (counts[name] ?? 0), 0),
    durationMs: Date.now() - started,
    copiedCollections: 0,
    copiedBytes: 0,
    keptCollections: check.skip ? names.length : 0,
  };
}

function reportBase(req: RestoreRequest, meta: SnapshotMetadata) {
  // What the db-restored comment shows about the data, checked in the one place for it.
  const facts = snapshotFacts(meta);
  return {
    ...(facts?.maskingPolicy ? { maskingPolicy: facts.maskingPolicy } : {}),
    ...(facts?.subset ? { subset: facts.subset } : {}),
    ...(facts?.consistency ? { consistency: facts.consistency } : {}),
    ...(facts?.consistentAtDate ? { consistentAtDate: facts.consistentAtDate } : {}),
    database: req.target,
    snapshotDatabase: req.snapshotDatabase,
    snapshotTimestamp: meta.timestamp,
    source: meta.source,
    ...(meta.generation ? { generation: meta.generation } : {}),
    views: (meta.views ?? []).map((v) => v.name),
  };
}

/** One line per collection: kept and why, or copied and why (the proof that failed, or none). */
function describeDecisions(
  plan: readonly PlannedCollection[],
  decided: ReadonlyMap<string, CollectionDecision>,
  log: Log,
): void {
  const kept = plan.filter((c) => decided.get(c.name)?.action === "keep");
  for (const c of plan) {
    const d = decided.get(c.name);
    if (!d) continue;
    log.info(
      `  ${d.action === "keep" ? "= keep" : "↻ copy"} ${c.name}: ${d.reason}${d.checkMs ? ` (checked in ${(d.checkMs / 1000).toFixed(2)} s)` : ""}`,
    );
  }
  log.info(
    `Differential restore: ${kept.length} of ${plan.length} collections kept as they are, ${plan.length - kept.length} to copy ` +
      `(${formatBytes(plan.filter((c) => decided.get(c.name)?.action !== "keep").reduce((n, c) => n + c.bytes, 0))}).`,
  );
}

function rowOf(
  c: PlannedCollection,
  d: CollectionDecision | undefined,
  r: CopyResult | undefined,
): CollectionReport {
  const check = d ? { check: { proof: d.proof, reason: d.reason, seconds: d.checkMs / 1000 } } : {};
  if (r) return { ...collectionReport(r), ...check };
  return {
    name: c.name,
    documents: c.documents,
    indexes: c.spec.indexes.length,
    seconds: 0,
    method: "kept (identical)",
    ...check,
  };
}

function describePlan(meta: SnapshotMetadata, plan: PlannedCollection[], views: ViewDefinition[], log: Log) {
  log.info(
    `Snapshot of ${meta.source} taken ${meta.timestamp.toISOString()}${meta.generation ? ` (generation ${meta.generation})` : ""}: ` +
      `${plan.length} collections, ${plan.reduce((n, c) => n + c.documents, 0)} documents, ${views.length} views.`,
  );
}

/** The copy settings a restore or producer request carries, for {@link copyEnvironment}. */
export function copySettingsOf(req: {
  copyMethod?: CopyMethodSetting;
  rangeThresholdMb?: number;
  maxTimeMS?: number;
  chunkMb?: number;
  betweenChunks?: BetweenChunks;
}): Pick<EnvironmentOptions, "method" | "rangeThresholdMb" | "maxTimeMS" | "chunkMb" | "betweenChunks"> {
  return {
    ...(req.copyMethod ? { method: req.copyMethod } : {}),
    ...(req.rangeThresholdMb ? { rangeThresholdMb: req.rangeThresholdMb } : {}),
    ...(req.maxTimeMS ? { maxTimeMS: req.maxTimeMS } : {}),
    ...(req.chunkMb ? { chunkMb: req.chunkMb } : {}),
    ...(req.betweenChunks ? { betweenChunks: req.betweenChunks } : {}),
  };
}

/** What the snapshot holds, read before any write (and shown as the plan in a dry run). */
export async function planRestore(
  client: MongoClient,
  snapshotDatabase: string,
  meta: SnapshotMetadata,
): Promise<PlannedCollection[]> {
  const db = client.db(snapshotDatabase);
  const viewNames = new Set((meta.views ?? []).map((v) => v.name));
  // A few round trips per collection, read side by side: a restore that keeps everything is
  // mostly this.
  const planned = await mapBounded(
    meta.collections.filter((name) => !viewNames.has(name)),
    8,
    async (name): Promise<PlannedCollection | undefined> => {
      const physical = physicalName(meta, name);
      const spec = await readCollectionSpec(db, physical);
      if (!spec) {
        throw new UserError(
          `The snapshot lists collection "${name}" but ${snapshotDatabase}.${physical} does not exist` +
            `${meta.generation ? ` (generation ${meta.generation} may have been replaced meanwhile)` : ""}. ` +
            "Run the restore again; if it keeps failing, refresh the snapshot.",
        );
      }
      if (spec.type === "view") return undefined;
      const documents = meta.counts?.[name] ?? (await db.collection(physical).countDocuments({}));
      return { name, physical, spec, documents, bytes: await dataSize(db, physical) };
    },
  );
  return planned.filter((c): c is PlannedCollection => c !== undefined);
}

/**
 * Uncompressed size of a collection's documents, from the storage statistics (cheap: no scan).
 * Best-effort: where `$collStats` is refused (or fails), the size is estimated from a sample's
 * average BSON size times the estimated count, so that large collections are still split into
 * bounded chunks under a time cap; 0 when even that is not readable.
 */
export async function dataSize(db: Db, collection: string): Promise<number> {
  const [stats] = await db
    .collection(collection)
    .aggregate<{ storageStats?: { size?: number } }>([{ $collStats: { storageStats: {} } }])
    .toArray()
    .catch(() => []);
  if (stats?.storageStats?.size !== undefined) return Number(stats.storageStats.size);
  try {
    const coll = db.collection(collection);
    const [sample] = await coll
      .aggregate<{ avg: number }>([
        { $sample: { size: 100 } },
        { $group: { _id: null, avg: { $avg: { $bsonSize: "$$ROOT" } } } },
      ])
      .toArray();
    return sample ? Math.round(sample.avg * (await coll.estimatedDocumentCount())) : 0;
  } catch {
    return 0;
  }
}

async function createVerifiedView(
  client: MongoClient,
  policy: TargetPolicy,
  target: string,
  v: ViewDefinition,
): Promise<void> {
  await createView(client, policy, target, {
    name: v.name,
    type: "view",
    options: { viewOn: v.viewOn, pipeline: v.pipeline, ...(v.collation ? { collation: v.collation } : {}) },
    indexes: [],
  });
  const made = await readCollectionSpec(client.db(target), v.name);
  if (made?.type !== "view" || made.options.viewOn !== v.viewOn) {
    throw new Error(`Verification of view ${target}.${v.name} failed: it was not created on ${v.viewOn}.`);
  }
}

import { randomBytes, randomUUID } from "node:crypto";
import type { MongoClient } from "mongodb";
import { mapLargestFirst } from "../concurrency";
import { RefusedError, UserError } from "../errors";
import type { Log } from "../log";
import {
  type CollectionReport,
  type CopyResult,
  collectionReport,
  copyCollection,
  stopStaleCopies,
} from "../mongo/copy";
import { assertLeastPrivilege } from "../mongo/least-privilege";
import { serverSupportsTimeseriesOut } from "../mongo/server";
import { readCollectionSpecs } from "../mongo/specs";
import { METADATA_COLLECTION } from "../mongo/target";
import { assertDatabaseName, escapeRegExp, SYSTEM_DATABASES, type TargetPolicy } from "../names";
import {
  applyRetention,
  type GenerationRecord,
  generationId,
  generations,
  newGenerationName,
  physicalCollection,
} from "./generations";
import { acquireLease } from "./lease";
import { LATEST, readSnapshotMetadata, type SnapshotMetadata, type ViewDefinition } from "./metadata";
import { dataSize } from "./restore";
import { selectCollections } from "./select";

export interface ProduceRequest {
  client: MongoClient;
  log: Log;
  sourceDatabase: string;
  snapshotDatabase: string;
  include?: readonly string[];
  exclude?: readonly string[];
  protectedDatabases?: readonly string[];
  concurrency: number;
  /** Previous generations kept besides the new one. */
  retain: number;
  /** How long a replaced generation stays readable (longer than any restore takes). */
  graceSeconds: number;
  /** Refuse to publish when a collection shrank by more than this (percent) or became empty. */
  maxShrinkPercent: number;
  force: boolean;
  dryRun: boolean;
  allowPrivilegedCredentials: boolean;
  leaseSeconds?: number;
  maxTimeMS?: number;
  now?: () => Date;
}

export interface ProduceReport {
  sourceDatabase: string;
  snapshotDatabase: string;
  generation: string;
  timestamp: Date;
  dryRun: boolean;
  collections: CollectionReport[];
  views: string[];
  excluded: string[];
  documents: number;
  durationMs: number;
  deletedGenerations: string[];
  previous?: { generation?: string; timestamp: Date };
}

export const PRODUCER_METHOD = "$out into generation collections, published atomically";

/** The producer may write only the snapshot database. */
export function producerPolicy(
  snapshotDatabase: string,
  sourceDatabase: string,
  extra: readonly string[] = [],
): TargetPolicy {
  const prot = new Map<string, string>();
  for (const db of SYSTEM_DATABASES) prot.set(db, "a MongoDB system database");
  prot.set(sourceDatabase, "the production database");
  for (const db of extra)
    if (db !== snapshotDatabase && !prot.has(db)) prot.set(db, "listed in protected-databases");
  return { allowed: [new RegExp(`^${escapeRegExp(snapshotDatabase)}$`)], protected: prot };
}

/**
 * Copies the chosen production collections into a new generation of the snapshot database,
 * verifies it, checks it against the previous snapshot (sanity guard), and publishes it by
 * replacing `snapshot_metadata.latest` in one write. Until then readers see the previous
 * complete snapshot; a failed or killed run leaves it untouched.
 */
export async function produceSnapshot(req: ProduceRequest): Promise<ProduceReport> {
  const started = Date.now();
  const now = req.now ?? (() => new Date());
  const { client, log, sourceDatabase: source, snapshotDatabase: snap } = req;
  assertDatabaseName(source, "The source database");
  assertDatabaseName(snap, "The snapshot database");
  if (source === snap)
    throw new UserError(`The source and snapshot databases must differ (both are "${source}").`);
  if ((SYSTEM_DATABASES as readonly string[]).includes(snap)) {
    throw new UserError(`The snapshot database cannot be "${snap}": it is a MongoDB system database.`);
  }
  const policy = producerPolicy(snap, source, req.protectedDatabases);
  if (policy.protected.has(snap))
    throw new UserError(`The snapshot database "${snap}" is protected (${policy.protected.get(snap)}).`);

  await assertLeastPrivilege(client, policy, log, {
    allow: req.allowPrivilegedCredentials,
    intended: `read on "${source}" and readWrite + dbAdmin on "${snap}" only`,
  });

  const sourceSpecs = await readCollectionSpecs(client.db(source));
  if (sourceSpecs.length === 0) {
    throw new UserError(
      `The source database "${source}" has no collections these credentials can see. Check source-database and the user's read role.`,
    );
  }
  const selection = selectCollections(
    sourceSpecs.map((s) => s.name),
    req.include,
    req.exclude,
  );
  for (const w of selection.warnings) log.warning(w);
  const chosen = sourceSpecs.filter((s) => selection.selected.includes(s.name));
  const copies = chosen.filter((s) => s.type !== "view");
  const views: ViewDefinition[] = chosen
    .filter((s) => s.type === "view")
    .map((v) => ({
      name: v.name,
      viewOn: String(v.options.viewOn),
      pipeline: (v.options.pipeline as ViewDefinition["pipeline"]) ?? [],
      ...(v.options.collation ? { collation: v.options.collation } : {}),
    }));
  for (const v of views) {
    if (!copies.some((c) => c.name === v.viewOn))
      log.warning(
        `View ${v.name} reads ${v.viewOn}, which is not in the snapshot; it will be empty in PR databases.`,
      );
  }
  if (copies.length === 0)
    throw new UserError("No collections selected: check collections.include / collections.exclude.");

  const timestamp = now();
  const generation = newGenerationName(timestamp, randomBytes(2).toString("hex"));
  const previous = await readSnapshotMetadata(client.db(snap));
  const base = {
    sourceDatabase: source,
    snapshotDatabase: snap,
    generation,
    timestamp,
    views: views.map((v) => v.name),
    excluded: selection.excluded,
    ...(previous?.status === "complete"
      ? {
          previous: {
            ...(previous.generation ? { generation: previous.generation } : {}),
            timestamp: previous.timestamp,
          },
        }
      : {}),
  };
  if (req.dryRun) {
    for (const c of copies)
      log.info(`  would copy ${source}.${c.name} (${c.type}, ${c.indexes.length} secondary indexes)`);
    for (const v of views) log.info(`  would record view ${v.name} on ${v.viewOn}`);
    const counts = await Promise.all(
      copies.map((c) => client.db(source).collection(c.name).estimatedDocumentCount()),
    );
    return {
      ...base,
      dryRun: true,
      collections: copies.map((c, i) => ({
        name: c.name,
        documents: counts[i] ?? 0,
        indexes: c.indexes.length,
        seconds: 0,
        method: "planned",
      })),
      documents: counts.reduce((a, b) => a + b, 0),
      durationMs: Date.now() - started,
      deletedGenerations: [],
    };
  }

  // ---- writes start here: only ever into the snapshot database ----
  const holder = randomUUID();
  const lease = await acquireLease(client, snap, holder, (req.leaseSeconds ?? 120) * 1000);
  const genDocs = generations(client.db(snap));
  try {
    await stopStaleCopies(client, snap, log, holder);
    await genDocs.insertOne({
      _id: generationId(generation),
      kind: "generation",
      generation,
      status: "writing",
      startedAt: timestamp,
      physical: copies.map((c) => physicalCollection(generation, c.name)),
      holder,
    });
    const timeseriesOut = await serverSupportsTimeseriesOut(client);
    let results: CopyResult[];
    try {
      const sizes = new Map(
        await Promise.all(
          copies.map(async (c) => [c.name, await dataSize(client.db(source), c.name)] as const),
        ),
      );
      results = await mapLargestFirst(
        copies,
        (c) => sizes.get(c.name) ?? 0,
        req.concurrency,
        async (spec) => {
          const r = await copyCollection(
            {
              client,
              policy,
              log,
              tag: holder,
              timeseriesOut,
              ...(req.maxTimeMS ? { maxTimeMS: req.maxTimeMS } : {}),
            },
            {
              source: { db: source, collection: spec.name },
              target: { db: snap, collection: physicalCollection(generation, spec.name) },
              spec,
            },
          );
          log.info(
            `  ✓ ${spec.name}: ${r.documents} documents, ${r.indexes} indexes, ${(r.ms / 1000).toFixed(1)}s (${r.method})`,
          );
          return r;
        },
      );
      const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
      const refusal = sanityCheck(previous, counts, req.maxShrinkPercent);
      if (refusal.length) {
        const message =
          `Refusing to publish the new snapshot: ${refusal.join("; ")}. The previous snapshot stays in use. ` +
          "If production really shrank, run again with force: true.";
        if (!req.force) throw new RefusedError(message);
        log.warning(`${message} (publishing anyway: force is true)`);
      }
      const latest: SnapshotMetadata = {
        _id: LATEST,
        timestamp,
        source,
        collections: results.map((r) => r.name),
        counts,
        status: "complete",
        method: PRODUCER_METHOD,
        generation,
        physical: Object.fromEntries(results.map((r) => [r.name, r.target.collection])),
        views,
        methods: Object.fromEntries(results.map((r) => [r.name, r.method])),
        completedAt: now(),
      };
      // The publish: one document replaced, so readers switch from the old generation to the new one at once.
      await client
        .db(snap)
        .collection<SnapshotMetadata>(METADATA_COLLECTION)
        .replaceOne({ _id: LATEST }, latest, { upsert: true });
    } catch (error) {
      await genDocs
        .updateOne(
          { _id: generationId(generation) },
          { $set: { status: "failed", error: (error as Error).message } },
        )
        .catch(() => {});
      throw error;
    }
    const publishedAt = now();
    await genDocs.updateOne(
      { _id: generationId(generation) },
      { $set: { status: "complete", completedAt: publishedAt } },
    );
    await genDocs.updateMany(
      { kind: "generation", status: "complete", generation: { $ne: generation } },
      { $set: { status: "retired", retiredAt: publishedAt } },
    );
    const deletedGenerations = await applyRetention(client, snap, {
      current: generation,
      retain: req.retain,
      graceMs: req.graceSeconds * 1000,
      now: publishedAt,
      log,
    });
    return {
      ...base,
      dryRun: false,
      collections: results.map(collectionReport),
      documents: results.reduce((n, r) => n + r.documents, 0),
      durationMs: Date.now() - started,
      deletedGenerations,
    };
  } finally {
    await lease.release().catch(() => {});
  }
}

/** Why a new snapshot looks wrong compared with the previous one (an emptied or collapsed collection). */
export function sanityCheck(
  previous: SnapshotMetadata | undefined,
  counts: Record<string, number>,
  maxShrinkPercent: number,
): string[] {
  if (previous?.status !== "complete" || !previous.counts) return [];
  const problems: string[] = [];
  for (const [name, before] of Object.entries(previous.counts)) {
    if (!(name in counts) || before <= 0) continue;
    const after = counts[name] ?? 0;
    if (after === 0) problems.push(`${name} had ${before} documents and is now empty`);
    else if (((before - after) / before) * 100 > maxShrinkPercent) {
      problems.push(`${name} shrank from ${before} to ${after} documents (more than ${maxShrinkPercent}%)`);
    }
  }
  return problems;
}

export type { GenerationRecord };

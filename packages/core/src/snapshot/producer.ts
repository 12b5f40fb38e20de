import { randomBytes, randomUUID } from "node:crypto";
import type { ClientSession, MongoClient } from "mongodb";
import { mapLargestFirst } from "../concurrency";
import {
  type BetweenChunks,
  type CollectionReport,
  type CopyResult,
  collectionReport,
  copyCollection,
  copyEnvironment,
} from "../copy/engine";
import type { CopyMethodSetting } from "../copy/methods";
import { Progress } from "../copy/progress";
import { stopStaleCopies } from "../copy/stale";
import { generationFingerprints } from "../differential/fingerprint";
import { errorMessage, RefusedError, UserError } from "../errors";
import type { Log } from "../log";
import { maskingKey } from "../masking/key";
import { resolvePasswords } from "../masking/password";
import type { Policy } from "../masking/policy";
import { maskingStages, SALT_VARIABLE } from "../masking/stages";
import { strictModeCheck } from "../masking/strict";
import { compileSubsets } from "../masking/subset";
import {
  danglingReferences,
  type MaskingCheck,
  type MaskingVerification,
  mergeVerifications,
  startMaskingCheck,
} from "../masking/verify";
import { topologyOf } from "../mongo/cluster-time";
import { acquireLease, describeHolder, type LeaseDocument, leaseOwner } from "../mongo/lease";
import { assertLeastPrivilege, assertReadOnlySource } from "../mongo/least-privilege";
import { serverLimitsOf } from "../mongo/limits";
import { readCollectionSpecs } from "../mongo/specs";
import { METADATA_COLLECTION } from "../mongo/target";
import { assertDatabaseName, escapeRegExp, SYSTEM_DATABASES, type TargetPolicy } from "../names";
import type { ThrottleSettings } from "../throttle/settings";
import {
  collectionProbe,
  snapshotProbe,
  startThrottle,
  type Throttle,
  type ThrottleReport,
} from "../throttle/throttle";
import {
  afterCatchUp,
  type CatchUpRequest,
  type ChangeTracker,
  type ConsistencyOutcome,
  consistencyOutcome,
  startTracking,
} from "./catch-up";
import { type ConsistencySetting, consistencyMetadata, planConsistency } from "./consistency";
import { assertProducerFits, generationNames } from "./fits";
import {
  applyRetention,
  dropGenerationCollections,
  type GenerationRecord,
  generationId,
  generations,
  newGenerationName,
} from "./generations";
import { LATEST, readSnapshotMetadata, type SnapshotMetadata, type ViewDefinition } from "./metadata";
import { copySettingsOf, dataSize } from "./restore";
import { selectCollections } from "./select";

export interface ProduceRequest {
  /** The deployment that holds the snapshot database (and the PR databases). */
  client: MongoClient;
  /**
   * Production, when it is another deployment (CONTRACT §8): documents then stream through this
   * process. Undefined: production is in `client`'s deployment and the server copies by itself.
   */
  sourceClient?: MongoClient;
  /** The source deployment in words (host list, no password), for error messages. */
  sourceDescription?: string;
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
  copyMethod?: CopyMethodSetting;
  rangeThresholdMb?: number;
  /** Largest chunk one aggregation copies, MB (default: none; 64 under a server's time cap). */
  chunkMb?: number;
  /** Awaited between two chunks of a chunked copy (engine hook; the throttle's pauses). */
  betweenChunks?: BetweenChunks;
  progressIntervalMs?: number;
  /** Masking and subset rules (CONTRACT §7), applied on the source before anything is written. */
  dataPolicy?: Policy;
  /** The secret of the keyed masking strategies. */
  salt?: string;
  /** The test password whose hash the `password` strategy writes (a secret: hashed here, never sent). */
  testPassword?: string;
  /** Documents sampled per collection by strict mode's scan. */
  scanSample?: number;
  /** CONTRACT §13: `auto` (default), `point-in-time` or `per-collection`. */
  consistency?: ConsistencySetting;
  /** Called (and awaited) after each collection is copied, before the catch-up (tests write production here). */
  onCollectionCopied?: (name: string) => void | Promise<void>;
  /** Tests: the cluster time catch-up pass `n` reads at (snapshot/catch-up.ts). */
  catchUpTimeOfPass?: CatchUpRequest["timeOfPass"];
  now?: () => Date;
  /** CONTRACT §12 (default here: off; the actions and the command line default to auto). */
  throttle?: ThrottleSettings;
  /** The throttle's own small clients: to the snapshot's deployment, and to production's when separate. */
  monitor?: MongoClient;
  sourceMonitor?: MongoClient;
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
  /** Masking applied: the policy's hash, the rules per collection, and what was verified. */
  masking?: MaskingReport;
  /** Subset rules per collection, in words. */
  subsetRules?: Record<string, string>;
  /** What the throttle did: pauses, their reasons, each signal's peak (throttle: auto). */
  throttle?: ThrottleReport;
  /** Point in time or per collection, and the catch-up that made it a point in time. */
  consistency: ConsistencyOutcome;
}

export interface MaskingReport {
  policy: string;
  fields: number;
  /** collection → "path: strategy" */
  rules: Record<string, string[]>;
  verified: boolean;
  /** `expr` paths, the operator's own transformations, which cannot be verified. */
  unverified: Record<string, string[]>;
}

export const PRODUCER_METHOD = "copy engine into generation collections, published atomically";
const PRODUCER_LEASE_ID = "producer-lease";

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

  const sourceClient = req.sourceClient ?? client;
  const separate = req.sourceClient !== undefined && req.sourceClient !== client;
  await assertLeastPrivilege(client, policy, log, {
    allow: req.allowPrivilegedCredentials,
    intended: separate
      ? `readWrite + dbAdmin on "${snap}" only (production is read through source-uri)`
      : `read on "${source}" and readWrite + dbAdmin on "${snap}" only`,
  });
  if (separate) {
    await assertReadOnlySource(sourceClient, source, log, {
      allow: req.allowPrivilegedCredentials,
      where: req.sourceDescription ?? "source-uri",
    });
  }

  const sourceSpecs = await readCollectionSpecs(sourceClient.db(source));
  if (sourceSpecs.length === 0) {
    throw new UserError(
      `The source database "${source}" has no collections these credentials can see${separate ? ` (on ${req.sourceDescription ?? "source-uri"})` : ""}. Check source-database and the user's read role.`,
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

  // ---- masking and subset rules: everything checked before the first write ----
  const { dataPolicy } = req;
  let serverKey: string | undefined;
  const copiedNames = copies.map((c) => c.name);
  if (dataPolicy) {
    if (dataPolicy.keyed && !req.salt)
      throw new UserError(
        "The masking rules use email, name, phone or hash, which need a secret salt: set the mask-salt input (from a secret) or PR_SNAPSHOTS_MASK_SALT for the command line. Nothing was copied.",
      );
    if (req.salt) log.secret(req.salt);
    // The server gets a key derived from the salt and this policy, never the salt (masking/key.ts).
    if (req.salt) {
      serverKey = maskingKey(req.salt, dataPolicy.hash);
      log.secret(serverKey);
    }
    if (req.testPassword) log.secret(req.testPassword);
    for (const [kind, names] of [
      ["masking.rules", Object.keys(dataPolicy.rules)],
      ["masking.keep", Object.keys(dataPolicy.keep)],
    ] as const) {
      const unknown = names.filter((n) => !copiedNames.includes(n));
      if (unknown.length)
        throw new UserError(
          `${kind} names ${unknown.map((n) => `"${n}"`).join(", ")}, which the snapshot does not copy (collections: ${copiedNames.join(", ")}). ` +
            "Fix the name, or remove the rule. Nothing was copied.",
        );
    }
    if (dataPolicy.strict)
      await strictModeCheck({
        db: sourceClient.db(source),
        collections: copiedNames,
        sample: req.scanSample ?? 1_000,
        policy: dataPolicy,
        log,
      });
  }
  // Masking rules that are silently not read (a CronJob without the config file, a wrong path)
  // would publish production data where masked data was: never over a masked snapshot by accident.
  const before = await readSnapshotMetadata(client.db(snap));
  const maskedBefore = (before?.masking as { policy?: string } | undefined)?.policy;
  if (before?.status === "complete" && maskedBefore && !Object.keys(dataPolicy?.rules ?? {}).length) {
    const message =
      `The current snapshot is masked (policy ${maskedBefore.slice(0, 12)}), but this run has no masking rules: ` +
      "is the config file missing (a Kubernetes Job reads it from --config / PR_SNAPSHOTS_CONFIG, not from a checkout)? " +
      "Nothing was copied. To publish unmasked data on purpose, run again with force: true.";
    if (!req.force) throw new RefusedError(message);
    log.warning(`${message} (going on: force is true)`);
  }
  const subsets = await compileSubsets(dataPolicy, sourceClient.db(source), copiedNames);
  // The password strategy's hash, computed once here: only the hash enters the pipeline.
  const maskingRules = await resolvePasswords(dataPolicy, req.testPassword, log);
  const pipelineFor = (name: string) => [
    ...(subsets.stages.get(name) ?? []),
    ...maskingStages(maskingRules[name]),
  ];
  const maskingReport: MaskingReport | undefined =
    dataPolicy && Object.keys(dataPolicy.rules).length
      ? {
          policy: dataPolicy.hash,
          fields: dataPolicy.fields,
          rules: Object.fromEntries(
            Object.entries(dataPolicy.rules).map(([c, r]) => [
              c,
              Object.entries(r).map(([p, st]) => `${p}: ${st.kind}`),
            ]),
          ),
          verified: false,
          unverified: {},
        }
      : undefined;
  for (const [c, rules] of Object.entries(maskingReport?.rules ?? {}))
    log.info(`Masking ${c}: ${rules.join(", ")}.`);
  for (const [c, rule] of subsets.described) log.info(`Subset of ${c}: ${rule}.`);

  const consistencyPlan = planConsistency(req.consistency ?? "auto", await topologyOf(sourceClient), source);
  log.info(
    consistencyPlan.track
      ? "Consistency: point in time (every collection as of one cluster time)."
      : `Consistency: per-collection (each collection as of its own copy), because ${consistencyPlan.reason}.`,
  );
  const timestamp = now();
  const generation = newGenerationName(timestamp, randomBytes(2).toString("hex"));
  // CONTRACT §14: every name this run creates fits the server, checked before the first write.
  const limits = await serverLimitsOf(client, log);
  assertProducerFits(
    snap,
    generation,
    copies.map((c) => c.name),
    limits,
  );
  const physicalOf = generationNames(snap, generation, limits);
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
    ...(maskingReport ? { masking: maskingReport } : {}),
    ...(subsets.described.size ? { subsetRules: Object.fromEntries(subsets.described) } : {}),
  };
  const sourceDb = sourceClient.db(source);
  const sizes = new Map(
    await Promise.all(copies.map(async (c) => [c.name, await dataSize(sourceDb, c.name)] as const)),
  );
  const counts0 = new Map(
    await Promise.all(
      copies.map(async (c) => [c.name, await sourceDb.collection(c.name).estimatedDocumentCount()] as const),
    ),
  );
  if (req.dryRun) {
    for (const c of copies)
      log.info(`  would copy ${source}.${c.name} (${c.type}, ${c.indexes.length} secondary indexes)`);
    for (const v of views) log.info(`  would record view ${v.name} on ${v.viewOn}`);
    return {
      ...base,
      consistency: consistencyPlan.track
        ? { consistency: "point-in-time" }
        : consistencyOutcome(consistencyPlan.reason, undefined),
      dryRun: true,
      collections: copies.map((c) => ({
        name: c.name,
        documents: counts0.get(c.name) ?? 0,
        indexes: c.indexes.length,
        seconds: 0,
        method: "planned",
      })),
      documents: [...counts0.values()].reduce((a, b) => a + b, 0),
      durationMs: Date.now() - started,
      deletedGenerations: [],
    };
  }

  // ---- writes start here: only ever into the snapshot database ----
  const holder = randomUUID();
  const lease = await acquireLease({
    collection: client.db(snap).collection<LeaseDocument>(METADATA_COLLECTION),
    id: PRODUCER_LEASE_ID,
    holder,
    owner: leaseOwner(),
    what: "produce",
    ttlMs: (req.leaseSeconds ?? 120) * 1000,
    waitMs: 0,
    subject: `snapshot database ${snap}`,
    log,
    busyMessage: (current) =>
      `Another snapshot producer is running on ${snap}${current ? `: ${describeHolder(current)}` : ""}. ` +
      "Wait for it to finish, then run again.",
  });
  const genDocs = generations(client.db(snap));
  let progress: Progress | undefined;
  let maskingCheck: MaskingCheck | undefined;
  let throttle: Throttle | undefined;
  let tracker: ChangeTracker | undefined;
  try {
    // Production's signals count too when it is another deployment: the copy reads it.
    const probed = copies.find((c) => c.type === "collection");
    throttle = startThrottle(req.throttle, {
      watch: [
        {
          client: req.monitor ?? client,
          probe: snapshotProbe(snap),
          ...(separate ? { where: "snapshot deployment" } : {}),
        },
        ...(separate
          ? [
              {
                client: req.sourceMonitor ?? sourceClient,
                probe: probed ? collectionProbe(source, probed.name) : snapshotProbe(snap),
                where: "production",
              },
            ]
          : []),
      ],
      log,
      copies: { targetDb: snap, tag: holder },
      kept: () => "Nothing was published: the previous snapshot stays complete and in use.",
    });
    await stopStaleCopies(client, snap, log, holder);
    await throttle?.gate();
    // Before the first copy: production's cluster time T0 and its change stream (point in time).
    const tracking = consistencyPlan.track
      ? await startTracking({
          client: sourceClient,
          database: source,
          collections: copies,
          views: views.map((v) => v.name),
          log,
          required: consistencyPlan.required,
        })
      : {};
    tracker = tracking.tracker;
    await genDocs.insertOne({
      _id: generationId(generation),
      kind: "generation",
      generation,
      status: "writing",
      startedAt: timestamp,
      physical: copies.map((c) => physicalOf(c.name)),
      holder,
    });
    let results: CopyResult[];
    let consistency: ConsistencyOutcome;
    const verifications: MaskingVerification[] = [];
    if (dataPolicy && maskingReport)
      maskingCheck = startMaskingCheck({
        policy: { ...dataPolicy, rules: maskingRules },
        source: sourceClient.db(source),
        snapshot: client.db(snap),
        generation,
        collections: copies.filter((c) => dataPolicy.rules[c.name]).map((c) => c.name),
        sameDeployment: !separate,
        comment: `pr-snapshots masking check ${holder}`,
      });
    try {
      progress = new Progress({
        log,
        what: `Copying ${source} into generation ${generation}`,
        totalDocuments: [...counts0.values()].reduce((a, b) => a + b, 0),
        totalBytes: [...sizes.values()].reduce((a, b) => a + b, 0),
        ...(req.progressIntervalMs ? { intervalMs: req.progressIntervalMs } : {}),
        ...(throttle ? { note: () => throttle?.note() } : {}),
      }).start();
      const env = await copyEnvironment({
        source: sourceClient,
        target: client,
        sameDeployment: !separate,
        policy,
        log,
        tag: holder,
        concurrency: req.concurrency,
        progress,
        guard: () => lease.assertHeld(),
        limits,
        ...(separate ? { sourceLimits: await serverLimitsOf(sourceClient, log) } : {}),
        ...copySettingsOf(req),
        ...throttle?.copyHooks(req.chunkMb, req.betweenChunks),
      });
      const variablesFor = (name: string) =>
        serverKey && maskingStages(maskingRules[name]).length ? { [SALT_VARIABLE]: serverKey } : undefined;
      const copyOne = (spec: (typeof copies)[number], snapshot?: ClientSession) => {
        const variables = variablesFor(spec.name);
        return copyCollection(env, {
          source: { db: source, collection: spec.name },
          target: { db: snap, collection: physicalOf(spec.name) },
          spec,
          bytes: sizes.get(spec.name) ?? 0,
          documents: counts0.get(spec.name) ?? 0,
          pipeline: pipelineFor(spec.name),
          ...(variables ? { variables } : {}),
          ...(snapshot ? { snapshot } : {}),
        });
      };
      results = await mapLargestFirst(
        copies,
        (c) => sizes.get(c.name) ?? 0,
        req.concurrency,
        async (spec) => {
          const r = await copyOne(spec).catch(async (error: unknown) => {
            const dropped = await tracker?.explainFailure(spec.name);
            throw dropped
              ? new RefusedError(dropped)
              : await explainCopyFailure(error, spec.name, req, sourceClient, separate);
          });
          log.info(
            `  ✓ ${spec.name}: ${r.documents} documents, ${r.indexes} indexes, ${(r.ms / 1000).toFixed(1)}s (${r.method})`,
          );
          // Verified as soon as it is copied, while the larger collections are still being copied.
          if (maskingCheck && dataPolicy?.rules[spec.name])
            verifications.push(await maskingCheck.verify({ name: spec.name, physical: r.target.collection }));
          await req.onCollectionCopied?.(spec.name);
          return r;
        },
      );
      progress.stop();
      // Point in time: what changed during the copies is copied again as of one cluster time,
      // before any proof, count or fingerprint is taken of the generation.
      const caughtUp = await tracker?.catchUp({
        env,
        log,
        snapshot: client.db(snap),
        copies: copies.flatMap((spec) =>
          results.filter((r) => r.name === spec.name).map((r) => ({ spec, physical: r.target.collection })),
        ),
        pipelineFor,
        variablesFor,
        subsetStages: subsets.stages,
        subsetRules: dataPolicy?.subset ?? {},
        maskingRules,
        copyAgain: copyOne,
        bytesPerDocument: (name) => (sizes.get(name) ?? 0) / Math.max(1, counts0.get(name) ?? 0),
        ...(req.catchUpTimeOfPass ? { timeOfPass: req.catchUpTimeOfPass } : {}),
        ...(maskingCheck && dataPolicy
          ? { masking: { check: maskingCheck, collections: new Set(Object.keys(dataPolicy.rules)) } }
          : {}),
      });
      if (caughtUp) {
        results = afterCatchUp(results, caughtUp);
        verifications.push(...caughtUp.verifications);
      }
      consistency = consistencyOutcome(tracking.reason ?? consistencyPlan.reason, caughtUp);
      await throttle?.stop();
      const counts = Object.fromEntries(results.map((r) => [r.name, r.documents]));
      // The proof before the publish: masked values are not production's, references resolve.
      const problems: string[] = [];
      if (maskingCheck && maskingReport) {
        const v = mergeVerifications(verifications);
        problems.push(...v.problems);
        maskingReport.unverified = v.unverified;
        maskingReport.verified = v.problems.length === 0;
        for (const [c, paths] of Object.entries(v.checked))
          if (!v.problems.some((p) => p.startsWith(`${c}:`) || p.startsWith(`${c}.`)))
            log.info(`Verified ${c}: no production value survives in ${paths.join(", ")}.`);
        for (const [c, paths] of Object.entries(v.unverified))
          log.warning(
            `${c}: ${paths.join(", ")} use expr, the operator's own transformation, which cannot be verified.`,
          );
      }
      for (const [c, rule] of Object.entries(dataPolicy?.subset ?? {})) {
        if (rule.references?.length)
          problems.push(
            ...(await danglingReferences({
              snapshot: client.db(snap),
              physical: physicalOf,
              collection: c,
              references: rule.references,
            })),
          );
      }
      if (problems.length)
        throw new RefusedError(
          `Refusing to publish the new snapshot: ${problems.join("; ")}. The previous snapshot stays in use.`,
        );
      const refusal = sanityCheck(previous, counts, req.maxShrinkPercent, subsetAware(previous, dataPolicy));
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
        ...(separate ? { sourceDeployment: "separate" } : {}),
        ...(maskingReport
          ? {
              masking: {
                policy: maskingReport.policy,
                fields: maskingReport.fields,
                verified: maskingReport.verified,
                ...(Object.keys(maskingReport.unverified).length
                  ? { unverified: maskingReport.unverified }
                  : {}),
              },
            }
          : {}),
        ...(dataPolicy && Object.keys(dataPolicy.subset).length
          ? { subset: Object.fromEntries(Object.keys(dataPolicy.subset).map((c) => [c, counts[c] ?? 0])) }
          : {}),
        ...(dataPolicy ? { policy: dataPolicy.hash } : {}),
        ...consistencyMetadata(consistency),
        completedAt: now(),
      };
      // The last step before the publish, on the final generation collections: what differential
      // restores compare with (dbHash locks the snapshot database only, never production).
      latest.fingerprints = await generationFingerprints(
        client.db(snap),
        results.map((r) => ({ name: r.name, physical: r.target.collection, documents: r.documents })),
        log,
      );
      lease.assertHeld();
      // The publish: one document replaced, so readers switch from the old generation to the new one at once.
      await client
        .db(snap)
        .collection<SnapshotMetadata>(METADATA_COLLECTION)
        .replaceOne({ _id: LATEST }, latest, { upsert: true });
    } catch (error) {
      // A masked generation that failed or was refused can hold what the rules did not reach (the
      // proof refuses arrays nested deeper than masking goes): it is dropped now, not at the next
      // run's retention. Best effort: if the previews cluster is down, retention still drops it.
      const dropped =
        maskingReport &&
        (await dropGenerationCollections(client, snap, {
          generation,
          physical: copies.map((c) => physicalOf(c.name)),
        }).then(
          () => true,
          () => false,
        ));
      await genDocs
        .updateOne(
          { _id: generationId(generation) },
          { $set: { status: "failed", error: errorMessage(error), ...(dropped ? { dropped: true } : {}) } },
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
      consistency,
      ...(throttle ? { throttle: throttle.report() } : {}),
    };
  } finally {
    progress?.stop();
    await throttle?.stop();
    await tracker?.close();
    await maskingCheck?.dispose();
    await lease.release().catch(() => {});
  }
}

/**
 * A copy that fails after its retries says which side failed: with two deployments, "connection
 * closed" alone does not tell an operator whether production or the previews cluster went away.
 */
async function explainCopyFailure(
  error: unknown,
  collection: string,
  req: ProduceRequest,
  sourceClient: MongoClient,
  separate: boolean,
): Promise<unknown> {
  if (error instanceof UserError) return error;
  const reachable = async (c: MongoClient) =>
    c
      .db("admin")
      .command({ ping: 1 }, { timeoutMS: 3_000 })
      .then(
        () => true,
        () => false,
      );
  const [sourceUp, targetUp] = await Promise.all([
    reachable(sourceClient),
    separate ? reachable(req.client) : true,
  ]);
  const kept = "Nothing was published: the previous snapshot stays complete and in use.";
  if (!sourceUp) {
    return new Error(
      `Copying ${req.sourceDatabase}.${collection} failed because the production deployment` +
        `${separate ? ` (${req.sourceDescription ?? "source-uri"})` : ""} stopped answering: ${errorMessage(error)}. ${kept}`,
    );
  }
  if (!targetUp) {
    return new Error(
      `Copying ${req.sourceDatabase}.${collection} failed because the deployment of the snapshot database ${req.snapshotDatabase} (mongodb-uri) stopped answering: ${errorMessage(error)}. ${kept}`,
    );
  }
  return new Error(`Copying ${req.sourceDatabase}.${collection} failed: ${errorMessage(error)}. ${kept}`);
}

/** Why a new snapshot looks wrong compared with the previous one (an emptied or collapsed collection). */
export function sanityCheck(
  previous: SnapshotMetadata | undefined,
  counts: Record<string, number>,
  maxShrinkPercent: number,
  /** Collections whose subset rule changed since the previous snapshot: their counts are not comparable. */
  incomparable: ReadonlySet<string> = new Set(),
): string[] {
  if (previous?.status !== "complete" || !previous.counts) return [];
  const problems: string[] = [];
  for (const [name, before] of Object.entries(previous.counts)) {
    if (!(name in counts) || before <= 0 || incomparable.has(name)) continue;
    const after = counts[name] ?? 0;
    if (after === 0) problems.push(`${name} had ${before} documents and is now empty`);
    else if (((before - after) / before) * 100 > maxShrinkPercent) {
      problems.push(`${name} shrank from ${before} to ${after} documents (more than ${maxShrinkPercent}%)`);
    }
  }
  return problems;
}

/**
 * A subset keeps a fraction of production by design: the shrink guard compares a collection with
 * the previous snapshot only when both were taken under the same rules (same policy hash), where a
 * collapse means production or the rules' inputs changed, not the rules themselves.
 */
export function subsetAware(previous: SnapshotMetadata | undefined, policy: Policy | undefined): Set<string> {
  const samePolicy = previous?.policy === policy?.hash;
  if (samePolicy) return new Set();
  const before = Object.keys((previous?.subset as Record<string, number> | undefined) ?? {});
  const now = Object.keys(policy?.subset ?? {});
  return new Set([...before, ...now]);
}

export type { GenerationRecord };

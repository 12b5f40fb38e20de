import {
  BSON,
  type ChangeStream,
  type ClientSession,
  type Db,
  type Document,
  type MongoClient,
  MongoServerError,
  Timestamp,
} from "mongodb";
import { mapBounded, sleep } from "../concurrency";
import type { CopyEnv, CopyResult } from "../copy/engine";
import { Progress } from "../copy/progress";
import { recopyDocuments } from "../copy/recopy";
import { EXACT_BSON } from "../copy/stream";
import { errorMessage, RefusedError } from "../errors";
import type { Log } from "../log";
import { maskedIds, masksId } from "../masking/masked-ids";
import { dependencyOrder, type Strategy, type SubsetRule } from "../masking/policy";
import { keysInSnapshot, referencingIds, unresolvedIds } from "../masking/subset-closure";
import type { MaskingCheck, MaskingVerification } from "../masking/verify";
import {
  clusterTimeNow,
  compareTimes,
  formatTime,
  isHistoryLost,
  isSnapshotMissed,
  resumeTokenTime,
  snapshotSession,
  timeToDate,
} from "../mongo/cluster-time";
import { isRefusal } from "../mongo/refusal";
import { type CollectionSpec, compareSpecs, readCollectionSpec, readCollectionSpecs } from "../mongo/specs";
import { type Consistency, classifyEvent } from "./consistency";

/**
 * Point-in-time snapshots (CONTRACT §13), the way `mongodump --oplog` and mongosync do it: before
 * the first copy the producer notes production's cluster time T0 and opens a change stream on its
 * database from T0 (only the `read` role is needed); the collections are copied as usual, each
 * document as of some moment after T0; then every document that changed after T0 is copied again
 * as of one later cluster time T through the same pipeline (snapshot reads: readConcern `snapshot`
 * with `atClusterTime`), with the copy engine's {@link recopyDocuments}. Every document the stream
 * did not mention is the same at T as when it was copied, so the generation is production as of T.
 *
 * A pass that cannot finish before the server forgets T (its snapshot history window,
 * `minSnapshotHistoryWindowInSeconds`, 5 minutes by default: SnapshotTooOld) is followed by one
 * that reads the latest data instead, which shrinks what changed, then by another try at a point
 * in time. Time-series collections (whose writes no change stream reports) are copied again whole
 * at T. What cannot be brought to one time (a capped collection that changed: MongoDB allows no
 * snapshot read of capped collections; a lost change stream) makes the snapshot per-collection, or
 * fails the run when point-in-time is required; a copied collection dropped or renamed in
 * production fails the run, and one whose indexes or options changed is copied again.
 */

export interface TrackerOptions {
  client: MongoClient;
  database: string;
  /** The collections the snapshot copies. */
  collections: readonly CollectionSpec[];
  /** The views it records. */
  views: readonly string[];
  log: Log;
  /** point-in-time is required (no fallback). */
  required: boolean;
  /** How long to wait for the change stream to reach a cluster time (default 120 s). */
  reachTimeoutMs?: number;
}

/**
 * Opens the change stream before anything is copied. No tracker (the reason, and one warning)
 * when it cannot start and point-in-time is not required; an error that says so when it is.
 */
export async function startTracking(
  o: TrackerOptions,
): Promise<{ tracker?: ChangeTracker; reason?: string }> {
  const db = o.client.db(o.database);
  const watched = [...o.collections.map((c) => c.name), ...o.views];
  let stream: ChangeStream | undefined;
  try {
    const start = await clusterTimeNow(db);
    stream = db.watch(
      [
        {
          $match: {
            $or: [
              { "ns.coll": { $in: watched } },
              { "to.coll": { $in: watched } },
              { operationType: { $in: ["dropDatabase", "invalidate"] } },
            ],
          },
        },
        // Only what the catch-up needs: inserts would otherwise bring whole documents along.
        { $project: { operationType: 1, ns: 1, to: 1, "documentKey._id": 1, clusterTime: 1 } },
      ],
      { showExpandedEvents: true, startAtOperationTime: start, maxAwaitTimeMS: 100, ...EXACT_BSON },
    );
    // The stream's aggregate is sent here, so a refusal shows before the first copy.
    const first = await stream.tryNext();
    const tracker = new ChangeTracker(o, stream, start);
    if (first) tracker.record(first);
    else tracker.advance(resumeTokenTime(stream.resumeToken));
    tracker.run();
    // A collection whose indexes or options changed between the producer reading them and T0 is
    // copied again whole once the copies are done (as if the change had come after T0).
    const specs = new Map(o.collections.map((c) => [c.name, c]));
    for (const now of await readCollectionSpecs(db)) {
      const before = specs.get(now.name);
      if (before && compareSpecs(before, now).length)
        tracker.restartLater(now.name, "its indexes or options changed as the copy began");
    }
    o.log.info(
      `Point in time: watching ${o.database}'s change stream from ${formatTime(start)} (${timeToDate(start).toISOString()}); ` +
        "documents that change during the copy are copied again as of one cluster time afterwards.",
    );
    return { tracker };
  } catch (error) {
    await stream?.close().catch(() => {});
    const said = errorMessage(error).split("\n")[0];
    if (o.required)
      throw new RefusedError(
        `consistency: point-in-time, but the change stream on ${o.database} could not start (${said}). ` +
          "It needs the read role on the production database (changeStream and find) and a replica set or sharded cluster. Nothing was copied.",
      );
    if (!(error instanceof MongoServerError) && !isRefusal(error)) throw error;
    const reason = `the change stream on ${o.database} could not start (${said})`;
    o.log.warning(
      `This snapshot is per-collection (each collection as of its own copy), not point-in-time: ${reason}.`,
    );
    return { reason };
  }
}

interface Pending {
  id: unknown;
  /** Cluster time of the latest event seen for the document. */
  last: Timestamp;
}

export interface CatchUpRequest {
  env: CopyEnv;
  log: Log;
  /** The snapshot database. */
  snapshot: Db;
  /** Copied collections: their specs and where the generation holds them. */
  copies: readonly { spec: CollectionSpec; physical: string }[];
  /** The copy's pipeline (subset, then masking) and its variables, per collection. */
  pipelineFor: (name: string) => Document[];
  variablesFor: (name: string) => Document | undefined;
  /** Compiled subset stages (production side), and the rules they came from. */
  subsetStages: ReadonlyMap<string, Document[]>;
  subsetRules: Readonly<Record<string, SubsetRule>>;
  maskingRules: Readonly<Record<string, Record<string, Strategy>>>;
  /** The producer's copy of one whole collection again (same target), optionally as of a snapshot session. */
  copyAgain: (spec: CollectionSpec, snapshot?: ClientSession) => Promise<CopyResult>;
  /** The masking proof, to be extended over what the catch-up wrote. */
  masking?: { check: MaskingCheck; collections: ReadonlySet<string> };
  /** Snapshot passes that may miss the history window before giving up (default 3). */
  maxMisses?: number;
  /** Copies of one collection after its indexes or options changed (default 3). */
  maxRestarts?: number;
  /** Average document size of a collection (progress of long passes). */
  bytesPerDocument?: (name: string) => number;
  /** Tests: the cluster time pass `n` (from 1) reads at, instead of `now`. */
  timeOfPass?: (n: number, now: Timestamp) => Timestamp;
}

export interface CatchUpPass {
  kind: "point-in-time" | "latest";
  at: Timestamp;
  /** Documents read again, and of them how many are no longer in the snapshot. */
  documents: number;
  removed: number;
  /** Collections copied again whole (time-series). */
  whole: string[];
  ms: number;
  /** The server could no longer read as of `at` (SnapshotTooOld, SnapshotUnavailable) before the pass finished. */
  missed?: boolean;
}

export interface CatchUpReport {
  consistency: Consistency;
  consistentAt?: Timestamp;
  consistentAtDate?: Date;
  /** Why the snapshot is per-collection after all. */
  reason?: string;
  startedAt: Timestamp;
  events: number;
  passes: CatchUpPass[];
  /** Documents read again over all passes, and removed. */
  documents: number;
  removed: number;
  /** collection → documents read again (all passes). */
  changed: Record<string, number>;
  /** Collections copied again whole after their indexes or options changed. */
  restarted: string[];
  ms: number;
  /** New copy results of collections copied again whole. */
  recopied: CopyResult[];
  /** collection → documents the generation holds after the catch-up (collections it touched). */
  counts: Record<string, number>;
  /** The masking proof over the documents the catch-up wrote. */
  verifications: MaskingVerification[];
}

/** The cluster time just before `t`. */
function justBefore(t: Timestamp): Timestamp {
  return t.i > 0 ? new Timestamp({ t: t.t, i: t.i - 1 }) : new Timestamp({ t: t.t - 1, i: 0xffffffff });
}

const keyOf = (id: unknown) => Buffer.from(BSON.serialize({ v: id })).toString("base64");

export class ChangeTracker {
  private readonly pending = new Map<string, Map<string, Pending>>();
  private readonly restarts = new Map<string, string>();
  private readonly restartCount = new Map<string, number>();
  private readonly capped: Set<string>;
  private readonly names: { copied: Set<string>; views: Set<string> };
  private fatal: { why: string; collection?: string; at?: Timestamp } | undefined;
  private broken: string | undefined;
  /** Every event up to this cluster time has been recorded (the stream's high-water mark). */
  private reached: Timestamp;
  private closed = false;
  private reader: Promise<void> = Promise.resolve();
  events = 0;

  constructor(
    private readonly o: TrackerOptions,
    private readonly stream: ChangeStream,
    readonly startedAt: Timestamp,
  ) {
    this.reached = startedAt;
    this.capped = new Set(o.collections.filter((c) => c.options.capped === true).map((c) => c.name));
    this.names = { copied: new Set(o.collections.map((c) => c.name)), views: new Set(o.views) };
  }

  /** @internal Drains the stream in the background while the collections are copied. */
  run(): void {
    this.reader = (async () => {
      try {
        while (!this.closed) {
          const event = await this.stream.tryNext();
          if (event) this.record(event);
          // An empty batch's token is a high-water mark: every event up to its time has come.
          else this.advance(resumeTokenTime(this.stream.resumeToken));
        }
      } catch (error) {
        if (this.closed) return;
        this.broken ??= isHistoryLost(error)
          ? "the change stream lost its start (the oplog rolled over during the copy): make the oplog longer than a snapshot takes"
          : `the change stream failed (${errorMessage(error).split("\n")[0]})`;
      }
    })();
  }

  /** @internal */
  restartLater(collection: string, why: string): void {
    if (!this.restarts.has(collection)) this.restarts.set(collection, why);
  }

  /** @internal Every event up to `t` has been recorded. */
  advance(t: Timestamp | undefined): void {
    if (t && compareTimes(t, this.reached) > 0) this.reached = t;
  }

  /** @internal */
  record(event: Document): void {
    this.events++;
    const effect = classifyEvent(event, this.names);
    const at = event.clusterTime instanceof Timestamp ? event.clusterTime : undefined;
    // Events come in cluster-time order, so every earlier one has come; not the rest of this
    // time's, though (the events of one transaction share it, and a batch may end among them).
    if (at) this.advance(justBefore(at));
    if (effect.kind === "document") {
      if (this.capped.has(effect.collection)) {
        this.broken ??= `the capped collection ${effect.collection} changed during the copy, and MongoDB allows no snapshot read of a capped collection`;
        return;
      }
      const m = this.pending.get(effect.collection) ?? new Map<string, Pending>();
      this.pending.set(effect.collection, m);
      const key = keyOf(effect.id);
      const last = at ?? this.reached;
      const seen = m.get(key);
      if (!seen || compareTimes(last, seen.last) > 0) m.set(key, { id: effect.id, last });
    } else if (effect.kind === "restart") this.restartLater(effect.collection, effect.why);
    else if (effect.kind === "fatal") {
      this.fatal ??= {
        why: effect.why,
        ...(effect.collection ? { collection: effect.collection } : {}),
        ...(at ? { at } : {}),
      };
    }
  }

  /** Waits until every event up to `time` has been recorded. */
  private async reach(time: Timestamp): Promise<void> {
    const deadline = Date.now() + (this.o.reachTimeoutMs ?? 120_000);
    while (compareTimes(this.reached, time) < 0) {
      if (this.broken || this.fatal) return;
      if (Date.now() > deadline) {
        this.broken = `the change stream did not reach cluster time ${formatTime(time)} within ${Math.round((this.o.reachTimeoutMs ?? 120_000) / 1000)} s (is a majority of the replica set up?)`;
        return;
      }
      await sleep(20);
    }
  }

  /** The clear reason a copy failed, when production dropped or renamed the collection meanwhile. */
  async explainFailure(collection: string): Promise<string | undefined> {
    const now = await clusterTimeNow(this.o.client.db(this.o.database)).catch(() => undefined);
    if (now) await this.reach(now);
    return this.fatal && (this.fatal.collection === undefined || this.fatal.collection === collection)
      ? this.fatalMessage()
      : undefined;
  }

  private fatalMessage(): string {
    const f = this.fatal;
    if (!f) return "";
    return (
      `In production, ${f.why}${f.at ? ` at ${timeToDate(f.at).toISOString()} (${formatTime(f.at)})` : ""}, while the snapshot was being taken: ` +
      `a snapshot of ${this.o.database} as of one moment cannot be published. Nothing was published: the previous snapshot stays in use. ` +
      "Run the producer again once production's collections are stable (or use consistency: per-collection)."
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stream.close().catch(() => {});
    await this.reader.catch(() => {});
  }

  /**
   * Brings the generation to one cluster time: passes until one has copied again, as of its time,
   * everything that changed since the copy (or since the previous pass that read the latest data).
   */
  async catchUp(req: CatchUpRequest): Promise<CatchUpReport> {
    const started = Date.now();
    const { log } = req;
    const db = this.o.client.db(this.o.database);
    const specs = new Map(req.copies.map((c) => [c.spec.name, c.spec]));
    const physical = new Map(req.copies.map((c) => [c.spec.name, c.physical]));
    const report: CatchUpReport = {
      consistency: "per-collection",
      startedAt: this.startedAt,
      events: 0,
      passes: [],
      documents: 0,
      removed: 0,
      changed: {},
      restarted: [],
      ms: 0,
      recopied: [],
      counts: {},
      verifications: [],
    };
    /** Every document copied again, per collection (for the masking proof). */
    const everChanged = new Map<string, Map<string, unknown>>();
    const whole = new Set<string>();
    /**
     * referenced collection → key field → the keys its replaced or removed documents held in the
     * snapshot. Kept until a pass completes: a pass that missed its time may have replaced a
     * referenced document before its dependents were looked at.
     */
    const formerKeys = new Map<string, Map<string, unknown[]>>();
    const finish = async (): Promise<CatchUpReport> => {
      const touched = new Set([...everChanged.keys(), ...whole]);
      for (const name of touched) {
        const p = physical.get(name);
        if (p) report.counts[name] = await req.snapshot.collection(p).countDocuments({});
        report.changed[name] = everChanged.get(name)?.size ?? 0;
      }
      report.events = this.events;
      report.ms = Date.now() - started;
      return report;
    };
    const giveUp = async (why: string): Promise<CatchUpReport> => {
      if (this.o.required)
        throw new RefusedError(
          `consistency: point-in-time, but ${why}. Nothing was published: the previous snapshot stays in use.`,
        );
      log.warning(
        `This snapshot is per-collection (each collection as of its own copy), not point-in-time: ${why}.`,
      );
      report.reason = why;
      return finish();
    };

    const timeseries = req.copies.filter((c) => c.spec.type === "timeseries").map((c) => c.spec.name);
    const withReferences = dependencyOrder({ ...req.subsetRules }).filter(
      (c) => (req.subsetRules[c]?.references?.length ?? 0) > 0 && specs.has(c),
    );
    const plain = req.copies
      .map((c) => c.spec.name)
      .filter((n) => !withReferences.includes(n) && !timeseries.includes(n));
    /** referenced collection → the key fields its dependents use. */
    const referencedKeys = new Map<string, Set<string>>();
    for (const c of withReferences)
      for (const r of req.subsetRules[c]?.references ?? []) {
        const keys = referencedKeys.get(r.collection) ?? new Set<string>();
        keys.add(r.key);
        referencedKeys.set(r.collection, keys);
      }

    const maxMisses = req.maxMisses ?? 3;
    let misses = 0;
    let latestNext = false;
    for (;;) {
      if (this.fatal) throw new RefusedError(this.fatalMessage());
      if (this.broken) return giveUp(this.broken);
      if (this.restarts.size) {
        await this.restart(req, specs, physical, report, whole);
        continue;
      }
      const now = await clusterTimeNow(db);
      const at = req.timeOfPass?.(report.passes.length + 1, now) ?? now;
      await this.reach(at);
      if (this.fatal || this.broken || this.restarts.size) continue;
      const kind = latestNext ? "latest" : "point-in-time";
      const session = kind === "point-in-time" ? snapshotSession(this.o.client, at) : undefined;
      const passStarted = Date.now();
      const plan = new Map([...this.pending].map(([c, m]) => [c, [...m.values()].map((p) => p.id)]));
      const pass: CatchUpPass = { kind, at, documents: 0, removed: 0, whole: [], ms: 0 };
      // A long pass logs its progress like the copies do.
      const progress = new Progress({
        log,
        what: `Catch-up pass ${report.passes.length + 1}`,
        totalDocuments: [...plan.values()].reduce((n, ids) => n + ids.length, 0),
        totalBytes: [...plan].reduce((n, [c, ids]) => n + ids.length * (req.bytesPerDocument?.(c) ?? 0), 0),
      }).start();
      try {
        await this.pass(
          { ...req, env: { ...req.env, progress } },
          {
            plan,
            session,
            plain,
            withReferences,
            timeseries,
            referencedKeys,
            physical,
            specs,
            pass,
            everChanged,
            whole,
            formerKeys,
          },
        );
        if (kind === "point-in-time" && session && req.masking)
          report.verifications = await this.verifyMasking(req, session, everChanged, whole, physical);
        formerKeys.clear();
      } catch (error) {
        if (!(kind === "point-in-time" && isSnapshotMissed(error))) throw error;
        pass.missed = true;
      } finally {
        progress.stop();
        await session?.endSession().catch(() => {});
        pass.ms = Date.now() - passStarted;
        report.passes.push(pass);
        report.documents += pass.documents;
        report.removed += pass.removed;
      }
      log.info(
        `Catch-up pass ${report.passes.length} (${kind === "point-in-time" ? `as of ${formatTime(at)}, ${timeToDate(at).toISOString()}` : "latest data"}): ` +
          `${pass.documents} changed document(s) read again, ${pass.removed} no longer in the snapshot` +
          `${pass.whole.length ? `; copied again whole: ${pass.whole.join(", ")}` : ""}; ${(pass.ms / 1000).toFixed(1)} s` +
          `${pass.missed ? " — the server could no longer read as of that time (its snapshot history window ran out): next, a pass over the latest data shrinks what changed" : ""}.`,
      );
      if (pass.missed) {
        misses++;
        if (misses >= maxMisses)
          return giveUp(
            `${misses} catch-up passes could not read production as of one time within its snapshot history window (minSnapshotHistoryWindowInSeconds)`,
          );
        latestNext = true;
        continue;
      }
      if (kind === "latest") {
        // Everything that changed up to `at` was read at `at` or later: only later changes remain.
        for (const m of this.pending.values())
          for (const [k, p] of m) if (compareTimes(p.last, at) <= 0) m.delete(k);
        latestNext = false;
        continue;
      }
      // Events after `at` do not matter to a snapshot as of `at`, except a drop or rename (checked above).
      if (this.fatal) throw new RefusedError(this.fatalMessage());
      report.consistency = "point-in-time";
      report.consistentAt = at;
      report.consistentAtDate = timeToDate(at);
      return finish();
    }
  }

  private async restart(
    req: CatchUpRequest,
    specs: Map<string, CollectionSpec>,
    physical: Map<string, string>,
    report: CatchUpReport,
    whole: Set<string>,
  ): Promise<void> {
    const todo = [...this.restarts];
    this.restarts.clear();
    for (const [name, why] of todo) {
      const n = (this.restartCount.get(name) ?? 0) + 1;
      this.restartCount.set(name, n);
      if (n > (req.maxRestarts ?? 3))
        throw new RefusedError(
          `In production, ${name} changed its indexes or options ${n} times while the snapshot was being taken (last: ${why}). Nothing was published: the previous snapshot stays in use. Run the producer again when it is stable.`,
        );
      const spec = await readCollectionSpec(this.o.client.db(this.o.database), name);
      if (!spec) continue; // dropped: its drop event fails the run
      req.log.info(`Copying ${name} again: in production, ${why} during the snapshot.`);
      const result = await req.copyAgain(spec);
      specs.set(name, spec);
      physical.set(name, result.target.collection);
      report.recopied = [...report.recopied.filter((r) => r.name !== name), result];
      if (!report.restarted.includes(name)) report.restarted.push(name);
      whole.add(name);
    }
  }

  private async pass(
    req: CatchUpRequest,
    p: {
      plan: Map<string, unknown[]>;
      session: ClientSession | undefined;
      plain: readonly string[];
      withReferences: readonly string[];
      timeseries: readonly string[];
      referencedKeys: ReadonlyMap<string, ReadonlySet<string>>;
      physical: ReadonlyMap<string, string>;
      specs: ReadonlyMap<string, CollectionSpec>;
      pass: CatchUpPass;
      everChanged: Map<string, Map<string, unknown>>;
      whole: Set<string>;
      formerKeys: Map<string, Map<string, unknown[]>>;
    },
  ): Promise<void> {
    const source = this.o.client.db(this.o.database);
    const physicalOf = (name: string) => p.physical.get(name) ?? name;
    /** production `_id`s read again in this pass (own changes and documents that entered a subset). */
    const touched = new Map<string, unknown[]>();
    const { formerKeys } = p;
    const noteFormerKeys = async (name: string, targetIds: readonly unknown[]) => {
      for (const key of p.referencedKeys.get(name) ?? []) {
        const keys = await keysInSnapshot({
          snapshot: req.snapshot,
          physical: physicalOf(name),
          key,
          ids: targetIds,
        });
        const byKey = formerKeys.get(name) ?? new Map<string, unknown[]>();
        byKey.set(key, [...(byKey.get(key) ?? []), ...keys]);
        formerKeys.set(name, byKey);
      }
    };
    const recopy = async (name: string, ids: readonly unknown[], remove: readonly unknown[] = []) => {
      if (!ids.length && !remove.length) return;
      const variables = req.variablesFor(name);
      const targetIds = masksId(req.maskingRules[name])
        ? await maskedIds({ source, rules: req.maskingRules[name], ...(variables ? { variables } : {}), ids })
        : ids;
      await noteFormerKeys(name, [...targetIds, ...remove]);
      const r = await recopyDocuments(req.env, {
        name,
        bytes: ids.length * (req.bytesPerDocument?.(name) ?? 0),
        source: { db: this.o.database, collection: name },
        target: { db: req.snapshot.databaseName, collection: physicalOf(name) },
        ids,
        targetIds,
        remove,
        pipeline: req.pipelineFor(name),
        ...(variables ? { variables } : {}),
        ...(p.session ? { snapshot: p.session } : {}),
      });
      p.pass.documents += ids.length;
      p.pass.removed += r.removed;
      touched.set(name, [...(touched.get(name) ?? []), ...ids]);
      const ever = p.everChanged.get(name) ?? new Map<string, unknown>();
      for (const id of ids) ever.set(keyOf(id), id);
      p.everChanged.set(name, ever);
    };

    // Time-series writes are in no change stream: copied again whole, as of the pass's time.
    if (p.session)
      for (const name of p.timeseries) {
        const spec = p.specs.get(name);
        if (!spec) continue;
        await req.copyAgain(spec, p.session);
        p.pass.whole.push(name);
        p.whole.add(name);
      }
    // Collections whose subset needs no other collection: side by side.
    await mapBounded(p.plain, req.env.concurrency, (name) => recopy(name, p.plan.get(name) ?? []));
    // Then those whose subset follows references, each after the collections it references.
    for (const name of p.withReferences) {
      const refs = req.subsetRules[name]?.references ?? [];
      const entering: unknown[] = [];
      for (const r of refs)
        entering.push(
          ...(await referencingIds({
            source,
            collection: name,
            reference: r,
            changed: touched.get(r.collection) ?? [],
            stages: req.subsetStages.get(r.collection) ?? [],
            ...(p.session ? { session: p.session } : {}),
          })),
        );
      const ids = new Map<string, unknown>();
      for (const id of [...(p.plan.get(name) ?? []), ...entering]) ids.set(keyOf(id), id);
      await recopy(name, [...ids.values()]);
      const leaving = await unresolvedIds({
        snapshot: req.snapshot,
        physical: physicalOf,
        collection: name,
        references: refs,
        keys: new Map(
          refs.map((r) => [r.collection, formerKeys.get(r.collection)?.get(r.key) ?? []] as const),
        ),
      });
      await recopy(name, [], leaving);
    }
  }

  /** Production's values of what the catch-up wrote, as of the consistent time, then the proof again. */
  private async verifyMasking(
    req: CatchUpRequest,
    session: ClientSession,
    everChanged: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
    whole: ReadonlySet<string>,
    physical: ReadonlyMap<string, string>,
  ): Promise<MaskingVerification[]> {
    const m = req.masking;
    if (!m) return [];
    const out: MaskingVerification[] = [];
    for (const name of m.collections) {
      const ids = everChanged.get(name);
      if (!whole.has(name) && !ids?.size) continue;
      await m.check.addProductionValues(name, {
        session,
        ...(whole.has(name) ? {} : { ids: [...(ids?.values() ?? [])] }),
      });
      out.push(await m.check.verify({ name, physical: physical.get(name) ?? name }));
    }
    return out;
  }
}

/** The copy results after a catch-up: collections copied again whole, and every count as it is now. */
export function afterCatchUp(results: readonly CopyResult[], c: CatchUpReport): CopyResult[] {
  return results.map((r) => {
    const again = c.recopied.find((x) => x.name === r.name) ?? r;
    const documents = c.counts[r.name];
    return documents === undefined ? again : { ...again, documents };
  });
}

/** What a producer run says about its snapshot's consistency (report, summary, metadata). */
export interface ConsistencyOutcome {
  consistency: Consistency;
  consistentAt?: Timestamp;
  consistentAtDate?: Date;
  /** Why it is per-collection. */
  reason?: string;
  catchUp?: CatchUpReport;
}

export function consistencyOutcome(
  reason: string | undefined,
  caughtUp: CatchUpReport | undefined,
): ConsistencyOutcome {
  if (!caughtUp) return { consistency: "per-collection", ...(reason ? { reason } : {}) };
  return {
    consistency: caughtUp.consistency,
    ...(caughtUp.consistentAt ? { consistentAt: caughtUp.consistentAt } : {}),
    ...(caughtUp.consistentAtDate ? { consistentAtDate: caughtUp.consistentAtDate } : {}),
    ...(caughtUp.reason ? { reason: caughtUp.reason } : {}),
    catchUp: caughtUp,
  };
}

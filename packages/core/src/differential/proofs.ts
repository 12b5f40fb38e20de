import type { Binary, Db, Document, MongoClient, Timestamp } from "mongodb";
import { MongoServerError } from "mongodb";
import { mapBounded } from "../concurrency";
import { errorMessage } from "../errors";
import type { Log } from "../log";
import { isRefusal } from "../mongo/refusal";
import { type CollectionSpec, compareSpecs, readCollectionSpec, specFingerprint } from "../mongo/specs";
import { LEASE_COLLECTION, type PrDatabaseMetadata } from "../mongo/target";
import { assertWritableTarget, type TargetPolicy } from "../names";
import type { SnapshotMetadata } from "../snapshot/metadata";
import type { RefreshPolicy } from "../snapshot/refresh";
import { type CollectionFacts, decideCollection, type Proof } from "./decide";
import {
  type CollectionKind,
  hashCollection,
  kindOf,
  type RecordedFingerprint,
  readFingerprints,
  readRecordedFingerprints,
} from "./fingerprint";

/**
 * The I/O of a differential restore's decision (decide.ts decides): what the PR database holds
 * now, what the last restore recorded, the change stream since then, and dbHash, each gathered
 * only for the collections the cheaper facts left undecided.
 */

/** A collection of the snapshot, as the restore plans it. */
export interface SnapshotCollection {
  name: string;
  physical: string;
  spec: CollectionSpec;
  documents: number;
}

export interface CollectionDecision {
  name: string;
  action: "keep" | "copy";
  proof: Proof;
  reason: string;
  /** Time spent proving (or disproving) this collection, shared work included. */
  checkMs: number;
  /** The snapshot collection's hash, when known (recorded again by the restore). */
  hash?: string;
  /** A kept collection's UUID, recorded again. */
  uuid?: Binary;
  /** The snapshot collection's content identity (fingerprint.ts `content`). */
  content: string;
}

export interface DecideRequest {
  client: MongoClient;
  log: Log;
  target: string;
  policy: TargetPolicy;
  snapshotDatabase: string;
  meta: SnapshotMetadata;
  collections: readonly SnapshotCollection[];
  refresh: RefreshPolicy;
  /** The PR database's restore record as it was before this restore marked it `restoring`. */
  previous: PrDatabaseMetadata | undefined;
  concurrency: number;
  guard?: () => void;
  /** Longest the change stream may take to reach the present before hashing is used instead. */
  streamTimeoutMs?: number;
}

/** `<generation>/<physical>`: the snapshot collection a copy holds (see RecordedFingerprint.content). */
export function contentOf(meta: SnapshotMetadata, physical: string): string {
  return `${meta.generation ?? meta.timestamp.toISOString()}/${physical}`;
}

/** The record of the last restore, if it completed from this snapshot database. */
export function usableRecord(
  previous: PrDatabaseMetadata | undefined,
  snapshotDatabase: string,
): Record<string, RecordedFingerprint> {
  if (previous?.source !== "snapshot" || previous.status !== "complete") return {};
  if (previous.snapshotDatabase !== undefined && previous.snapshotDatabase !== snapshotDatabase) return {};
  return readRecordedFingerprints(previous.fingerprints);
}

interface Pending {
  c: SnapshotCollection;
  kind: CollectionKind;
  facts: CollectionFacts;
  checkMs: number;
  uuid?: Binary;
  since?: Timestamp;
}

export async function decideCollections(req: DecideRequest): Promise<CollectionDecision[]> {
  const { client, log, meta } = req;
  const prDb = client.db(req.target);
  const snapDb = client.db(req.snapshotDatabase);
  const recorded = req.refresh === "full" ? {} : usableRecord(req.previous, req.snapshotDatabase);
  const published = readFingerprints(meta.fingerprints);
  const uuids = req.refresh === "full" ? new Map<string, Binary>() : await collectionUuids(prDb);

  const pending: Pending[] = await mapBounded(req.collections, req.concurrency, async (c) => {
    const started = Date.now();
    const kind = kindOf(c.spec);
    const content = contentOf(meta, c.physical);
    // The publisher's hash counts only if it describes this very collection (same options,
    // indexes and count as read now); otherwise it is computed again when needed.
    const pub = published[c.name];
    const fp = specFingerprint(c.spec);
    const trusted =
      pub && pub.options === fp.options && pub.indexes === fp.indexes && pub.count === c.documents;
    const facts: CollectionFacts = {
      name: c.name,
      kind,
      snapshot: { count: c.documents, content, ...(trusted && pub.hash ? { hash: pub.hash } : {}) },
    };
    const uuid = uuids.get(c.name);
    if (req.refresh !== "full") {
      const current = await readCollectionSpec(prDb, c.name);
      if (current) {
        facts.current = {
          specProblems: compareSpecs({ ...c.spec, name: c.name }, current).map(shortProblem),
          count: current.type === "view" ? -1 : await prDb.collection(c.name).estimatedDocumentCount(),
          ...(uuid ? { uuid: hex(uuid) } : {}),
        };
      }
      const r = recorded[c.name];
      if (r)
        facts.recorded = {
          content: r.content,
          ...(r.hash ? { hash: r.hash } : {}),
          ...(r.uuid ? { uuid: hex(r.uuid) } : {}),
          ...(r.since ? { since: String(tsKey(r.since)) } : {}),
        };
    }
    return {
      c,
      kind,
      facts,
      checkMs: Date.now() - started,
      ...(uuid ? { uuid } : {}),
      ...(recorded[c.name]?.since ? { since: recorded[c.name]?.since } : {}),
    };
  });
  const needs = (p: Pending, fact: "stream" | "hash") => {
    const d = decideCollection(p.facts, req.refresh);
    return d.action === "need" && d.fact === fact;
  };

  // Replica sets: one change stream from the oldest recorded time tells which collections nothing touched.
  const wantStream = pending.filter((p) => needs(p, "stream"));
  if (wantStream.length) {
    const started = Date.now();
    const verdict = await streamVerdict(req, wantStream);
    const ms = Date.now() - started;
    for (const p of wantStream) {
      p.checkMs += ms;
      p.facts.stream =
        "unavailable" in verdict
          ? { unavailable: verdict.unavailable }
          : verdict.changed.has(p.c.name)
            ? "changed"
            : "unchanged";
    }
    if ("unavailable" in verdict)
      log.info(`Change stream: ${verdict.unavailable}; comparing by dbHash instead.`);
    else
      log.info(
        `Change stream on ${req.target} since the last restore (${(ms / 1000).toFixed(2)} s, nothing read from the collections): ` +
          `${wantStream.length - verdict.changed.size} of ${wantStream.length} unchanged.`,
      );
  }

  // Then dbHash, for what is still undecided: the snapshot's hash from the publish, or computed now.
  const wantHash = pending.filter((p) => needs(p, "hash"));
  let refused = false;
  if (wantHash.length) {
    const why = await whyNotStream(req, wantHash);
    log.info(
      `Comparing ${wantHash.length} collection(s) by dbHash${why ? ` (${why})` : ""}: it holds a shared lock on ${req.target} while it runs, so the preview application's writes wait.`,
    );
    await mapBounded(wantHash, req.concurrency, async (p) => {
      const started = Date.now();
      if (p.facts.snapshot.hash === undefined)
        p.facts.snapshot.hash = refused ? null : ((await hashCollection(snapDb, p.c.physical, log)) ?? null);
      if (p.facts.snapshot.hash === null) refused = true;
      p.facts.hash = refused ? null : ((await hashCollection(prDb, p.c.name, log)) ?? null);
      if (p.facts.hash === null) refused = true;
      p.checkMs += Date.now() - started;
    });
  }

  return pending.map((p) => {
    const d = decideCollection(p.facts, req.refresh);
    if (d.action === "need")
      throw new Error(`Differential restore: no decision for ${p.c.name} (${d.fact}).`);
    const r = recorded[p.c.name];
    const hash =
      typeof p.facts.snapshot.hash === "string"
        ? p.facts.snapshot.hash
        : r?.hash && r.content === p.facts.snapshot.content
          ? r.hash
          : undefined;
    return {
      name: p.c.name,
      action: d.action,
      proof: d.proof,
      reason: d.reason,
      checkMs: p.checkMs,
      content: p.facts.snapshot.content,
      ...(hash ? { hash } : {}),
      ...(d.action === "keep" && p.uuid ? { uuid: p.uuid } : {}),
    };
  });
}

/**
 * Why these collections are hashed rather than proven by the change stream, in words, for the one
 * line that names the way used (a failed change stream said why itself).
 */
async function whyNotStream(req: DecideRequest, hashed: readonly Pending[]): Promise<string | undefined> {
  const reasons = new Set<string>();
  for (const p of hashed) {
    const r = p.facts.recorded;
    const s = p.facts.stream;
    if (!r) reasons.add("no complete record of the last restore");
    else if (r.since === undefined) reasons.add("standalone");
    else if (r.uuid !== p.facts.current?.uuid) reasons.add("re-created since the last restore");
    else if (s === "unchanged")
      reasons.add("unchanged, but from another snapshot whose hash was not recorded");
  }
  if (reasons.has("standalone")) {
    reasons.delete("standalone");
    reasons.add(
      (await isStandalone(req.client.db(req.target)))
        ? "this is a standalone server, which has no change streams"
        : "the last restore recorded no cluster times",
    );
  }
  return reasons.size ? [...reasons].join("; ") : undefined;
}

async function isStandalone(db: Db): Promise<boolean> {
  const hello = await db.admin().command({ hello: 1 });
  return typeof hello.setName !== "string" && hello.msg !== "isdbgrid";
}

type StreamVerdict = { changed: Set<string> } | { unavailable: string };

/** The document a restore writes to mark "now" in the change stream. */
const PROBE_ID = "change-probe";

/**
 * Which of the collections changed since the time their last restore recorded, read from one
 * database-level change stream (MongoDB 6.0+, `showExpandedEvents`: index builds and drops,
 * `collMod`, create, drop and rename show too). The restore first writes a probe document; every
 * change older than it comes before it in the stream, so reaching it proves the absence of the
 * others. A collection found changed is left out of the stream's filter from then on (the
 * stream is reopened at that event's time), so an application that writes one collection a
 * million times costs a few reopened streams, not a million events.
 */
async function streamVerdict(req: DecideRequest, wanted: readonly Pending[]): Promise<StreamVerdict> {
  const db = req.client.db(req.target);
  if (await isStandalone(db))
    return { unavailable: "this is a standalone server, which has no change streams" };
  const pending = new Map<string, Timestamp>();
  for (const p of wanted) if (p.since) pending.set(p.c.name, p.since);
  const changed = new Set<string>();
  if (!pending.size) return { changed };
  try {
    assertWritableTarget(req.target, req.policy);
    req.guard?.();
    const probe = await db.command({
      update: LEASE_COLLECTION,
      updates: [{ q: { _id: PROBE_ID }, u: { $set: { probedAt: new Date() } }, upsert: true }],
    });
    const marker = probe.operationTime as Timestamp | undefined;
    if (!marker) return { unavailable: "the server reports no operation times" };
    const deadline = Date.now() + (req.streamTimeoutMs ?? 120_000);
    // Reopened at the last event's time rather than after its token: the narrower filter may
    // exclude that very event, and a resume token must be found in the stream it resumes.
    let from = [...pending.values()].reduce((a, b) => (tsKey(b) < tsKey(a) ? b : a));
    while (pending.size) {
      const stream = db.watch(streamPipeline(pending), {
        showExpandedEvents: true,
        maxAwaitTimeMS: 500,
        startAtOperationTime: from,
      });
      try {
        let narrowed = false;
        while (!narrowed) {
          if (Date.now() > deadline)
            return {
              unavailable: `the change stream did not reach the present within ${Math.round((req.streamTimeoutMs ?? 120_000) / 1000)} s`,
            };
          const event = (await stream.tryNext()) as Document | null;
          if (!event) continue;
          from = event.clusterTime as Timestamp;
          const type = String(event.operationType);
          if (type === "dropDatabase" || type === "invalidate") {
            for (const name of pending.keys()) changed.add(name);
            return { changed };
          }
          const at = tsKey(event.clusterTime as Timestamp);
          if (event.ns?.coll === LEASE_COLLECTION) {
            if (at >= tsKey(marker)) return { changed };
            continue;
          }
          for (const name of [event.ns?.coll, event.to?.coll]) {
            const since = typeof name === "string" ? pending.get(name) : undefined;
            if (since && at > tsKey(since)) {
              pending.delete(name as string);
              changed.add(name as string);
              narrowed = true;
            }
          }
        }
      } finally {
        await stream.close().catch(() => {});
      }
    }
    return { changed };
  } catch (error) {
    return { unavailable: describeStreamFailure(error) };
  }
}

function streamPipeline(pending: ReadonlyMap<string, Timestamp>): Document[] {
  return [
    {
      $match: {
        $or: [
          { operationType: { $in: ["dropDatabase", "invalidate"] } },
          { "ns.coll": LEASE_COLLECTION, "documentKey._id": PROBE_ID },
          ...[...pending].map(([name, since]) => ({
            $or: [{ "ns.coll": name }, { "to.coll": name }],
            clusterTime: { $gt: since },
          })),
        ],
      },
    },
    { $project: { operationType: 1, ns: 1, to: 1, clusterTime: 1 } },
  ];
}

function describeStreamFailure(error: unknown): string {
  if (error instanceof MongoServerError) {
    if (error.code === 286 || error.codeName === "ChangeStreamHistoryLost")
      return "the oplog no longer reaches back to the last restore (ChangeStreamHistoryLost)";
    if (isRefusal(error)) return `the server refused the change stream (${error.message.split("\n")[0]})`;
  }
  return `the change stream failed (${errorMessage(error).split("\n")[0]})`;
}

/** The cluster time now (replica sets and sharded clusters); undefined on a standalone server. */
export async function clusterTimeNow(db: Db): Promise<Timestamp | undefined> {
  const res = await db.command({ ping: 1 });
  return (res.operationTime as Timestamp | undefined) ?? undefined;
}

async function collectionUuids(db: Db): Promise<Map<string, Binary>> {
  const infos = await db.listCollections({}, { authorizedCollections: true }).toArray();
  const out = new Map<string, Binary>();
  for (const info of infos) {
    const uuid = ((info as Document).info as { uuid?: Binary } | undefined)?.uuid;
    if (uuid) out.set(String(info.name), uuid);
  }
  return out;
}

/** compareSpecs' words without the option documents themselves (a validator can be pages long). */
function shortProblem(problem: string): string {
  if (problem.startsWith("options differ")) return "options differ";
  return problem.length > 160 ? `${problem.slice(0, 157)}...` : problem;
}

export function tsKey(ts: Timestamp): bigint {
  return (BigInt(ts.t) << 32n) | BigInt(ts.i);
}

function hex(uuid: Binary): string {
  return Buffer.from(uuid.buffer).toString("hex");
}

import type { ClientSession, Db, MongoClient } from "mongodb";
import { Timestamp } from "mongodb";

/**
 * Cluster times: where a deployment is in its history, what a change stream has been read up to,
 * and reads of one collection as the deployment was at one of those times.
 */

export type Topology = "standalone" | "replica set" | "sharded cluster";

/** What the server says it is (`hello`): change streams and snapshot reads need a replica set or mongos. */
export async function topologyOf(client: MongoClient): Promise<Topology> {
  const hello = await client.db("admin").command({ hello: 1 });
  if (hello.msg === "isdbgrid") return "sharded cluster";
  if (typeof hello.setName === "string") return "replica set";
  return "standalone";
}

/**
 * The deployment's latest cluster time as this client sees it: the `operationTime` of a
 * read-only command. Every write that a later read can see has this time or a later one.
 */
export async function clusterTimeNow(db: Db): Promise<Timestamp> {
  const reply = await db.command({ ping: 1 });
  const time = reply.operationTime;
  if (!(time instanceof Timestamp))
    throw new Error(
      "The server did not report a cluster time (operationTime): it is not a replica set member.",
    );
  return time;
}

export function compareTimes(a: Timestamp, b: Timestamp): number {
  return a.t - b.t || a.i - b.i;
}

/** The wall-clock second a cluster time stands for (its seconds part). */
export function timeToDate(time: Timestamp): Date {
  return new Date(time.t * 1000);
}

export function formatTime(time: Timestamp): string {
  return `Timestamp(${time.t}, ${time.i})`;
}

/**
 * The cluster time a change stream's resume token stands for. Since MongoDB 4.0.7 `_data` is the
 * hex of a KeyString whose first value is the event's (or, for the post-batch token of an empty
 * batch, the high-water mark's) cluster time: type byte 130 (Timestamp), then seconds and
 * increment as two big-endian 32-bit numbers. It is how the producer knows that every event up to
 * a time has been read, and nothing else is taken from the token.
 */
export function resumeTokenTime(token: unknown): Timestamp | undefined {
  const data = (token as { _data?: unknown } | undefined)?._data;
  if (typeof data !== "string" || !/^82[0-9a-fA-F]{16}/.test(data)) return undefined;
  const bytes = Buffer.from(data.slice(2, 18), "hex");
  return new Timestamp({ t: bytes.readUInt32BE(0), i: bytes.readUInt32BE(4) });
}

/**
 * A session whose reads (`find`, `aggregate` and their `getMore`s) see the deployment as of
 * `time`: readConcern `snapshot` with `atClusterTime`. The drivers' snapshot-session spec lets an
 * application give that time when it starts the session (DRIVERS-2782, `snapshotTime`); the Node
 * driver does not take it as an option yet, but it sends the session's `snapshotTime` as
 * `atClusterTime` with every read (the property it records after a snapshot session's first
 * read), so it is set before the first read. `aggregate`'s own `readConcern` option cannot carry
 * the time: the driver keeps only its level.
 */
export function snapshotSession(client: MongoClient, time: Timestamp): ClientSession {
  const session = client.startSession({ snapshot: true });
  (session as unknown as { snapshotTime?: Timestamp }).snapshotTime = time;
  return session;
}

/**
 * The server cannot read as of that time: SnapshotTooOld (239, its history window has passed) or
 * SnapshotUnavailable (246, e.g. a collection's catalog changed after it). A later time can work.
 */
export function isSnapshotMissed(error: unknown): boolean {
  const e = error as { code?: unknown; codeName?: unknown } | undefined;
  return (
    e?.code === 239 ||
    e?.codeName === "SnapshotTooOld" ||
    e?.code === 246 ||
    e?.codeName === "SnapshotUnavailable"
  );
}

/** ChangeStreamHistoryLost (286): the oplog no longer holds the change stream's start. */
export function isHistoryLost(error: unknown): boolean {
  const e = error as { code?: unknown; codeName?: unknown } | undefined;
  return e?.code === 286 || e?.codeName === "ChangeStreamHistoryLost";
}

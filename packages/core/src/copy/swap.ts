import { randomBytes } from "node:crypto";
import { type Binary, type Document, type MongoClient, MongoServerError, type Timestamp } from "mongodb";
import type { Log } from "../log";
import { assertWritableTarget, escapeRegExp, type TargetPolicy } from "../names";

/**
 * A restore builds each collection it copies under a temporary name, with its options and
 * indexes, verifies it there, and then swaps it in with one `renameCollection` (`dropTarget`).
 * The preview application may be connected and writing the whole time (an Argo CD PreSync Job
 * runs while the previous version is still up): what it writes into the old collection before
 * the swap goes with the old collection, as a drop would discard it; what it writes after the
 * swap is its own. Within one database the rename is atomic on standalone servers and replica
 * sets alike (exclusive locks on both names; one oplog entry), and `readWrite` on the database
 * grants it (`renameCollectionSameDB`).
 */

/**
 * Every temporary collection starts with this. It is short, so that the namespace stays within
 * the shared tiers' 95 bytes whatever the application's collection is called, and no application
 * names its collections this way; a killed restore's leftovers are found by it and dropped by the
 * next restore, under the one-writer lease.
 */
export const TEMPORARY_PREFIX = "pr_snapshots.swap.";

/**
 * The name a copy is built under before it is swapped in. The one place such names are made, so
 * that a namespace check (server limits) can see every one of them.
 */
export function temporaryCollectionName(token: string = randomBytes(4).toString("hex")): string {
  return `${TEMPORARY_PREFIX}${token}`;
}

export function isTemporaryCollection(name: string): boolean {
  return name.startsWith(TEMPORARY_PREFIX);
}

/** How often a swap is tried before the restore gives up on an application that keeps changing the collection. */
export const SWAP_ATTEMPTS = 5;

export interface SwapOptions {
  client: MongoClient;
  db: string;
  /** The verified copy, under its temporary name. */
  temporary: string;
  /** The collection it replaces (it may exist or not, or be a view the application created). */
  target: string;
  policy: TargetPolicy;
  log: Log;
  guard?: () => void;
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SwapResult {
  /** The rename's operation time (replica sets): anything the application writes later is newer. */
  operationTime?: Timestamp;
  /** The collection's UUID, the copy's, which the target now carries. */
  uuid?: Binary;
  attempts: number;
}

/**
 * Swaps the verified copy into place. What can stand in its way is the application: a view it
 * created under the name, an index build it started, a rename or drop of its own at that moment.
 * Each attempt clears what it can and tries again; after `attempts` the restore fails, saying
 * that the application is writing and what to do about it.
 */
export async function swapIntoPlace(o: SwapOptions): Promise<SwapResult> {
  const attempts = o.attempts ?? SWAP_ATTEMPTS;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const db = o.client.db(o.db);
  const uuid = await collectionUuid(o.client, o.db, o.temporary);
  if (!uuid) throw new Error(`The copy ${o.db}.${o.temporary} of ${o.target} disappeared before its swap.`);
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    assertWritableTarget(o.db, o.policy);
    o.guard?.();
    try {
      const res = await o.client.db("admin").command({
        renameCollection: `${o.db}.${o.temporary}`,
        to: `${o.db}.${o.target}`,
        dropTarget: true,
      });
      return {
        ...(res.operationTime ? { operationTime: res.operationTime as Timestamp } : {}),
        uuid,
        attempts: attempt,
      };
    } catch (error) {
      last = error;
      // A lost reply to a rename that did happen: the target already is the copy.
      if (sameUuid(await collectionUuid(o.client, o.db, o.target), uuid)) return { uuid, attempts: attempt };
      if (!(await collectionUuid(o.client, o.db, o.temporary)))
        throw new Error(
          `The copy ${o.db}.${o.temporary} of ${o.target} disappeared during its swap: did something drop it? ${String((error as Error).message)}`,
        );
      // A view under the name (renameCollection does not replace views): it goes, as a drop would take it.
      if (error instanceof MongoServerError && error.code === 48) {
        const [info] = await db.listCollections({ name: o.target }).toArray();
        if ((info as Document | undefined)?.type === "view") {
          assertWritableTarget(o.db, o.policy);
          await db.dropCollection(o.target).catch(() => false);
        }
      }
      if (attempt < attempts) {
        o.log.info(
          `  swap of ${o.target} did not succeed (${(error as Error).message.split("\n")[0]}); trying again (${attempt + 1} of ${attempts}).`,
        );
        await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
  }
  throw new Error(
    `Could not swap the restored copy of ${o.db}.${o.target} into place after ${attempts} attempts: ` +
      `the application connected to ${o.db} keeps changing that collection (last error: ${(last as Error)?.message ?? String(last)}). ` +
      "The database is marked as restoring, not complete. Stop the preview application or scale it down " +
      "(in Argo CD, run the restore as a PreSync hook before the new version starts), then run the restore again.",
  );
}

/** Drops what a killed restore left under temporary names. Called under the one-writer lease. */
export async function dropLeftoverTemporaries(
  client: MongoClient,
  database: string,
  policy: TargetPolicy,
  log: Log,
): Promise<string[]> {
  const db = client.db(database);
  const names = (
    await db
      .listCollections({ name: { $regex: `^${escapeRegExp(TEMPORARY_PREFIX)}` } }, { nameOnly: true })
      .toArray()
  ).map((c) => String(c.name));
  for (const name of names) {
    assertWritableTarget(database, policy);
    await db.dropCollection(name).catch((error: unknown) => {
      if (!(error instanceof MongoServerError && error.code === 26)) throw error;
    });
  }
  if (names.length)
    log.info(
      `Dropped ${names.length} unfinished cop${names.length === 1 ? "y" : "ies"} of an earlier restore.`,
    );
  return names;
}

export async function collectionUuid(
  client: MongoClient,
  database: string,
  name: string,
): Promise<Binary | undefined> {
  const [info] = await client.db(database).listCollections({ name }).toArray();
  return ((info as Document | undefined)?.info as { uuid?: Binary } | undefined)?.uuid;
}

export function sameUuid(a: Binary | undefined, b: Binary | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
}

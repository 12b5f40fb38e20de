import type { RefreshPolicy } from "../snapshot/refresh";
import type { CollectionKind } from "./fingerprint";

/**
 * Whether a restore keeps a PR database's collection or copies it from the snapshot (CONTRACT
 * §11). Pure: proofs.ts gathers the facts, cheapest first, and asks again with each new fact
 * until the answer is `keep` or `copy`. A collection is kept only on a proof that it holds the
 * snapshot's documents byte for byte, with the snapshot's options and index set; anything short
 * of a proof is a copy, which is always correct.
 *
 *   specs and count (listCollections, listIndexes, the catalog's count: no data read)
 *     → differ: copy
 *   change stream since the last restore recorded the collection (replica sets)
 *     → no event: keep, if that restore left the snapshot's content there; nothing was read
 *     → events: copy (a change that was undone is rare; hashing to find it costs more than it saves)
 *   dbHash of the PR collection against the snapshot's (standalone, an oplog gap, no record)
 *     → equal: keep; different or refused: copy
 */

/** The way a decision was reached, as the summary's `check` column shows it. */
export type Proof = "specs" | "change stream" | "dbHash" | "none";

export interface CollectionFacts {
  name: string;
  kind: CollectionKind;
  /** The snapshot's collection: its document count, content identity and hash (when known). */
  snapshot: { count: number; content: string; hash?: string | null };
  /**
   * The PR database's collection now, or undefined when it does not exist. `specProblems`:
   * how its type, options and index set differ from the snapshot's (empty when equal).
   */
  current?: { specProblems: readonly string[]; count: number; uuid?: string };
  /** What the last complete restore recorded about it, when it did. */
  recorded?: { content: string; hash?: string; uuid?: string; since?: string };
  /** The change stream since `recorded.since`: no event, events, or no answer (and why). */
  stream?: "unchanged" | "changed" | { unavailable: string };
  /** The PR collection's dbHash now; null when it could not be computed (refused). */
  hash?: string | null;
}

export type Decision =
  | { action: "keep"; proof: Proof; reason: string }
  | { action: "copy"; proof: Proof; reason: string }
  /** Ask again once this fact is known. */
  | { action: "need"; fact: "stream" | "hash" };

const copy = (proof: Proof, reason: string): Decision => ({ action: "copy", proof, reason });

export function decideCollection(f: CollectionFacts, refresh: RefreshPolicy): Decision {
  if (refresh === "full") return copy("none", "refresh: full");
  const cur = f.current;
  if (!cur) return copy("none", "not in the PR database");
  if (cur.specProblems.length) return copy("specs", cur.specProblems.join("; "));
  if (f.kind === "timeseries")
    return copy(
      "none",
      "time-series: its buckets differ between copies and change streams do not show them, so it is always copied",
    );
  if (cur.count !== f.snapshot.count)
    return copy("specs", `${cur.count} documents, the snapshot has ${f.snapshot.count}`);

  const r = f.recorded;
  // The change stream can speak for this collection only if the last restore recorded it with a
  // start time and the collection is still the one it recorded (same UUID: not dropped and re-created).
  const streamable = r?.since !== undefined && r.uuid !== undefined && r.uuid === cur.uuid;
  if (r && streamable) {
    if (f.stream === undefined) return { action: "need", fact: "stream" };
    if (f.stream === "changed") return copy("change stream", "changed since the last restore");
    if (f.stream === "unchanged") {
      const hashes = r.hash !== undefined && typeof f.snapshot.hash === "string";
      // Same generation collection, or a newer generation whose collection hashes alike (the
      // hash does not cover a capped collection's insertion order: only the same source does).
      const same =
        r.content === f.snapshot.content || (f.kind !== "capped" && hashes && r.hash === f.snapshot.hash);
      if (same) return { action: "keep", proof: "change stream", reason: "no change since the last restore" };
      if (hashes && f.kind !== "capped")
        return copy("change stream", "unchanged since the last restore, but the new snapshot's differs");
    }
  }
  if (f.kind === "capped")
    return copy(
      "none",
      "capped: dbHash does not cover insertion order, and no change stream proves it unchanged",
    );
  if (f.snapshot.hash === null) return copy("none", "no proof: the snapshot's hash is unavailable");
  if (f.hash === null) return copy("none", "no proof: dbHash is unavailable on this server");
  if (f.hash === undefined || f.snapshot.hash === undefined) return { action: "need", fact: "hash" };
  return f.hash === f.snapshot.hash
    ? { action: "keep", proof: "dbHash", reason: "same documents (dbHash)" }
    : copy("dbHash", "documents differ (dbHash)");
}

import type { Binary, Timestamp } from "mongodb";
import { specFingerprint } from "../mongo/specs";
import type { RecordedFingerprint } from "./fingerprint";
import type { CollectionDecision, SnapshotCollection } from "./proofs";

/**
 * What a completed restore records about each collection (RecordedFingerprint), for the next
 * restore's decision. A copied collection is the snapshot's from its swap on; a kept one was
 * proven to be, and any change after this restore began shows in the change stream.
 */
export function recordedFingerprints(
  plan: readonly SnapshotCollection[],
  decided: ReadonlyMap<string, CollectionDecision>,
  copied: ReadonlyMap<string, { uuid?: Binary; swappedAt?: Timestamp }>,
  restoreStartedAt: Timestamp | undefined,
): Record<string, RecordedFingerprint> {
  const out: Record<string, RecordedFingerprint> = {};
  for (const c of plan) {
    const d = decided.get(c.name);
    if (!d) continue;
    const fp = specFingerprint(c.spec);
    const r = copied.get(c.name);
    const uuid = r ? r.uuid : d.uuid;
    const since = r ? r.swappedAt : restoreStartedAt;
    out[c.name] = {
      ...(d.hash ? { hash: d.hash } : {}),
      options: fp.options,
      indexes: fp.indexes,
      count: c.documents,
      content: d.content,
      ...(uuid ? { uuid } : {}),
      ...(since ? { since } : {}),
    };
  }
  return out;
}

import { formatUtc } from "../markdown";
import type { Consistency } from "./consistency";

/**
 * When the data of a snapshot is from, for the `db-restored` and `preview` comments (Markdown):
 * the time it is consistent at when it is a point in time (CONTRACT §13), else when its copy
 * started. Older snapshots record no consistency and keep their wording. The values were
 * validated when they were read (consistency.ts readConsistency).
 */
export interface MomentFacts {
  timestamp?: Date;
  consistency?: Consistency;
  consistentAtDate?: Date;
}

/** "as it was …", after "a copy of `production`". */
export function dataMoment(o: MomentFacts): string {
  if (o.consistency === "point-in-time" && o.consistentAtDate)
    return `as it was at **${formatUtc(o.consistentAtDate)}** (every collection as of that moment)`;
  if (o.consistency === "per-collection")
    return `as it was on **${formatUtc(o.timestamp)}** (each collection as of its own copy, which started then)`;
  return `as it was on **${formatUtc(o.timestamp)}**`;
}

/** "taken …", after "Production snapshot". */
export function takenMoment(o: MomentFacts): string {
  if (o.consistency === "point-in-time" && o.consistentAtDate)
    return `consistent as of **${formatUtc(o.consistentAtDate)}** (one point in time)`;
  if (o.consistency === "per-collection")
    return `taken **${formatUtc(o.timestamp)}** (each collection as of its own copy)`;
  return `taken **${formatUtc(o.timestamp)}**`;
}

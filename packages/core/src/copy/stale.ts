import type { Document, MongoClient } from "mongodb";
import type { Log } from "../log";
import { bestEffort } from "../mongo/refusal";
import { escapeRegExp } from "../names";

export const COPY_COMMENT_PREFIX = "pr-snapshots copy into";

export function copyComment(target: { db: string; collection: string }, tag: string): string {
  return `${COPY_COMMENT_PREFIX} ${target.db}.${target.collection} ${tag}`;
}

const SEARCH = {
  skipped: "the search for leftover copies of a killed run ($currentOp)",
  cost:
    "leftover copies of a killed run cannot be found on this server: the one-writer lease still applies, " +
    "and a server-side copy that a killed run left running can still finish into this database",
};
const STOP = {
  skipped: "stopping a leftover copy of a killed run (killOp)",
  cost: "it runs on the server until it finishes by itself; the one-writer lease still applies",
};

/**
 * A killed client does not stop its `$out` or `$merge`: the server finishes it and would then
 * replace or fill a collection a later run has already copied. Stop such leftovers before
 * copying again (only the caller's own operations are visible without extra privileges, which
 * is enough: every run of one PR database uses the same credentials).
 *
 * Best-effort (README "Where it runs"): servers that refuse `$currentOp` (some MongoDB-compatible
 * services) or `killOp` get one warning saying what is skipped, and the run goes on.
 */
export async function stopStaleCopies(
  client: MongoClient,
  targetDb: string,
  log: Log,
  exceptTag?: string,
): Promise<number> {
  const pattern = `^${escapeRegExp(`${COPY_COMMENT_PREFIX} ${targetDb}.`)}`;
  const find = async () =>
    (
      await client
        .db("admin")
        .aggregate([
          { $currentOp: { allUsers: false, idleConnections: false } },
          { $match: { "command.comment": { $regex: pattern } } },
        ])
        .toArray()
    ).filter((op) => !exceptTag || !String(op.command?.comment ?? "").endsWith(` ${exceptTag}`));
  const stale: Document[] | undefined = await bestEffort(find, { log, ...SEARCH });
  if (!stale) return 0;
  for (const op of stale) {
    log.warning(
      `Stopping an unfinished copy from an earlier run: ${String(op.command?.comment)} (opid ${op.opid}).`,
    );
    await bestEffort(() => client.db("admin").command({ killOp: 1, op: op.opid }), { log, ...STOP }).catch(
      () => {},
    );
  }
  for (let i = 0; i < 100 && stale.length && ((await bestEffort(find, { log, ...SEARCH })) ?? []).length; i++)
    await new Promise((r) => setTimeout(r, 200));
  return stale.length;
}

import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { escapeRegExp } from "../names";

export const COPY_COMMENT_PREFIX = "pr-snapshots copy into";

export function copyComment(target: { db: string; collection: string }, tag: string): string {
  return `${COPY_COMMENT_PREFIX} ${target.db}.${target.collection} ${tag}`;
}

/**
 * A killed client does not stop its `$out` or `$merge`: the server finishes it and would then
 * replace or fill a collection a later run has already copied. Stop such leftovers before
 * copying again (only the caller's own operations are visible without extra privileges, which
 * is enough: every run of one PR database uses the same credentials).
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
  const stale = await find();
  for (const op of stale) {
    log.warning(
      `Stopping an unfinished copy from an earlier run: ${String(op.command?.comment)} (opid ${op.opid}).`,
    );
    await client
      .db("admin")
      .command({ killOp: 1, op: op.opid })
      .catch(() => {});
  }
  for (let i = 0; i < 100 && stale.length && (await find()).length; i++)
    await new Promise((r) => setTimeout(r, 200));
  return stale.length;
}

import { MongoServerError } from "mongodb";
import type { Log } from "../log";

/**
 * Managed servers refuse commands that self-managed ones run: Atlas's free and Flex tiers answer
 * "`<command>` is not allowed or the syntax is incorrect" (AtlasError, 8000), a least-privilege
 * user gets Unauthorized (13), other MongoDB-compatible services say "command not found" or
 * "not supported", and an aggregation stage they lack is "Unrecognized pipeline stage name".
 * (Atlas's older shared-tier proxy said "CMD_NOT_ALLOWED: <command>".) A refusal is decided from
 * what the error says, not from its code alone: AtlasError also carries quota and syntax errors,
 * and a network or server failure must keep failing as it does today.
 *
 * Which commands may be refused without failing a run (best-effort) and which may not (essential)
 * is one table, in the README's "Where it runs": essential are the copy itself (aggregate with
 * $out/$merge, find/getMore, insert), create/createIndexes/collMod/drop/dropDatabase, the metadata
 * and lease writes, listCollections/listIndexes, and connectionStatus for the privilege audit
 * (refused: the run stops unless allow-privileged-credentials, see least-privilege.ts); best-effort
 * are $currentOp/killOp (copy/stale.ts), hostInfo and buildInfo (mongo/server.ts), $collStats
 * (snapshot/restore.ts dataSize), dbStats (mongo/size.ts callers), serverStatus and atlasVersion
 * (mongo/limits.ts), dbHash (differential proofs).
 */
const REFUSAL_CODE_NAMES = new Set([
  "Unauthorized",
  "CommandNotFound",
  "CommandNotSupported",
  "CommandNotSupportedOnView",
  "NotImplemented",
  "IllegalOperation",
]);

const REFUSAL_TEXT =
  /\bis not allowed\b|\bCMD_NOT_ALLOWED\b|\bnot authori[sz]ed\b|\bno such (?:command|cmd)\b|\bcommand not found\b|\bnot supported\b|\bunsupported\b|\bunrecognized pipeline stage\b|\bunknown (?:command|operator)\b/i;

/** The server (or a proxy in front of it) refused the command itself; repeating it cannot help. */
export function isRefusal(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  if (error.codeName && REFUSAL_CODE_NAMES.has(error.codeName)) return true;
  return REFUSAL_TEXT.test(error.message ?? "");
}

export interface BestEffortOptions {
  log: Log;
  /** What is skipped when the server refuses, e.g. "the search for leftover copies of a killed run". */
  skipped: string;
  /** What skipping costs, in words: "the one-writer lease still applies". */
  cost: string;
  /**
   * The refusal is what the README's least-privilege credentials always get (an optional signal
   * that needs a role they are not given): said once as information, not as a warning every run.
   */
  expected?: boolean;
}

const warned = new WeakMap<Log, Set<string>>();

/**
 * Runs a best-effort command (diagnostics, housekeeping, a cheaper proof): when the server refuses
 * it, one warning per run and per kind says what is skipped and what that costs, and `undefined`
 * comes back. Any other error is thrown as before.
 */
export async function bestEffort<T>(fn: () => Promise<T>, o: BestEffortOptions): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (!isRefusal(error)) throw error;
    warnRefusal(error, o);
    return undefined;
  }
}

/** The one warning of a refused best-effort command (once per log and per `skipped`). */
export function warnRefusal(error: unknown, o: BestEffortOptions): void {
  let seen = warned.get(o.log);
  if (!seen) {
    seen = new Set();
    warned.set(o.log, seen);
  }
  if (seen.has(o.skipped)) return;
  seen.add(o.skipped);
  const said = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (o.expected) o.log.info(`Not available with these credentials: ${o.skipped} (${said}); ${o.cost}.`);
  else o.log.warning(`This server refused ${o.skipped} (${said}): skipped; ${o.cost}.`);
}

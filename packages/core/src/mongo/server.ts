import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { bestEffort, isRefusal } from "./refusal";

export async function serverVersion(client: MongoClient): Promise<number[]> {
  const info = await client.db("admin").command({ buildInfo: 1 });
  return (info.versionArray as number[] | undefined) ?? String(info.version).split(".").map(Number);
}

/**
 * `$out` can write time-series collections from MongoDB 7.0.3. Best-effort: a server that refuses
 * buildInfo gets one warning, and time-series collections are streamed (which every version can).
 */
export async function serverSupportsTimeseriesOut(client: MongoClient, log?: Log): Promise<boolean> {
  const version = log
    ? await bestEffort(() => serverVersion(client), {
        log,
        skipped: "reading the server version (buildInfo)",
        cost: "time-series collections are copied through the runner instead of by $out",
      })
    : await serverVersion(client);
  if (!version) return false;
  const [major = 0, minor = 0, patch = 0] = version;
  return major > 7 || (major === 7 && (minor > 0 || patch >= 3));
}

/**
 * The server's core count from `hostInfo`, which least-privilege users are often not allowed to
 * run (it needs the hostInfo action, e.g. from clusterMonitor) and Atlas's shared tiers refuse:
 * then undefined, and the caller falls back to its concurrency setting (and says so, once). A
 * failure that is not a refusal (the network) fails as any other command would.
 */
export async function serverCores(client: MongoClient): Promise<number | undefined> {
  try {
    const info = await client.db("admin").command({ hostInfo: 1 });
    const cores = Number((info.system as { numCores?: unknown } | undefined)?.numCores);
    return Number.isFinite(cores) && cores > 0 ? cores : undefined;
  } catch (error) {
    if (isRefusal(error)) return undefined;
    throw error;
  }
}

import type { MongoClient } from "mongodb";

export async function serverVersion(client: MongoClient): Promise<number[]> {
  const info = await client.db("admin").command({ buildInfo: 1 });
  return (info.versionArray as number[] | undefined) ?? String(info.version).split(".").map(Number);
}

/** `$out` can write time-series collections from MongoDB 7.0.3. */
export async function serverSupportsTimeseriesOut(client: MongoClient): Promise<boolean> {
  const [major = 0, minor = 0, patch = 0] = await serverVersion(client);
  return major > 7 || (major === 7 && (minor > 0 || patch >= 3));
}

/**
 * The server's core count from `hostInfo`, which least-privilege users are often not allowed to
 * run (it needs the hostInfo action, e.g. from clusterMonitor): then undefined, and the caller
 * falls back to its concurrency setting.
 */
export async function serverCores(client: MongoClient): Promise<number | undefined> {
  try {
    const info = await client.db("admin").command({ hostInfo: 1 });
    const cores = Number((info.system as { numCores?: unknown } | undefined)?.numCores);
    return Number.isFinite(cores) && cores > 0 ? cores : undefined;
  } catch {
    return undefined;
  }
}

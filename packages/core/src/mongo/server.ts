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

import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { withMongo } from "../mongo/client";
import type { ThrottleSettings } from "./settings";

/**
 * The throttle's own small client (throttle: auto), so that its reads never queue behind the
 * copy's connections (a copy waiting for a majority holds its connection until it comes):
 * hello, the probe, serverStatus, and killOp on abort, one connection each at most.
 */
export async function withThrottleMonitor<T>(
  o: { uri: string; appName: string; log: Log; input?: string },
  throttle: ThrottleSettings | undefined,
  fn: (monitor: MongoClient | undefined) => Promise<T>,
): Promise<T> {
  if (!throttle || throttle.mode === "off") return fn(undefined);
  return withMongo(
    {
      uri: o.uri,
      log: o.log,
      appName: `${o.appName} (throttle)`,
      maxPoolSize: 4,
      ...(o.input ? { input: o.input } : {}),
    },
    fn,
  );
}

import type { MongoClient } from "mongodb";
import type { Log } from "../log";
import { limitsOf, limitsOfSetting, type ServerLimits, type ServerLimitsSetting } from "./limit-names";
import { isRefusal } from "./refusal";

export * from "./limit-names";

/**
 * What `auto` decides from the server's own answers. Pure, so that the rule is tested and
 * documented apart from the server:
 * - `serverStatus` answered with `atlasVersion` and without `storageEngine`: Atlas's shared tiers
 *   answer serverStatus with only a short list of fields (atlasVersion, connections, mem,
 *   metrics.atlas, ...; "Unsupported Commands in Atlas"), while every mongod, Atlas M10+ included,
 *   reports its storageEngine → atlas-shared;
 * - anything else, a refused serverStatus included (Atlas users on M10+ lack clusterMonitor) →
 *   self-managed limits, MongoDB's own.
 */
export function decideServerLimits(facts: {
  serverStatus?: Record<string, unknown>;
  serverStatusRefused?: string;
  atlasVersion?: string;
}): ServerLimits {
  const s = facts.serverStatus;
  const atlas = facts.atlasVersion ? `; Atlas ${facts.atlasVersion}` : "";
  if (s && s.atlasVersion !== undefined && s.storageEngine === undefined)
    return limitsOf(
      "atlas-shared",
      `detected: serverStatus answers only Atlas's shared-tier fields (atlasVersion, no storageEngine)${atlas}`,
    );
  if (s)
    return limitsOf("self-managed", `detected: serverStatus reports a storage engine of its own${atlas}`);
  return limitsOf(
    "self-managed",
    `detected: serverStatus is not readable with these credentials (${facts.serverStatusRefused ?? "refused"}), which Atlas's shared tiers always answer${atlas}`,
  );
}

const detected = new WeakMap<MongoClient, Promise<ServerLimits>>();
const settings = new WeakMap<MongoClient, ServerLimitsSetting>();

/** Records the run's `server-limits` for a client (connectMongo does it), read by {@link serverLimitsOf}. */
export function useServerLimits(client: MongoClient, setting: ServerLimitsSetting): void {
  settings.set(client, setting);
}

/** The limits every writer of this client checks its names against before its first write. */
export function serverLimitsOf(client: MongoClient, log: Log): Promise<ServerLimits> {
  return resolveServerLimits(client, settings.get(client) ?? "auto", log);
}

/**
 * The limits a run writes under: the setting's, or (auto) what the server says, read once per
 * client. Logged once, with how they were decided.
 */
export async function resolveServerLimits(
  client: MongoClient,
  setting: ServerLimitsSetting,
  log: Log,
): Promise<ServerLimits> {
  const fixed = limitsOfSetting(setting);
  if (fixed) return fixed;
  let pending = detected.get(client);
  if (!pending) {
    pending = detect(client).then((limits) => {
      log.info(
        `Server limits: ${limits.kind} (${limits.why}): database names ≤ ${limits.maxDatabaseNameBytes} bytes, namespaces ≤ ${limits.maxNamespaceBytes} bytes` +
          `${limits.maxTimeMS ? `, one aggregation ≤ ${limits.maxTimeMS / 1000} s` : ""}. Set server-limits to override.`,
      );
      return limits;
    });
    detected.set(client, pending);
  }
  return pending;
}

async function detect(client: MongoClient): Promise<ServerLimits> {
  const admin = client.db("admin");
  const facts: Parameters<typeof decideServerLimits>[0] = {};
  try {
    facts.serverStatus = await admin.command({ serverStatus: 1 });
  } catch (error) {
    if (!isRefusal(error)) throw error;
    facts.serverStatusRefused = (error as Error).message.split("\n")[0];
  }
  try {
    const v = await admin.command({ atlasVersion: 1 });
    if (typeof v.atlasVersion === "string") facts.atlasVersion = v.atlasVersion;
  } catch (error) {
    if (!isRefusal(error)) throw error;
  }
  return decideServerLimits(facts);
}

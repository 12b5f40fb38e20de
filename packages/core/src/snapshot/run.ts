import type { MongoClient } from "mongodb";
import { MAX_RANGES } from "../copy/methods";
import { RefusedError } from "../errors";
import { lockDatabaseState } from "../lock/database-state";
import { type GuardedCommand, judgeExpectedRun } from "../lock/stale-job";
import type { Log } from "../log";
import { withMongo } from "../mongo/client";
import { describeConnection, parseConnectionString } from "../mongo/connection-string";
import { readPrRecords, writeAppliedRecord } from "../mongo/pr-records";
import { acquireWriterLease, databaseExists, dropTargetDatabase, readPrMetadata } from "../mongo/target";
import { assertWritableTarget } from "../names";
import type { CommonInputs } from "../settings";
import { withThrottleMonitor } from "../throttle/monitor";
import { type ProduceReport, produceSnapshot } from "./producer";
import { type RestoreReport, restoreSnapshot } from "./restore";
import {
  type ProducerSettings,
  type PrTargetSettings,
  produceRequest,
  type RestoreSettings,
  restoreRequest,
} from "./settings";

/**
 * Connecting and running the producer or the restore: the same for the GitHub Actions and the
 * command line. Connection pools leave room for every collection copied at once plus the
 * parallel ranges of the largest one.
 */
const poolFor = (concurrency: number) => concurrency + MAX_RANGES + 4;

export interface ProducerConnections {
  /** The deployment of the snapshot database (mongodb-uri). */
  uri: string;
  /** Production on another deployment (source-uri), if any. */
  sourceUri?: string;
  appName: string;
}

export async function runProducer(
  c: ProducerConnections,
  settings: ProducerSettings,
  common: CommonInputs,
  log: Log,
): Promise<ProduceReport> {
  const maxPoolSize = poolFor(settings.concurrency);
  const { serverLimits } = common;
  const { throttle } = settings;
  return withMongo({ uri: c.uri, log, appName: c.appName, maxPoolSize, serverLimits }, (client) =>
    withThrottleMonitor({ uri: c.uri, appName: c.appName, log }, throttle, (monitor) => {
      const { sourceUri } = c;
      const monitors = monitor ? { monitor } : {};
      if (!sourceUri)
        return produceSnapshot({ ...produceRequest(settings, common, client, log), ...monitors });
      return withMongo(
        {
          uri: sourceUri,
          log,
          appName: `${c.appName} (source)`,
          maxPoolSize,
          input: "source-uri",
          serverLimits,
        },
        (source) =>
          withThrottleMonitor(
            { uri: sourceUri, appName: `${c.appName} (source)`, log, input: "source-uri" },
            throttle,
            (sourceMonitor) =>
              produceSnapshot({
                ...produceRequest(settings, common, client, log, {
                  client: source,
                  description: describeConnection(parseConnectionString(sourceUri)),
                }),
                ...monitors,
                ...(sourceMonitor ? { sourceMonitor } : {}),
              }),
          ),
      );
    }),
  );
}

export async function runRestore(
  c: { uri: string; appName: string },
  settings: RestoreSettings,
  common: CommonInputs,
  log: Log,
): Promise<RestoreReport> {
  return withMongo(
    {
      uri: c.uri,
      log,
      appName: c.appName,
      maxPoolSize: poolFor(settings.concurrency),
      serverLimits: common.serverLimits,
    },
    (client) =>
      withThrottleMonitor({ ...c, log }, settings.throttle, (monitor) =>
        restoreSnapshot({
          ...restoreRequest(settings, common, client, log),
          ...(monitor ? { monitor } : {}),
        }),
      ),
  );
}

export interface PrCommandReport {
  command: GuardedCommand;
  database: string;
  /** What happened: the write was done, it was already done for this commit, or nothing was written (dry run). */
  outcome: "done" | "already-applied" | "dry-run";
  /** The verdict of the stale-Job check, when the run carried `--expect-sha`. */
  verdict?: string;
  expectSha?: string;
  /** reset and drop: whether there was a database to drop. */
  existed?: boolean;
  restore?: RestoreReport;
}

/**
 * restore, reset (drop, so that the application seeds fresh data) or drop one PR database, as
 * the command line's Jobs do. With `expectSha` the run is a decision's Job: it takes the
 * one-writer lease first, reads the database's lock and applied records under it, and skips or
 * refuses as {@link judgeExpectedRun} says; after a restore or reset it records what it applied.
 */
export async function runPrCommand(
  c: { uri: string; appName: string },
  command: GuardedCommand,
  settings: PrTargetSettings | RestoreSettings,
  common: CommonInputs,
  log: Log,
  expectSha?: string,
): Promise<PrCommandReport> {
  const { database, policy } = settings;
  assertWritableTarget(database, policy);
  if (command === "restore" && !("concurrency" in settings))
    throw new Error("restore needs the restore settings (readRestoreSettings)");
  const maxPoolSize = "concurrency" in settings ? poolFor(settings.concurrency) : undefined;
  return withMongo(
    {
      uri: c.uri,
      log,
      appName: c.appName,
      serverLimits: common.serverLimits,
      ...(maxPoolSize ? { maxPoolSize } : {}),
    },
    (client) =>
      withThrottleMonitor(
        { ...c, log },
        command === "restore" ? (settings as RestoreSettings).throttle : undefined,
        (monitor) =>
          expectSha === undefined
            ? unguarded(client, command, settings, common, log, monitor)
            : guarded(client, command, settings, common, log, expectSha, monitor),
      ),
  );
}

async function unguarded(
  client: MongoClient,
  command: GuardedCommand,
  s: PrTargetSettings | RestoreSettings,
  common: CommonInputs,
  log: Log,
  monitor?: MongoClient,
): Promise<PrCommandReport> {
  const base = { command, database: s.database };
  if (command === "restore") {
    const restore = await restoreSnapshot({
      ...restoreRequest(s as RestoreSettings, common, client, log),
      ...(monitor ? { monitor } : {}),
    });
    return { ...base, outcome: restore.dryRun ? "dry-run" : "done", restore };
  }
  if (common.dryRun) {
    const existed = await databaseExists(client, s.database);
    log.info(`Dry run: would drop ${s.database} (${command}); it ${existed ? "exists" : "does not exist"}.`);
    return { ...base, outcome: "dry-run", existed };
  }
  const { existed } = await dropTargetDatabase(client, s.database, s.policy, log, {
    what: command,
    waitMs: s.waitTimeoutSeconds * 1000,
    ttlMs: s.leaseSeconds * 1000,
  });
  return { ...base, outcome: "done", existed };
}

async function guarded(
  client: MongoClient,
  command: GuardedCommand,
  s: PrTargetSettings | RestoreSettings,
  common: CommonInputs,
  log: Log,
  expectSha: string,
  monitor?: MongoClient,
): Promise<PrCommandReport> {
  const { database, policy } = s;
  const judge = async () => {
    const exists = await databaseExists(client, database);
    const state = lockDatabaseState(exists, exists ? await readPrMetadata(client, database) : undefined);
    return judgeExpectedRun({
      command,
      expectSha,
      database,
      initialized: state.initialized,
      ...(await readPrRecords(client, database)),
    });
  };
  const base = { command, database, expectSha };
  if (common.dryRun) {
    const verdict = await judge();
    log.info(`Dry run: ${verdict.run} — ${verdict.reason}`);
    return { ...base, outcome: "dry-run", verdict: verdict.run };
  }
  const leaseFor = (what: GuardedCommand) =>
    acquireWriterLease({
      client,
      database,
      policy,
      log,
      what,
      waitMs: s.waitTimeoutSeconds * 1000,
      ttlMs: s.leaseSeconds * 1000,
    });
  const lease = await leaseFor(command);
  let held = true;
  try {
    const verdict = await judge();
    if (verdict.run === "skip") {
      log.info(verdict.reason);
      return { ...base, outcome: "already-applied", verdict: verdict.run };
    }
    if (verdict.run === "refuse") throw new RefusedError(verdict.reason);
    log.info(`Proceeding: ${verdict.reason}.`);
    if (command === "restore") {
      const restore = await restoreSnapshot({
        ...restoreRequest(s as RestoreSettings, common, client, log),
        ...(monitor ? { monitor } : {}),
        lease,
      });
      await writeAppliedRecord(client, database, policy, lease, { sha: expectSha, command });
      return { ...base, outcome: "done", verdict: verdict.run, restore };
    }
    const { existed } = await dropTargetDatabase(client, database, policy, log, { what: command, lease });
    // The lease document went with the database.
    held = false;
    if (command === "reset") {
      // Recorded in the (now otherwise empty) database, under a fresh lease: the record alone does
      // not count as data, so the application still seeds it on its next start.
      const again = await leaseFor(command);
      try {
        await writeAppliedRecord(client, database, policy, again, { sha: expectSha, command });
      } finally {
        await again.release().catch(() => {});
      }
    }
    return { ...base, outcome: "done", verdict: verdict.run, existed };
  } finally {
    if (held) await lease.release().catch(() => {});
  }
}

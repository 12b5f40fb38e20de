import { MAX_RANGES } from "../copy/methods";
import type { Log } from "../log";
import { withMongo } from "../mongo/client";
import { describeConnection, parseConnectionString } from "../mongo/connection-string";
import type { CommonInputs } from "../settings";
import { type ProduceReport, produceSnapshot } from "./producer";
import { type RestoreReport, restoreSnapshot } from "./restore";
import { type ProducerSettings, produceRequest, type RestoreSettings, restoreRequest } from "./settings";

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
  return withMongo({ uri: c.uri, log, appName: c.appName, maxPoolSize }, (client) => {
    const { sourceUri } = c;
    if (!sourceUri) return produceSnapshot(produceRequest(settings, common, client, log));
    return withMongo(
      { uri: sourceUri, log, appName: `${c.appName} (source)`, maxPoolSize, input: "source-uri" },
      (source) =>
        produceSnapshot(
          produceRequest(settings, common, client, log, {
            client: source,
            description: describeConnection(parseConnectionString(sourceUri)),
          }),
        ),
    );
  });
}

export async function runRestore(
  c: { uri: string; appName: string },
  settings: RestoreSettings,
  common: CommonInputs,
  log: Log,
): Promise<RestoreReport> {
  return withMongo(
    { uri: c.uri, log, appName: c.appName, maxPoolSize: poolFor(settings.concurrency) },
    (client) => restoreSnapshot(restoreRequest(settings, common, client, log)),
  );
}

import { silentLog } from "@pr-snapshots/core/log";
import { type ProduceRequest, produceSnapshot } from "@pr-snapshots/core/snapshot/producer";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, inject } from "vitest";
import { GitHubStandIn } from "./github-stand-in";

export interface SharedSuite {
  /** The GitHub API stand-in, started for this file. */
  readonly gh: GitHubStandIn;
  /** The shared standalone mongod (every file uses databases of its own). */
  readonly uri: string;
  readonly client: MongoClient;
}

/** What most process tests need: the shared mongod, a connected client, and a GitHub stand-in. */
export function mongoAndGitHub(): SharedSuite {
  const suite = {} as { gh: GitHubStandIn; uri: string; client: MongoClient };
  beforeAll(async () => {
    suite.gh = await GitHubStandIn.start();
    suite.uri = inject("mongoStandaloneUri");
    suite.client = new MongoClient(suite.uri);
    await suite.client.connect();
  });
  afterAll(async () => {
    await suite.client?.close();
    await suite.gh?.stop();
  });
  return suite;
}

/**
 * The producer as most tests want it: `<prefix>_prod` into `<prefix>_snapshot`, one generation
 * retained, the shrink guard on, privileged credentials allowed (the shared mongod has no users).
 */
export function produceTestSnapshot(
  client: MongoClient,
  prefix: string,
  overrides: Partial<ProduceRequest> = {},
): ReturnType<typeof produceSnapshot> {
  return produceSnapshot({
    client,
    log: silentLog,
    sourceDatabase: `${prefix}_prod`,
    snapshotDatabase: `${prefix}_snapshot`,
    concurrency: 4,
    retain: 1,
    graceSeconds: 0,
    maxShrinkPercent: 50,
    force: false,
    dryRun: false,
    allowPrivilegedCredentials: true,
    ...overrides,
  });
}

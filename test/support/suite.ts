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

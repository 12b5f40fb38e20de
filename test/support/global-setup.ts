import type { TestProject } from "vitest/node";
import { type RunningMongo, startMongo, useProvisionedMongod } from "./mongod";

declare module "vitest" {
  export interface ProvidedContext {
    mongoStandaloneUri: string;
    mongoReplSetUri: string;
    mongoVersion: string;
  }
}

let servers: RunningMongo[] = [];

/** One standalone and one single-node replica set shared by every test file (each test uses its own databases). */
export async function setup(project: TestProject): Promise<void> {
  const binary = useProvisionedMongod();
  const [standalone, replset] = await Promise.all([startMongo(), startMongo({ kind: "replset" })]);
  servers = [standalone, replset];
  const version = await standalone.version();
  console.log(
    `[mongod] real MongoDB ${version} (${binary ? `binary ${binary}` : "downloaded by mongodb-memory-server"}): ` +
      `standalone ${standalone.host}, replica set ${replset.host}`,
  );
  project.provide("mongoStandaloneUri", standalone.uri);
  project.provide("mongoReplSetUri", replset.uri);
  project.provide("mongoVersion", version);
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import { type RunningMongo, startMongo } from "../../../../test/support/mongod";
import { UserError } from "../errors";
import { consoleLog } from "../log";
import { connectMongo } from "./client";
import { describeConnection, maskConnectionString, parseConnectionString } from "./connection-string";

describe("connection strings", () => {
  it("masks the URI and its password (raw and decoded) before anything is logged", () => {
    const lines: string[] = [];
    const log = consoleLog({ write: (l) => lines.push(l) });
    const uri = "mongodb://app:p%40ss%2Fw0rd@db1:27017,db2:27017/?replicaSet=rs0";
    const parts = maskConnectionString(uri, log);
    expect(parts).toMatchObject({ username: "app", password: "p%40ss%2Fw0rd", hosts: "db1:27017,db2:27017" });
    log.info(`uri=${uri} raw=p%40ss%2Fw0rd decoded=p@ss/w0rd`);
    expect(lines[0]).toBe("uri=*** raw=*** decoded=***");
    expect(describeConnection(parts)).toBe("mongodb://app@db1:27017,db2:27017");
  });

  it("refuses something that is not a connection string without echoing it", () => {
    expect(() => parseConnectionString("postgres://u:secret@h/db")).toThrow(UserError);
    try {
      parseConnectionString("https://u:secret@h");
    } catch (e) {
      expect((e as Error).message).not.toContain("secret");
    }
  });
});

describe("connectMongo against a real mongod", () => {
  let auth: RunningMongo;
  beforeAll(async () => {
    auth = await startMongo({ auth: true });
    await auth.createUser({ user: "app", pwd: "right-password", roles: [{ role: "read", db: "x" }] });
  });
  afterAll(async () => auth?.stop());

  it("connects and sets the appName", async () => {
    const client = await connectMongo({
      uri: inject("mongoStandaloneUri"),
      log: consoleLog({ write() {} }),
      appName: "pr-snapshots/test",
    });
    try {
      const ops = await client.db("admin").command({ currentOp: 1, $all: true });
      expect(ops.inprog.some((op: { appName?: string }) => op.appName === "pr-snapshots/test")).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("explains a wrong password without revealing it", async () => {
    const uri = auth.uriFor("app", "wrong-password");
    const error = await failureOf(connectMongo({ uri, log: consoleLog({ write() {} }), appName: "t" }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/rejected the credentials for user "app".*authentication failed/);
    expect(error.message).not.toContain("wrong-password");
  });

  it("explains an unreachable server quickly", async () => {
    const error = await failureOf(
      connectMongo({
        uri: "mongodb://u:hidden@127.0.0.1:9/?directConnection=true",
        log: consoleLog({ write() {} }),
        appName: "t",
        serverSelectionTimeoutMS: 500,
      }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/Could not reach MongoDB at mongodb:\/\/u@127.0.0.1:9/);
    expect(error.message).not.toContain("hidden");
  });
});

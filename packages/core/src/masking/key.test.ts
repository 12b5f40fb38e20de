import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { BSON, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useProvisionedMongod } from "../../../../test/support/mongod";
import { PERSONAL_CONFIG, seedPersonal } from "../../../../test/support/personal-data";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { parseConfig } from "../config-schema";
import { silentLog } from "../log";
import { readSnapshotMetadata } from "../snapshot/metadata";
import { maskingKey } from "./key";
import { compilePolicy, type Policy } from "./policy";

const SALT = "the-raw-salt-5b2e9c71d04a8f36";

const policyOf = (yaml: string): Policy => {
  const p = compilePolicy(parseConfig(yaml));
  if (!p) throw new Error("no policy");
  return p;
};

describe("the key the server receives instead of the salt", () => {
  it("is HMAC-SHA256(salt, label, policy) in hex: stable for a policy, different for another, never the salt", () => {
    const a = policyOf(PERSONAL_CONFIG);
    const b = policyOf(PERSONAL_CONFIG.replace("email: email", "email: hash"));
    expect(a.hash).not.toBe(b.hash);
    const key = maskingKey(SALT, a.hash);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(maskingKey(SALT, a.hash)).toBe(key);
    expect(maskingKey(SALT, b.hash)).not.toBe(key);
    expect(maskingKey(`${SALT}x`, a.hash)).not.toBe(key);
    expect(key).not.toContain(SALT);
  });
});

// ---------------------------------------------------------------- what the server records

/** A mongod of its own, logging to a file (mongodb-memory-server reads the log from stdout). */
async function startLoggedMongod(): Promise<{ uri: string; logFile: string; stop: () => Promise<void> }> {
  const binary = useProvisionedMongod() ?? process.env.MONGOMS_SYSTEM_BINARY;
  if (!binary) throw new Error("no provisioned mongod (run scripts/provision-mongod.sh)");
  const dir = mkdtempSync(path.join(tmpdir(), "mongod-logged-"));
  const port = await freePort();
  const logFile = path.join(dir, "mongod.log");
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(port), "--bind_ip", "127.0.0.1", "--dbpath", dir, "--logpath", logFile],
    { stdio: "ignore" },
  );
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  for (let i = 0; ; i++) {
    const c = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await c.db("admin").command({ ping: 1 });
      await c.close();
      break;
    } catch (error) {
      await c.close();
      if (i > 60) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return {
    uri,
    logFile,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("the raw salt never reaches MongoDB: profiler level 2 and the server log, every operation recorded", () => {
  let server: Awaited<ReturnType<typeof startLoggedMongod>>;
  let source: MongoClient;
  let elsewhere: MongoClient;
  const policy = policyOf(PERSONAL_CONFIG);
  const key = maskingKey(SALT, policy.hash);
  const PROFILED = ["sk_prod", "sk_snapshot", "sk2_prod"];

  beforeAll(async () => {
    server = await startLoggedMongod();
    source = new MongoClient(server.uri);
    elsewhere = new MongoClient(inject("mongoStandaloneUri"));
    await Promise.all([source.connect(), elsewhere.connect()]);
    // Every operation is slow (slowms 0, sampled at rate 1) and every attribute is logged whole
    // (maxLogSizeKB: the masking pipeline is longer than the default 10 KB a log attribute keeps).
    await source.db("admin").command({ setParameter: 1, maxLogSizeKB: 16_384 });
    await seedPersonal(source, "sk_prod");
    await seedPersonal(source, "sk2_prod");
    for (const db of PROFILED) await source.db(db).command({ profile: 2, slowms: 0, sampleRate: 1 });
  }, 120_000);

  afterAll(async () => {
    await source?.close();
    await elsewhere?.close();
    await server?.stop();
  });

  it("masks with the derived key in both copy paths: the server's own copy, and the stream through the runner", async () => {
    // Production and the snapshot on one deployment: $out / $merge run by the server.
    await produceTestSnapshot(source, "sk", { dataPolicy: policy, salt: SALT, log: silentLog, retain: 0 });
    // Production on another deployment: the masked aggregation runs there, the runner streams its result.
    await produceTestSnapshot(elsewhere, "sk2", {
      sourceClient: source,
      dataPolicy: policy,
      salt: SALT,
      log: silentLog,
      retain: 0,
    });
    for (const [c, db] of [
      [source, "sk_snapshot"],
      [elsewhere, "sk2_snapshot"],
    ] as const)
      expect((await readSnapshotMetadata(c.db(db)))?.masking).toMatchObject({
        policy: policy.hash,
        verified: true,
      });
  });

  it("system.profile holds the masked aggregations with their let variables, and the key, never the salt", async () => {
    const profiled = (
      await Promise.all(PROFILED.map((db) => source.db(db).collection("system.profile").find().toArray()))
    ).flat();
    const text = BSON.EJSON.stringify(profiled);
    const withLet = profiled.filter((p) => (p.command as { let?: unknown } | undefined)?.let !== undefined);
    // Positive control: the profiler did record the commands that carry the key.
    expect(withLet.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain(key);
    expect(text).not.toContain(SALT);
  });

  it("the server log (every operation is a slow query here) holds the key, never the salt", async () => {
    const log = readFileSync(server.logFile, "utf8");
    const slow = log.split("\n").filter((l) => l.includes('"Slow query"'));
    expect(slow.filter((l) => l.includes('"aggregate"')).length).toBeGreaterThanOrEqual(2);
    expect(slow.some((l) => l.includes(key))).toBe(true);
    expect(log).not.toContain(SALT);
    // getLog answers from the same log: the salt is not in what it still holds either.
    const ram = (await source.db("admin").command({ getLog: "global" })) as { log: string[] };
    expect(ram.log.join("\n")).not.toContain(SALT);
  });
});

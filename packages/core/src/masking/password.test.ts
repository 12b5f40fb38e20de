import { pbkdf2Sync, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { argon2Verify } from "hash-wasm";
import { BSON, MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { failureOf } from "../../../../test/support/assert";
import { produceTestSnapshot } from "../../../../test/support/suite";
import { parseConfig } from "../config-schema";
import { UserError } from "../errors";
import { InputReader, inputsFrom } from "../inputs";
import { consoleLog } from "../log";
import { readSnapshotMetadata } from "../snapshot/metadata";
import { readTestPassword } from "./password-settings";
import { compilePolicy, type Policy } from "./policy";

/**
 * The password strategy (CONTRACT §7 additions): one hash of the test password, computed in the
 * runner, in every masked password; the password itself in no log, output, metadata or server log.
 */

const PASSWORD = "preview-login-7Qv2!x";
const SALT = "a-salt-for-password-tests-0123456789";
const CONFIG = `
masking:
  rules:
    users:
      email: email
      passwordHash: { password: { scheme: bcrypt, cost: 4 } }
      "credentials.argon": { password: { scheme: argon2id, memoryKiB: 1024, iterations: 1 } }
    AspNetUsers:
      PasswordHash: { password: { scheme: aspnet-identity, iterations: 10000 } }
`;
const lines: string[] = [];
const log = consoleLog({ write: (l) => lines.push(l) });
let client: MongoClient;

beforeAll(async () => {
  client = new MongoClient(inject("mongoStandaloneUri"));
  await client.connect();
});
afterAll(async () => {
  await client?.close();
});

const policyOf = (yaml: string): Policy => {
  const p = compilePolicy(parseConfig(yaml));
  if (!p) throw new Error("no policy");
  return p;
};

async function seedUsers(db: string): Promise<string[]> {
  await client.db(db).dropDatabase();
  const own = Array.from({ length: 12 }, (_, i) => `users-own-password-${i}`);
  await client
    .db(db)
    .collection("users")
    .insertMany(
      own.map((pw, i) => ({
        email: `user${i}@corp.example`,
        passwordHash: bcrypt.hashSync(pw, 4),
        credentials:
          i % 3 === 0 ? [{ argon: `$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$${i}` }] : { argon: null },
      })),
    );
  await client
    .db(db)
    .collection("AspNetUsers")
    .insertMany(
      own.map((pw, i) => ({ UserName: `user${i}`, PasswordHash: Buffer.from(pw).toString("base64") })),
    );
  return own;
}

/** ASP.NET Core Identity's VerifyHashedPasswordV3, step by step. */
function verifyAspNetIdentityV3(hashed: string, password: string): boolean {
  const b = Buffer.from(hashed, "base64");
  if (b[0] !== 0x01) return false;
  const prf = b.readUInt32BE(1);
  const iterations = b.readUInt32BE(5);
  const saltLength = b.readUInt32BE(9);
  const salt = b.subarray(13, 13 + saltLength);
  const subkey = b.subarray(13 + saltLength);
  if (saltLength < 16 || subkey.length < 16) return false;
  const digest = ({ 0: "sha1", 1: "sha256", 2: "sha512" } as Record<number, string>)[prf];
  if (!digest) return false;
  return timingSafeEqual(pbkdf2Sync(password, salt, iterations, subkey.length, digest), subkey);
}

describe("the password strategy on a real mongod", () => {
  it("writes one bcrypt, one argon2id and one ASP.NET Core Identity hash of the test password; every masked user signs in with it", async () => {
    const own = await seedUsers("pw_prod");
    // Every command the server runs on both databases is recorded: the password must be in none.
    await client.db("pw_prod").command({ profile: 2 });
    await client.db("pw_snapshot").command({ profile: 2 });
    const report = await produceTestSnapshot(client, "pw", {
      log,
      retain: 0,
      dataPolicy: policyOf(CONFIG),
      salt: SALT,
      testPassword: PASSWORD,
    });
    expect(report.masking?.verified).toBe(true);
    const meta = await readSnapshotMetadata(client.db("pw_snapshot"));
    const users = await client
      .db("pw_snapshot")
      .collection(String((meta?.physical as Record<string, string> | undefined)?.users))
      .find()
      .toArray();
    const bcryptHashes = new Set(users.map((u) => u.passwordHash));
    expect(bcryptHashes.size).toBe(1);
    const [hash] = [...bcryptHashes] as string[];
    expect(hash).toMatch(/^\$2[ab]\$04\$[./A-Za-z0-9]{53}$/);
    expect(await bcrypt.compare(PASSWORD, hash ?? "")).toBe(true);
    expect(await bcrypt.compare(own[0] ?? "", hash ?? "")).toBe(false);
    const argon = users.flatMap((u) =>
      Array.isArray(u.credentials) ? u.credentials.map((c) => c.argon) : [],
    );
    expect(argon).toHaveLength(4);
    expect(new Set(argon).size).toBe(1);
    expect(argon[0]).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await argon2Verify({ password: PASSWORD, hash: argon[0] })).toBe(true);
    const identity = await client
      .db("pw_snapshot")
      .collection(String((meta?.physical as Record<string, string> | undefined)?.AspNetUsers))
      .find()
      .toArray();
    const identityHashes = new Set(identity.map((u) => u.PasswordHash));
    expect(identityHashes.size).toBe(1);
    const [identityHash] = [...identityHashes] as string[];
    expect(
      Buffer.from(identityHash ?? "", "base64")
        .subarray(0, 13)
        .toString("hex"),
    ).toBe("01000000020000271000000010");
    expect(verifyAspNetIdentityV3(identityHash ?? "", PASSWORD)).toBe(true);
    expect(verifyAspNetIdentityV3(identityHash ?? "", own[1] ?? "")).toBe(false);
    // null stays null.
    expect(
      users.filter((u) => !Array.isArray(u.credentials)).every((u) => u.credentials.argon === null),
    ).toBe(true);

    // The password is in no log line, report, metadata document, profiled command or server log line.
    const everywhere = [
      lines.join("\n"),
      JSON.stringify(report),
      BSON.EJSON.stringify(await client.db("pw_snapshot").collection("snapshot_metadata").find().toArray()),
      BSON.EJSON.stringify(await client.db("pw_prod").collection("system.profile").find().toArray()),
      BSON.EJSON.stringify(await client.db("pw_snapshot").collection("system.profile").find().toArray()),
      JSON.stringify(await client.db("admin").command({ getLog: "global" })),
    ];
    // The profile did record the copy (the check is not vacuous): the hash went to the server as a literal.
    expect(everywhere[3]).toContain(hash);
    for (const text of everywhere) expect(text).not.toContain(PASSWORD);
    await client.db("pw_prod").command({ profile: 0 });
    await client.db("pw_snapshot").command({ profile: 0 });
  });

  it("without a test password, or with a short one, fails before connecting; bad options name the fix", async () => {
    const policy = policyOf(CONFIG);
    const reader = (v: Record<string, string>) => new InputReader(inputsFrom(v));
    expect(() => readTestPassword(reader({}), policy)).toThrow(
      /set the mask-test-password input from a secret/,
    );
    expect(() => readTestPassword(reader({ "mask-test-password": "short" }), policy)).toThrow(
      /5 characters long; use at least 8/,
    );
    expect(readTestPassword(reader({ "mask-test-password": PASSWORD }), policy)).toBe(PASSWORD);
    expect(
      readTestPassword(reader({}), policyOf("masking:\n  rules:\n    u:\n      e: email\n")),
    ).toBeUndefined();
    await seedUsers("pwn_prod");
    await client.db("pwn_snapshot").dropDatabase();
    const error = await failureOf(
      produceTestSnapshot(client, "pwn", { log, retain: 0, dataPolicy: policy, salt: SALT }),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/password strategy/);
    const dbs = (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map(
      (d) => d.name,
    );
    expect(dbs).not.toContain("pwn_snapshot");
    expect(() => parseConfig("masking:\n  rules:\n    u:\n      p: { password: { scheme: md5 } }\n")).toThrow(
      /password\.scheme must be bcrypt, argon2id or aspnet-identity, got "md5"/,
    );
    expect(() =>
      parseConfig("masking:\n  rules:\n    u:\n      p: { password: { scheme: bcrypt, cost: 31 } }\n"),
    ).toThrow(/password\.cost must be a whole number from 4 to 15, got 31/);
    expect(() =>
      parseConfig("masking:\n  rules:\n    u:\n      p: { password: { scheme: bcrypt, memoryKiB: 9 } }\n"),
    ).toThrow(/password \(bcrypt\) does not take memoryKiB/);
    expect(() =>
      policyOf("masking:\n  rules:\n    u:\n      _id: { password: { scheme: bcrypt } }\n"),
    ).toThrow(/only email, name, phone or hash can mask _id/);
  });

  it("the README's user-store example is a valid config", async () => {
    const readme = (await import("node:fs")).readFileSync(
      new URL("../../../../README.md", import.meta.url),
      "utf8",
    );
    const block = readme
      .split("```yaml")
      .find((b) => b.includes("AspNetUsers"))
      ?.split("```")[0];
    expect(block).toBeDefined();
    const policy = policyOf(block ?? "");
    expect(Object.keys(policy.rules)).toEqual(["users", "AspNetUsers", "accounts"]);
    expect(policy.rules.AspNetUsers?.PasswordHash).toEqual({ kind: "password", scheme: "aspnet-identity" });
  });
});

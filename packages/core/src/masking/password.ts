import { pbkdf2Sync, randomBytes } from "node:crypto";
import { UserError } from "../errors";
import type { Log } from "../log";
import type { PasswordStrategy, Policy, Strategy } from "./policy";

/**
 * The `password` strategy (CONTRACT §7 additions): every masked password becomes one hash of the
 * test password, so anyone testing a preview signs in as any masked user with it. The password is
 * hashed here, in the runner, once per scheme; only the hash enters the pipeline (as a literal),
 * the snapshot and the server's logs. Pure JavaScript and WebAssembly (bcryptjs, hash-wasm): no
 * native addon, so the bundled action runs on any runner.
 */

/** Rules with each `password` strategy's hash filled in; the policy itself is left as the config wrote it. */
export type ResolvedRules = Record<string, Record<string, Strategy>>;

export function usesPassword(policy: Policy | undefined): boolean {
  return Object.values(policy?.rules ?? {}).some((r) => Object.values(r).some((s) => s.kind === "password"));
}

/** The hash of `password` under `s`, in the encoding user stores keep (`$2b$10$…`, `$argon2id$v=19$…`). */
export async function hashPassword(password: string, s: PasswordStrategy): Promise<string> {
  if (s.scheme === "aspnet-identity") return aspNetIdentityV3(password, s.iterations ?? 100_000);
  if (s.scheme === "bcrypt") {
    const { default: bcrypt } = await import(/* webpackChunkName: "bcrypt" */ "bcryptjs");
    return bcrypt.hash(password, s.cost ?? 10);
  }
  const { argon2id } = await import(/* webpackChunkName: "argon2" */ "hash-wasm");
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: s.parallelism ?? 1,
    iterations: s.iterations ?? 2,
    memorySize: s.memoryKiB ?? 19_456,
    hashLength: 32,
    outputType: "encoded",
  });
}

/**
 * The policy's rules with every `password` strategy carrying its hash: one hash per distinct
 * scheme and parameters, computed before anything is copied. Without a test password a policy
 * that uses the strategy fails here, before any connection is opened.
 */
export async function resolvePasswords(
  policy: Policy | undefined,
  password: string | undefined,
  log?: Log,
): Promise<ResolvedRules> {
  const rules = policy?.rules ?? {};
  if (!usesPassword(policy)) return rules;
  if (!password)
    throw new UserError(
      "The masking rules use the password strategy, which writes a hash of a test password: set the mask-test-password input from a secret, or PR_SNAPSHOTS_MASK_TEST_PASSWORD for the command line. Nothing was copied.",
    );
  log?.secret(password);
  const hashes = new Map<string, Promise<string>>();
  const resolved: ResolvedRules = {};
  for (const [collection, paths] of Object.entries(rules)) {
    resolved[collection] = {};
    for (const [path, s] of Object.entries(paths)) {
      if (s.kind !== "password") {
        (resolved[collection] as Record<string, Strategy>)[path] = s;
        continue;
      }
      const key = JSON.stringify([s.scheme, s.cost, s.memoryKiB, s.iterations, s.parallelism]);
      let hash = hashes.get(key);
      if (!hash) {
        hash = hashPassword(password, s);
        hashes.set(key, hash);
      }
      (resolved[collection] as Record<string, Strategy>)[path] = { ...s, hash: await hash };
    }
  }
  return resolved;
}

/**
 * ASP.NET Core Identity's password hash, format V3 (what its default PasswordHasher writes and
 * reads): 0x01, the PRF (2 = HMAC-SHA512), the iteration count and the salt length as big-endian
 * 32-bit integers, the salt, then the PBKDF2 subkey (32 bytes), in base64.
 */
function aspNetIdentityV3(password: string, iterations: number): string {
  const salt = randomBytes(16);
  const subkey = pbkdf2Sync(password, salt, iterations, 32, "sha512");
  const header = Buffer.alloc(13);
  header[0] = 0x01;
  header.writeUInt32BE(2, 1);
  header.writeUInt32BE(iterations, 5);
  header.writeUInt32BE(salt.length, 9);
  return Buffer.concat([header, salt, subkey]).toString("base64");
}

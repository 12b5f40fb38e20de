import { createHmac } from "node:crypto";

/** Binds the derived value to this one use: a masking key of pr-snapshots, version 1. */
const LABEL = "pr-snapshots/masking-key/v1";

/**
 * The value the server receives in place of the masking salt: HMAC-SHA256(salt, label, policy
 * hash), as hex. The keyed strategies run on the server (`$toHashedIndexKey` in the copy's
 * pipeline), so they need a key there, and the server may record the command that carries it (the
 * profiler, a slow-query log line, an audit log). What such a record can expose is this key: the
 * salt cannot be computed from it (HMAC is one-way in its key), and the key of another policy
 * (other rules, another collection's masking) cannot be computed from it either. Someone holding
 * this key and a snapshot masked under this policy can still test guesses of the values it masks
 * (a dictionary attack on the 64-bit hashes): that is what server-side log redaction is for (see
 * the README, "Security model").
 *
 * The same salt and the same rules give the same key, so masking stays deterministic across runs
 * and collections; changing the rules changes every keyed output once.
 */
export function maskingKey(salt: string, policyHash: string): string {
  return createHmac("sha256", salt).update(`${LABEL}\u0000${policyHash}`).digest("hex");
}

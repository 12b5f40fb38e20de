import { UserError } from "../errors";
import type { InputReader } from "../inputs";
import type { Policy } from "./policy";

/** Shortest test password accepted (it is a shared secret of everyone who tests previews). */
export const MIN_TEST_PASSWORD_LENGTH = 8;

/**
 * Input `mask-test-password` (CLI: PR_SNAPSHOTS_MASK_TEST_PASSWORD), checked before any connection:
 * rules that use the password strategy need it. Kept apart from password.ts so that reading the
 * settings loads no hashing library.
 */
export function readTestPassword(inputs: InputReader, policy: Policy | undefined): string | undefined {
  const password = inputs.optional("mask-test-password");
  const needed = Object.values(policy?.rules ?? {}).some((r) =>
    Object.values(r).some((s) => s.kind === "password"),
  );
  if (needed && !password)
    throw new UserError(
      "The masking rules use the password strategy, which writes a hash of a test password, and none was given: " +
        "set the mask-test-password input from a secret (e.g. a repository secret PR_SNAPSHOTS_MASK_TEST_PASSWORD), or PR_SNAPSHOTS_MASK_TEST_PASSWORD for the command line. Nothing was copied.",
    );
  if (password !== undefined && password.length < MIN_TEST_PASSWORD_LENGTH)
    throw new UserError(
      `The test password is ${password.length} characters long; use at least ${MIN_TEST_PASSWORD_LENGTH}. Nothing was copied.`,
    );
  return password;
}

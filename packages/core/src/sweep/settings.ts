import { UserError } from "../errors";
import type { InputReader } from "../inputs";
import type { TargetPolicy } from "../names";
import type { CommonInputs } from "../settings";
import { readTargetPolicy } from "../snapshot/settings";

/** sweep-databases' inputs (CONTRACT §10), read the same way by the action and the command line. */
export interface SweepSettings {
  prefix: string;
  /** The target rules every drop passes (CONTRACT §1). */
  policy: TargetPolicy;
  keepClosedDays: number;
  remindDays: number;
  allowPrivilegedCredentials: boolean;
}

/** Checked before any connection: a wrong prefix or pattern fails at once. */
export function readSweepSettings(inputs: InputReader, common: CommonInputs): SweepSettings {
  const { prefix, config } = common;
  if (!prefix) {
    throw new UserError(
      'A database prefix is required: set "db-prefix" or "dbPrefix" in the config file. The sweep looks at ' +
        "<prefix>_pr_<number> databases only.",
    );
  }
  const { policy } = readTargetPolicy(inputs, config, prefix);
  return {
    prefix,
    policy,
    keepClosedDays: inputs.integer("keep-closed-days", { min: 0, max: 36_500 }) ?? 30,
    remindDays: inputs.integer("remind-days", { min: 0, max: 36_500 }) ?? 7,
    allowPrivilegedCredentials: inputs.boolean("allow-privileged-credentials", false),
  };
}

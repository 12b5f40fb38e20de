import type { Config } from "../config";
import { UserError } from "../errors";
import type { InputReader } from "../inputs";
import { THROTTLE_MODES, type ThrottleMode } from "./modes";

/**
 * CONTRACT §12: the throttle's settings, read the same way by the restore, the producer and the
 * command line: input (or PR_SNAPSHOTS_<NAME>), then the config file's `copy` section, then the
 * default.
 */

export { THROTTLE_MODES, type ThrottleMode };

export interface ThrottleSettings {
  /** `auto` (default): watch the signals the server lets this user read; `off`: copy flat out. */
  mode: ThrottleMode;
  /** Pause while the majority-commit lag is over this (replica sets). */
  maxLagSeconds: number;
  /** Pause while the probe read is slower than this; default from the probe's own baseline. */
  maxLatencyMs?: number;
  /** Abort when the lag stays over this for `criticalSeconds`. */
  criticalLagSeconds: number;
  /** Abort when the probe stays slower than this for `criticalSeconds`; none unless set (see throttle.ts, latencyLimits). */
  criticalLatencyMs?: number;
  /** How long a critical threshold must be exceeded, without a break, before the copy aborts. */
  criticalSeconds: number;
}

export const DEFAULT_MAX_LAG_SECONDS = 2;
/**
 * Flow control's target lag (`flowControlTargetLagSeconds`, 10): beyond it MongoDB has been
 * slowing every writer on the primary, production's included, for a while (it engages at half).
 */
export const DEFAULT_CRITICAL_LAG_SECONDS = 10;
export const DEFAULT_CRITICAL_SECONDS = 60;

export const THROTTLE_OFF: ThrottleSettings = {
  mode: "off",
  maxLagSeconds: DEFAULT_MAX_LAG_SECONDS,
  criticalLagSeconds: DEFAULT_CRITICAL_LAG_SECONDS,
  criticalSeconds: DEFAULT_CRITICAL_SECONDS,
};

export function readThrottleSettings(inputs: InputReader, config: Config): ThrottleSettings {
  const copy = config.copy ?? {};
  const mode = inputs.enumeration("throttle", THROTTLE_MODES, copy.throttle ?? "auto");
  const maxLagSeconds =
    decimal(inputs, "max-lag-seconds", { min: 0.1, max: 3_600 }) ??
    copy.maxLagSeconds ??
    DEFAULT_MAX_LAG_SECONDS;
  const maxLatencyMs = decimal(inputs, "max-latency-ms", { min: 0.1, max: 600_000 }) ?? copy.maxLatencyMs;
  const criticalLagSeconds =
    decimal(inputs, "critical-lag-seconds", { min: 0.1, max: 86_400 }) ??
    copy.criticalLagSeconds ??
    Math.max(DEFAULT_CRITICAL_LAG_SECONDS, 5 * maxLagSeconds);
  const criticalLatencyMs =
    decimal(inputs, "critical-latency-ms", { min: 0.1, max: 3_600_000 }) ?? copy.criticalLatencyMs;
  const criticalSeconds =
    inputs.integer("critical-seconds", { min: 1, max: 86_400 }) ??
    copy.criticalSeconds ??
    DEFAULT_CRITICAL_SECONDS;
  if (criticalLagSeconds <= maxLagSeconds)
    throw new UserError(
      `critical-lag-seconds (${criticalLagSeconds}) must be greater than max-lag-seconds (${maxLagSeconds}): the copy pauses at max-lag-seconds and aborts only when the lag stays over critical-lag-seconds.`,
    );
  if (criticalLatencyMs !== undefined && maxLatencyMs !== undefined && criticalLatencyMs <= maxLatencyMs)
    throw new UserError(
      `critical-latency-ms (${criticalLatencyMs}) must be greater than max-latency-ms (${maxLatencyMs}): the copy pauses at max-latency-ms and aborts only when the probe stays slower than critical-latency-ms.`,
    );
  return {
    mode,
    maxLagSeconds,
    ...(maxLatencyMs !== undefined ? { maxLatencyMs } : {}),
    criticalLagSeconds,
    ...(criticalLatencyMs !== undefined ? { criticalLatencyMs } : {}),
    criticalSeconds,
  };
}

/** A decimal number input (e.g. max-lag-seconds: 0.5); the error names the input and the range. */
function decimal(
  inputs: InputReader,
  name: string,
  { min, max }: { min: number; max: number },
): number | undefined {
  const v = inputs.optional(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n) || n < min || n > max)
    throw new UserError(`Input "${name}" must be a number between ${min} and ${max}, got "${v}".`);
  return n;
}

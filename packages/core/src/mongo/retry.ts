import {
  MongoError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";
import type { Log } from "../log";

/**
 * Server error codes the driver itself treats as retryable (mongodb 7, lib/error.js): host
 * unreachable/not found, network timeout, shutdown in progress, primary stepped down, not
 * writable primary, node recovering, exceeded time limit on a secondary, and friends.
 */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * Whether repeating an idempotent step (drop + create + `$out` of one collection) can succeed.
 * The driver never retries an `$out` aggregate itself, so we do, but only for these errors:
 * anything else (authorization, validation, bad names) would fail again the same way.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoNetworkTimeoutError) return true;
  if (error instanceof MongoServerSelectionError) return true;
  if (error instanceof MongoError) {
    if (error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("TransientTransactionError"))
      return true;
  }
  if (error instanceof MongoServerError && typeof error.code === "number")
    return RETRYABLE_CODES.has(error.code);
  return false;
}

export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  log?: Log;
  what?: string;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs `fn`, retrying retryable errors with exponential backoff and jitter. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 15_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      options.log?.warning(
        `${options.what ?? "Operation"} failed with a retryable error (${(error as Error).message}); ` +
          `retrying in ${Math.round(delay)} ms (attempt ${attempt + 1} of ${attempts}).`,
      );
      await sleep(delay);
    }
  }
}

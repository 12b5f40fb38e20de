import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Log } from "../log";

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubClientOptions {
  token: string;
  log: Log;
  /** Defaults to GITHUB_API_URL (read by @actions/github), then https://api.github.com. */
  baseUrl?: string;
  /** How many times a rate-limited request is retried before failing. */
  maxRateLimitRetries?: number;
  /** Longest `retry-after` we are willing to wait, in seconds. */
  maxRetryAfterSeconds?: number;
}

/**
 * An Octokit with the official retry plugin (5xx and network errors, exponential backoff)
 * and throttling plugin (primary and secondary rate limits, honouring `retry-after`).
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { token, log } = options;
  if (!token) throw new Error("A GitHub token is required (input github-token).");
  log.secret(token);
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const maxWait = options.maxRetryAfterSeconds ?? 120;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < maxRetries && retryAfter <= maxWait;
      log.warning(
        `GitHub ${kind} rate limit hit for ${request.method} ${request.url}; ` +
          (retrying
            ? `retrying after ${retryAfter}s (attempt ${retryCount + 1} of ${maxRetries}).`
            : "giving up."),
      );
      return retrying;
    };
  return getOctokit(
    token,
    {
      ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
      // @actions/github sends requests through its own bundled undici so that it can honour a proxy.
      // Without a proxy, Node's built-in fetch does the same job and starts much faster.
      ...(proxyConfigured() ? {} : { request: { fetch: globalThis.fetch } }),
      throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") },
      // 403 and 429 are left to the throttling plugin, which honours retry-after.
      retry: { doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451] },
    },
    retry,
    throttling,
  );
}

function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY);
}

export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: number }).status === 404;
}

export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

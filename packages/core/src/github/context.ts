import { existsSync, readFileSync } from "node:fs";
import type { RepoRef } from "./client";

/**
 * The workflow run as @actions/github's `context` describes it, read from the same environment
 * variables, without loading Octokit: actions that may never call the API start faster.
 */
export interface RunContext {
  eventName: string;
  payload: Record<string, unknown>;
  repo: RepoRef | undefined;
  /** GITHUB_SHA: the commit the workflow runs for ("" outside Actions). */
  sha: string;
  apiUrl: string;
  runId: number;
  runAttempt: number;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const eventPath = env.GITHUB_EVENT_PATH;
  let payload: Record<string, unknown> = {};
  if (eventPath && existsSync(eventPath))
    payload = JSON.parse(readFileSync(eventPath, "utf8")) as Record<string, unknown>;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const fromPayload = payload.repository as { name?: string; owner?: { login?: string } } | undefined;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? "",
    payload,
    repo:
      owner && repo
        ? { owner, repo }
        : fromPayload?.owner?.login && fromPayload.name
          ? { owner: fromPayload.owner.login, repo: fromPayload.name }
          : undefined,
    sha: env.GITHUB_SHA ?? "",
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    runId: Number.parseInt(env.GITHUB_RUN_ID ?? "", 10),
    runAttempt: Number.parseInt(env.GITHUB_RUN_ATTEMPT ?? "1", 10) || 1,
  };
}

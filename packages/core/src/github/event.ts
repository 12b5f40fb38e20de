import { UserError } from "../errors";
import { assertPrNumber } from "../names";
import type { RepoRef } from "./client";

export const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"] as const;

export interface Sender {
  login: string;
  type: string;
}

/** What the actions need from a `pull_request` / `pull_request_target` event payload. */
export interface PullRequestEvent {
  eventName: (typeof PULL_REQUEST_EVENTS)[number];
  action: string;
  number: number;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** The label added or removed, for `labeled` / `unlabeled`. */
  label?: string;
  /** Labels as the payload saw them; may be stale after a burst of label events. */
  labels: string[];
  sender?: Sender;
  repo: RepoRef;
  /** True when the head branch lives in another repository (no secrets on pull_request). */
  fromFork: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Validates and extracts a pull request event. The PR number is taken only from the
 * payload's integer field, never from a branch name or title.
 */
export function parsePullRequestEvent(
  eventName: string | undefined,
  payload: unknown,
  repository = process.env.GITHUB_REPOSITORY,
): PullRequestEvent {
  if (!eventName || !(PULL_REQUEST_EVENTS as readonly string[]).includes(eventName)) {
    throw new UserError(
      `This action handles pull_request and pull_request_target events, but the workflow was triggered by ` +
        `"${eventName ?? "(unknown)"}". Trigger it with "on: pull_request" (types: opened, reopened, synchronize, ` +
        `labeled, unlabeled, closed).`,
    );
  }
  if (!isObject(payload) || !isObject(payload.pull_request)) {
    throw new UserError(
      `The ${eventName} event payload has no "pull_request" object (GITHUB_EVENT_PATH is missing or malformed).`,
    );
  }
  const pr = payload.pull_request;
  const number = assertPrNumber(pr.number, "pull_request.number in the event payload");
  if (payload.number !== undefined && payload.number !== number) {
    throw new UserError(
      `The event payload is inconsistent: "number" is ${JSON.stringify(payload.number)} but pull_request.number is ${number}.`,
    );
  }
  const action = typeof payload.action === "string" ? payload.action : "";
  if (!action) throw new UserError(`The ${eventName} event payload has no "action".`);
  const state = pr.state === "closed" ? "closed" : pr.state === "open" ? "open" : undefined;
  if (!state)
    throw new UserError(
      `pull_request.state in the event payload must be "open" or "closed", got ${JSON.stringify(pr.state)}.`,
    );
  const head = isObject(pr.head) ? pr.head : {};
  const base = isObject(pr.base) ? pr.base : {};
  const headSha = typeof head.sha === "string" ? head.sha : "";
  const label =
    isObject(payload.label) && typeof payload.label.name === "string" ? payload.label.name : undefined;
  const labels = Array.isArray(pr.labels)
    ? pr.labels.flatMap((l) => (isObject(l) && typeof l.name === "string" ? [l.name] : []))
    : [];
  const sender =
    isObject(payload.sender) && typeof payload.sender.login === "string"
      ? {
          login: payload.sender.login,
          type: typeof payload.sender.type === "string" ? payload.sender.type : "User",
        }
      : undefined;
  return {
    eventName: eventName as PullRequestEvent["eventName"],
    action,
    number,
    state,
    merged: pr.merged === true,
    headSha,
    ...(label !== undefined ? { label } : {}),
    labels,
    ...(sender ? { sender } : {}),
    repo: repoOf(payload, repository),
    fromFork: repoFullName(head) !== undefined && repoFullName(head) !== repoFullName(base),
  };
}

function repoFullName(ref: Json): string | undefined {
  return isObject(ref.repo) && typeof ref.repo.full_name === "string" ? ref.repo.full_name : undefined;
}

function repoOf(payload: Json, repository: string | undefined): RepoRef {
  if (repository?.includes("/")) {
    const [owner = "", repo = ""] = repository.split("/");
    return { owner, repo };
  }
  const r = payload.repository;
  if (isObject(r) && isObject(r.owner) && typeof r.owner.login === "string" && typeof r.name === "string") {
    return { owner: r.owner.login, repo: r.name };
  }
  throw new UserError(
    "Cannot tell which repository this is: GITHUB_REPOSITORY is not set and the payload has no repository.",
  );
}

import { errorMessage } from "../errors";
import type { Log } from "../log";
import type { GitHubClient, RepoRef } from "./client";

/**
 * The state and labels of many pull requests by number, with one GraphQL request per 100:
 * aliased `pullRequest(number:)` fields of one `repository`. A number that names nothing (a
 * deleted or transferred PR, or an issue) makes only its own alias null, with a NOT_FOUND error
 * whose path ends in that alias, and the answer is still HTTP 200. Anything else that goes
 * wrong makes the whole batch unreadable: callers never act on a pull request they could not read.
 */

export type PullRequestRead =
  | {
      number: number;
      status: "found";
      state: "open" | "closed" | "merged";
      /** When it was closed or merged (GraphQL `closedAt`); undefined while open. */
      closedAt?: Date;
      labels: string[];
    }
  | { number: number; status: "not-found"; why: string }
  | { number: number; status: "unreadable"; why: string };

/** Aliases per request: few enough to stay far below the 500,000-node limit and the 10 s timeout. */
export const PULL_REQUESTS_PER_QUERY = 100;
/** GraphQL `Int` is 32-bit: a larger number cannot be asked for (the whole query would fail). */
export const MAX_GRAPHQL_INT = 2_147_483_647;
const LABELS_PER_PR = 100;

const alias = (n: number) => `pr${n}`;

export function pullRequestsQuery(numbers: readonly number[]): string {
  for (const n of numbers) {
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_GRAPHQL_INT)
      throw new Error(`Not a pull request number: ${n}`);
  }
  const fields = numbers.map(
    (n) =>
      `    ${alias(n)}: pullRequest(number: ${n}) { number state closedAt labels(first: ${LABELS_PER_PR}) { totalCount nodes { name } } }`,
  );
  return [
    "query ($owner: String!, $name: String!) {",
    "  repository(owner: $owner, name: $name) {",
    ...fields,
    "  }",
    "}",
  ].join("\n");
}

interface GraphqlError {
  type?: string;
  path?: (string | number)[];
  message?: string;
}

export interface GraphqlAnswer {
  data?: { repository?: Record<string, unknown> | null } | null;
  errors?: GraphqlError[];
}

/** What one answer says about each number asked for. Pure. */
export function parsePullRequests(numbers: readonly number[], answer: GraphqlAnswer): PullRequestRead[] {
  const errors = answer.errors ?? [];
  const notFound = new Set<string>();
  const other: string[] = [];
  for (const e of errors) {
    const p = e.path ?? [];
    if (e.type === "NOT_FOUND" && p.length === 2 && p[0] === "repository" && typeof p[1] === "string")
      notFound.add(p[1]);
    else other.push(`${e.type ?? "error"}: ${e.message ?? "(no message)"}`);
  }
  const repository = answer.data?.repository;
  const unreadable = (why: string) =>
    numbers.map((number) => ({ number, status: "unreadable" as const, why }));
  // A partial answer for another reason (a rate or resource limit, a timeout) may lack fields,
  // labels among them: none of it is trusted.
  if (other.length) return unreadable(`GitHub answered with errors (${other.join("; ")})`);
  if (!repository || typeof repository !== "object") return unreadable("the answer has no repository");
  return numbers.map((number) => {
    const node = repository[alias(number)];
    if (node === null || node === undefined) {
      return notFound.has(alias(number))
        ? { number, status: "not-found", why: `no pull request #${number} in this repository` }
        : { number, status: "unreadable", why: "the answer has no entry for it" };
    }
    return readNode(number, node);
  });
}

function readNode(number: number, node: unknown): PullRequestRead {
  const bad = (what: string): PullRequestRead => ({
    number,
    status: "unreadable",
    why: `unexpected answer: ${what}`,
  });
  const pr = node as {
    number?: unknown;
    state?: unknown;
    closedAt?: unknown;
    labels?: { totalCount?: unknown; nodes?: unknown };
  };
  if (pr.number !== number) return bad(`number ${JSON.stringify(pr.number)}`);
  const state =
    pr.state === "OPEN"
      ? "open"
      : pr.state === "CLOSED"
        ? "closed"
        : pr.state === "MERGED"
          ? "merged"
          : undefined;
  if (!state) return bad(`state ${JSON.stringify(pr.state)}`);
  const nodes = pr.labels?.nodes;
  if (!Array.isArray(nodes) || nodes.some((l) => typeof (l as { name?: unknown })?.name !== "string"))
    return bad("labels");
  const labels = nodes.map((l) => (l as { name: string }).name);
  const total = pr.labels?.totalCount;
  if (typeof total !== "number" || total > labels.length) {
    return {
      number,
      status: "unreadable",
      why: `it has ${String(total)} labels and only the first ${labels.length} were read`,
    };
  }
  if (state === "open") return { number, status: "found", state, labels };
  const closedAt = typeof pr.closedAt === "string" ? new Date(pr.closedAt) : undefined;
  if (!closedAt || Number.isNaN(closedAt.getTime())) return bad(`closedAt ${JSON.stringify(pr.closedAt)}`);
  return { number, status: "found", state, closedAt, labels };
}

/**
 * Reads every number, one request per {@link PULL_REQUESTS_PER_QUERY}, one after the other
 * (GitHub asks for serial requests). A failed request makes its batch unreadable.
 */
export async function readPullRequests(
  client: GitHubClient,
  repo: RepoRef,
  numbers: readonly number[],
  log: Log,
): Promise<Map<number, PullRequestRead>> {
  const out = new Map<number, PullRequestRead>();
  const unique = [...new Set(numbers)].sort((a, b) => a - b);
  for (let i = 0; i < unique.length; i += PULL_REQUESTS_PER_QUERY) {
    const batch = unique.slice(i, i + PULL_REQUESTS_PER_QUERY);
    let answer: GraphqlAnswer;
    try {
      answer = {
        data: await client.graphql(pullRequestsQuery(batch), { owner: repo.owner, name: repo.repo }),
      };
    } catch (error) {
      // @octokit/graphql throws on any `errors` in an HTTP 200 answer and keeps the partial data.
      const partial = error as { name?: string; data?: GraphqlAnswer["data"]; errors?: GraphqlError[] };
      if (partial?.name === "GraphqlResponseError" && Array.isArray(partial.errors)) {
        answer = { data: partial.data ?? null, errors: partial.errors };
      } else {
        const why = `the GitHub GraphQL API could not be reached (${errorMessage(error)})`;
        log.warning(`Could not read pull requests ${describe(batch)}: ${why}. None of them is dropped.`);
        for (const number of batch) out.set(number, { number, status: "unreadable", why });
        continue;
      }
    }
    for (const read of parsePullRequests(batch, answer)) out.set(read.number, read);
  }
  return out;
}

function describe(numbers: readonly number[]): string {
  return numbers.length <= 5 ? numbers.map((n) => `#${n}`).join(", ") : `#${numbers[0]}…#${numbers.at(-1)}`;
}

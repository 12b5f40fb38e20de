import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GitHubStandIn } from "../../../../test/support/github-stand-in";
import { silentLog } from "../log";
import { createGitHubClient, type GitHubClient } from "./client";
import {
  MAX_GRAPHQL_INT,
  parsePullRequests,
  pullRequestsQuery,
  readPullRequests,
} from "./pull-request-states";

const pr7 = {
  number: 7,
  state: "MERGED",
  closedAt: "2026-08-01T10:00:00Z",
  labels: { totalCount: 1, nodes: [{ name: "persist-db" }] },
};
/** research §5: a number that resolves to nothing nulls only its alias, with HTTP 200. */
const notFound999 = {
  type: "NOT_FOUND",
  path: ["repository", "pr999"],
  locations: [{ line: 4, column: 5 }],
  message: "Could not resolve to a PullRequest with the number of 999.",
};

describe("pullRequestsQuery", () => {
  it("asks one repository for aliased pull requests with state, closedAt and up to 100 labels", () => {
    const q = pullRequestsQuery([7, 999]);
    expect(q).toContain("query ($owner: String!, $name: String!) {");
    expect(q).toContain("repository(owner: $owner, name: $name) {");
    expect(q).toContain(
      "pr7: pullRequest(number: 7) { number state closedAt labels(first: 100) { totalCount nodes { name } } }",
    );
    expect(q).toContain("pr999: pullRequest(number: 999)");
  });

  it.each([0, -1, 1.5, MAX_GRAPHQL_INT + 1])("refuses %d (not a GraphQL Int pull request number)", (n) => {
    expect(() => pullRequestsQuery([n])).toThrow(/Not a pull request number/);
  });
});

describe("parsePullRequests", () => {
  it("reads found ones and tells NOT_FOUND aliases apart", () => {
    const reads = parsePullRequests([7, 999], {
      data: { repository: { pr7, pr999: null } },
      errors: [notFound999],
    });
    expect(reads).toEqual([
      {
        number: 7,
        status: "found",
        state: "merged",
        closedAt: new Date("2026-08-01T10:00:00Z"),
        labels: ["persist-db"],
      },
      { number: 999, status: "not-found", why: "no pull request #999 in this repository" },
    ]);
  });

  it("trusts nothing of a batch with any other error (a partial answer may lack labels)", () => {
    const reads = parsePullRequests([7, 999], {
      data: { repository: { pr7, pr999: null } },
      errors: [notFound999, { type: "RATE_LIMITED", message: "API rate limit exceeded" }],
    });
    expect(reads.map((r) => r.status)).toEqual(["unreadable", "unreadable"]);
    expect(reads[0]).toMatchObject({ why: expect.stringContaining("RATE_LIMITED: API rate limit exceeded") });
  });

  it.each<[string, unknown, RegExp]>([
    ["a null alias without NOT_FOUND", null, /no entry/],
    ["another number", { ...pr7, number: 8 }, /number 8/],
    ["an unknown state", { ...pr7, state: "DRAFT" }, /state "DRAFT"/],
    ["closed without closedAt", { ...pr7, closedAt: null }, /closedAt null/],
    ["labels missing", { ...pr7, labels: null }, /labels/],
    [
      "more labels than were read",
      { ...pr7, labels: { totalCount: 101, nodes: [{ name: "a" }] } },
      /101 labels/,
    ],
  ])("an entry with %s is unreadable", (_name, node, why) => {
    const [read] = parsePullRequests([7], { data: { repository: { pr7: node } } });
    expect(read).toMatchObject({ status: "unreadable", why: expect.stringMatching(why) });
  });

  it("a missing repository makes everything unreadable", () => {
    const reads = parsePullRequests([7], {
      data: { repository: null },
      errors: [{ type: "NOT_FOUND", path: ["repository"], message: "Could not resolve to a Repository" }],
    });
    expect(reads[0]?.status).toBe("unreadable");
  });
});

describe("readPullRequests against the GitHub stand-in (real HTTP through Octokit)", () => {
  let gh: GitHubStandIn;
  let client: GitHubClient;
  const repo = { owner: "acme", repo: "shop" };
  beforeAll(async () => {
    gh = await GitHubStandIn.start();
    client = createGitHubClient({ token: gh.defaultToken, log: silentLog, baseUrl: gh.url });
  });
  afterAll(async () => gh?.stop());
  beforeEach(() => {
    gh.restore();
    gh.clearRequests();
  });

  it("reads 250 pull requests in 3 requests; deleted ones are not found, the rest as the REST API has them", async () => {
    const numbers = Array.from({ length: 250 }, (_, i) => i + 1);
    for (const n of numbers)
      gh.addPullRequest({ number: n, labels: n % 2 ? ["preview"] : ["persist-db", "bug"] });
    gh.close(10, new Date("2026-10-01T08:30:00Z"));
    gh.close(11, new Date("2026-10-02T08:30:00Z"), true);
    gh.deletePullRequest(20);
    const reads = await readPullRequests(client, repo, [...numbers, 20, 999], silentLog);
    expect(gh.graphqlQueries()).toHaveLength(3);
    expect(gh.graphqlQueries().map((q) => (q.match(/: pullRequest\(/g) ?? []).length)).toEqual([
      100, 100, 51,
    ]);
    expect(reads.get(1)).toEqual({ number: 1, status: "found", state: "open", labels: ["preview"] });
    expect(reads.get(10)).toEqual({
      number: 10,
      status: "found",
      state: "closed",
      closedAt: new Date("2026-10-01T08:30:00Z"),
      labels: ["persist-db", "bug"],
    });
    expect(reads.get(11)).toMatchObject({ state: "merged", closedAt: new Date("2026-10-02T08:30:00Z") });
    expect(reads.get(20)).toMatchObject({ status: "not-found" });
    expect(reads.get(999)).toMatchObject({ status: "not-found" });

    // The stand-in's REST list says the same as its GraphQL answer.
    const listed = await client.paginate(client.rest.pulls.list, { ...repo, state: "closed", per_page: 100 });
    expect(listed.map((p) => [p.number, p.closed_at, p.merged_at])).toEqual([
      [11, "2026-10-02T08:30:00.000Z", "2026-10-02T08:30:00.000Z"],
      [10, "2026-10-01T08:30:00.000Z", null],
    ]);
  });

  it("an answer with another error, or a failed request, leaves the batch unreadable", async () => {
    gh.addPullRequest({ number: 1 });
    // A partial answer for a reason other than NOT_FOUND (here the node limit), HTTP 200 with data.
    gh.fail({
      path: "/graphql",
      status: 200,
      body: {
        data: {
          repository: {
            pr1: { number: 1, state: "OPEN", closedAt: null, labels: { totalCount: 0, nodes: [] } },
          },
        },
        errors: [
          { type: "MAX_NODE_LIMIT_EXCEEDED", message: "This query requests up to 600,000 possible nodes." },
        ],
      },
    });
    expect((await readPullRequests(client, repo, [1], silentLog)).get(1)).toMatchObject({
      status: "unreadable",
      why: expect.stringMatching(/MAX_NODE_LIMIT_EXCEEDED/),
    });
    gh.fail({ path: "/graphql", status: 401, body: { message: "Bad credentials" } });
    expect((await readPullRequests(client, repo, [1], silentLog)).get(1)).toMatchObject({
      status: "unreadable",
      why: expect.stringMatching(/could not be reached \(Bad credentials/),
    });
  });
});

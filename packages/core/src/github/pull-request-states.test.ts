import { describe, expect, it } from "vitest";
import { MAX_GRAPHQL_INT, parsePullRequests, pullRequestsQuery } from "./pull-request-states";

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

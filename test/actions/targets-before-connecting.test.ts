import { createServer } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pullRequestEvent } from "../support/events";
import { repoRoot } from "../support/mongod";
import { type ActionRun, runAction } from "../support/run-action";

/**
 * Every write target is checked against the rules of CONTRACT §1 before any connection is opened:
 * a refused name fails at once, naming the rule, instead of after a server-selection timeout.
 * The server here is a closed port; the control run shows what connecting first would look like.
 */

const SELECTION_MS = 3_000;
let closedUri: string;

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  closedUri = `mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=${SELECTION_MS}`;
});

const refused: [string, RegExp][] = [
  ["admin", /"admin": it is protected \(a MongoDB system database\)/],
  ["syrf_snapshot", /"syrf_snapshot": it is protected \(the snapshot database\)/],
  ["other_pr_1", /"other_pr_1": it matches none of the allowed target patterns/],
  ["syrf_pr_0", /"syrf_pr_0": it matches none of the allowed target patterns/],
];

function expectRefusedFast(r: ActionRun, message: RegExp, errors = r.errors.join("\n")): void {
  expect(errors).toMatch(message);
  expect(errors).toMatch(/Nothing was changed/);
  expect(errors).not.toMatch(/Could not reach MongoDB/);
  expect(r.durationMs).toBeLessThan(2_000);
}

describe("write targets are checked before connecting (closed port)", () => {
  it.each(refused)("restore-snapshot refuses database %j within 2 s", async (database, message) => {
    const r = await runAction("restore-snapshot", {
      eventName: "workflow_dispatch",
      inputs: { "mongodb-uri": closedUri, "db-prefix": "syrf", database, "config-sha": "none" },
    });
    expect(r.code).toBe(1);
    expectRefusedFast(r, message);
  });

  it("control: an allowed target does try to connect, and fails only after the selection timeout", async () => {
    const r = await runAction("restore-snapshot", {
      eventName: "workflow_dispatch",
      inputs: { "mongodb-uri": closedUri, "db-prefix": "syrf", "pr-number": 1, "config-sha": "none" },
    });
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/Could not reach MongoDB at mongodb:\/\/127\.0\.0\.1:\d+ within 3s/);
    expect(r.durationMs).toBeGreaterThanOrEqual(SELECTION_MS);
  });

  it.each(refused)("enforce-lock refuses database %j within 2 s", async (database, message) => {
    const r = await runAction("enforce-lock", {
      event: pullRequestEvent({ action: "closed", number: 1 }),
      inputs: { "mongodb-uri": closedUri, "db-prefix": "syrf", database, "config-sha": "none" },
    });
    expect(r.code).toBe(1);
    expectRefusedFast(r, message);
  });

  it.each(refused)("the command line's restore refuses database %j within 2 s", async (database, message) => {
    const r = await runAction("cli", {
      entry: path.join(repoRoot, "packages/cli/dist/index.js"),
      env: { MONGODB_URI: closedUri, GITHUB_ACTIONS: "" },
      argv: ["restore", "--db-prefix", "syrf", "--database", database],
    });
    expect(r.code).toBe(3);
    expectRefusedFast(r, message, r.stderr);
  });
});

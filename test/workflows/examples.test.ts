import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { condition } from "../support/argocd";
import { repoRoot } from "../support/mongod";

interface Job {
  if?: string;
  permissions?: Record<string, string>;
  uses?: string;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const exampleWorkflows = readdirSync(path.join(repoRoot, "examples"), {
  recursive: true,
  withFileTypes: true,
})
  .filter((d) => d.isFile() && d.name.endsWith(".yml") && !d.parentPath.includes("gitops-repo"))
  .map((d) => path.relative(repoRoot, path.join(d.parentPath, d.name)))
  .filter((f) => /^jobs:/m.test(readFileSync(path.join(repoRoot, f), "utf8")));

const read = (file: string) => parse(readFileSync(path.join(repoRoot, file), "utf8")) as Workflow;

describe("the example workflows", () => {
  it("are all found", () => {
    expect(exampleWorkflows.sort()).toEqual([
      "examples/gitops-argocd/gitops-push.yml",
      "examples/gitops-argocd/preview.yml",
      "examples/typical/preview.yml",
      "examples/typical/snapshot.yml",
      "examples/typical/sweep.yml",
    ]);
  });

  it.each(exampleWorkflows)("%s grants nothing at workflow level; each job names what it needs", (file) => {
    const wf = read(file);
    expect(wf.permissions).toEqual({});
    for (const [name, job] of Object.entries(wf.jobs))
      expect(job.permissions, `${file} ${name}`).toBeDefined();
  });

  it("typical/preview.yml deploys only with a database: not for forks, not after a drop, not on close", () => {
    const deploy = read("examples/typical/preview.yml").jobs.deploy;
    const runs = (database: string, dbAction: string, action: string) =>
      condition(deploy?.if, {
        needs: { database: { outputs: { database, "db-action": dbAction } } },
        github: { event: { action } },
      });
    expect(runs("shop_pr_7", "restore", "synchronize")).toBe(true);
    expect(runs("shop_pr_7", "none", "labeled")).toBe(true);
    // A fork's pull request: the reusable workflow's preview job is skipped, its outputs empty.
    expect(runs("", "", "opened")).toBe(false);
    expect(runs("shop_pr_7", "drop", "unlabeled")).toBe(false);
    expect(runs("shop_pr_7", "keep", "closed")).toBe(false);
    expect(read("examples/typical/preview.yml").jobs.deploy?.permissions).toEqual({ contents: "read" });
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { validate } from "@actions/languageservice";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { convertActionTemplate, parseAction } from "@actions/workflow-parser/actions/index";
import { ErrorPolicy } from "@actions/workflow-parser/model/convert";
import { parseConfig } from "@pr-snapshots/core/config-schema";
import { describe, expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../support/mongod";

/**
 * Every workflow and action.yml in the repository goes through GitHub's own parsers
 * (@actions/workflow-parser, and @actions/languageservice for expressions and contexts).
 */

function files(dir: string, match: (name: string) => boolean): string[] {
  const abs = path.join(repoRoot, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && match(d.name))
    .map((d) => path.relative(repoRoot, path.join(d.parentPath, d.name)));
}

const workflows = [
  ...files(".github/workflows", (n) => /\.ya?ml$/.test(n)),
  // Kubernetes manifests and config files are checked elsewhere.
  ...files("examples", (n) => /\.ya?ml$/.test(n)).filter(
    (f) => !f.includes("/k8s/") && !f.includes("/gitops-repo/") && !f.endsWith("pr-snapshots.yml"),
  ),
];
const actions = files("actions", (n) => n === "action.yml");

async function workflowErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (parsed.value)
    await convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
      errorPolicy: ErrorPolicy.TryConversion,
    });
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const diagnostics = await validate(
    TextDocument.create(`file:///repo/.github/workflows/${path.basename(name)}`, "yaml", 1, content),
  );
  return [
    ...errors,
    ...diagnostics.filter((d) => d.severity === 1).map((d) => `L${d.range.start.line + 1}: ${d.message}`),
  ];
}

describe("GitHub's workflow parser accepts every workflow", () => {
  it("finds the workflows to check", () => {
    expect(workflows).toEqual(
      expect.arrayContaining([".github/workflows/ci.yml", ".github/workflows/snapshot-on-demand.yml"]),
    );
  });

  it.each(workflows)("%s is valid", async (file) => {
    expect(await workflowErrors(file, readFileSync(path.join(repoRoot, file), "utf8"))).toEqual([]);
  });

  it("the validator does reject a broken workflow (negative control)", async () => {
    const broken =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JS template
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: soon\n    needs: [ghost]\n    steps:\n      - run: echo ${{ github.evnt }}\n";
    expect((await workflowErrors("broken.yml", broken)).length).toBeGreaterThan(0);
  });

  it.each(workflows)("%s never interpolates event text into a shell and declares permissions", (file) => {
    const doc = parseYaml(readFileSync(path.join(repoRoot, file), "utf8")) as {
      permissions?: unknown;
      jobs: Record<string, { steps?: { run?: string }[] }>;
    };
    expect(doc.permissions, "top-level permissions").toBeDefined();
    for (const [job, spec] of Object.entries(doc.jobs)) {
      for (const step of spec.steps ?? []) {
        if (step.run)
          expect(step.run, `${job}: ${step.run}`).not.toMatch(
            /\$\{\{[^}]*(github\.event\.|github\.head_ref|inputs\.|secrets\.)/,
          );
      }
    }
  });
});

/** CONTRACT §6: minimum inputs and outputs of each action. */
const CONTRACT: Record<string, { inputs: string[]; outputs: string[]; defaults?: Record<string, string> }> = {
  "detect-labels": {
    inputs: ["github-token", "config", "dry-run", "preview-label", "snapshot-label", "lock-label"],
    outputs: [
      "pr-number",
      "pr-state",
      "merged",
      "head-sha",
      "head-short-sha",
      "event-action",
      "event-label",
      "preview",
      "use-snapshot",
      "persist-db",
      "database",
    ],
  },
  "enforce-lock": {
    inputs: [
      "github-token",
      "config",
      "dry-run",
      "preview-label",
      "snapshot-label",
      "lock-label",
      "db-prefix",
      "database",
      "mongodb-uri",
    ],
    outputs: ["db-action", "label-reverted", "locked", "database", "comment-url"],
  },
  "restore-snapshot": {
    inputs: [
      "github-token",
      "config",
      "dry-run",
      "mongodb-uri",
      "db-prefix",
      "pr-number",
      "database",
      "snapshot-database",
      "allowed-targets",
      "protected-databases",
      "wait-timeout-seconds",
      "poll-interval-seconds",
      "concurrency",
      "comment",
    ],
    outputs: ["database", "snapshot-timestamp", "collections", "documents", "duration-ms"],
  },
  "post-preview-comment": {
    inputs: [
      "github-token",
      "config",
      "dry-run",
      "pr-number",
      "database",
      "use-snapshot",
      "persist-db",
      "head-sha",
      "snapshot-timestamp",
      "mongodb-uri",
      "namespace",
      "urls",
    ],
    outputs: ["comment-id", "comment-url"],
  },
  "trigger-producer": {
    inputs: [
      "github-token",
      "config",
      "dry-run",
      "mode",
      "confirm",
      "mongodb-uri",
      "source-database",
      "snapshot-database",
      "collections",
      "exclude-collections",
      "concurrency",
      "cronjob",
      "namespace",
      // §13
      "consistency",
    ],
    outputs: ["snapshot-timestamp", "collections", "documents", "job-name"],
  },
  "sweep-databases": {
    inputs: [
      "github-token",
      "config",
      "dry-run",
      "mongodb-uri",
      "db-prefix",
      "keep-closed-days",
      "remind-days",
    ],
    outputs: ["dropped", "kept", "bytes-freed"],
    defaults: { "keep-closed-days": "30", "remind-days": "7" },
  },
};

describe("example configuration", () => {
  it("examples/typical/pr-snapshots.yml passes the config schema", () => {
    const text = readFileSync(path.join(repoRoot, "examples/typical/pr-snapshots.yml"), "utf8");
    expect(parseConfig(text).dbPrefix).toBe("shop");
  });
});

describe("GitHub's action parser accepts every action.yml", () => {
  it.each(actions)("%s is valid, runs on node24 and has its bundle", (file) => {
    const content = readFileSync(path.join(repoRoot, file), "utf8");
    const parsed = parseAction({ name: file, content }, new NoOperationTraceWriter());
    const template = parsed.value ? convertActionTemplate(parsed.context, parsed.value) : undefined;
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(template?.runs.using).toBe("node24");
    const main = (template?.runs as { main?: string } | undefined)?.main ?? "";
    expect(existsSync(path.join(repoRoot, path.dirname(file), main)), main).toBe(true);
    expect(existsSync(path.join(repoRoot, path.dirname(file), "dist/package.json"))).toBe(true);
  });

  it.each(Object.keys(CONTRACT))("%s has the inputs and outputs of the contract", (name) => {
    const file = path.join(repoRoot, "actions", name, "action.yml");
    if (!existsSync(file)) throw new Error(`actions/${name}/action.yml is missing`);
    const doc = parseYaml(readFileSync(file, "utf8")) as {
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    const contract = CONTRACT[name] as {
      inputs: string[];
      outputs: string[];
      defaults?: Record<string, string>;
    };
    expect(Object.keys(doc.inputs)).toEqual(expect.arrayContaining(contract.inputs));
    for (const [input, value] of Object.entries(contract.defaults ?? {}))
      expect(doc.inputs[input]?.default).toBe(value);
    expect(Object.keys(doc.outputs)).toEqual(expect.arrayContaining(contract.outputs));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JS template
    expect(doc.inputs["github-token"]?.default).toBe("${{ github.token }}");
    expect(doc.inputs["dry-run"]?.default).toBe("false");
  });
});

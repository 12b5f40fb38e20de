import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/mongod";

/** What the reusable sweep workflow promises (GitHub's parsers check its syntax in validate.test.ts). */
describe(".github/workflows/pr-databases-sweep.yml", () => {
  const wf = parse(readFileSync(path.join(repoRoot, ".github/workflows/pr-databases-sweep.yml"), "utf8")) as {
    on: Record<string, Record<string, Record<string, { type?: string; default?: unknown }>> | unknown>;
    permissions: Record<string, string>;
    jobs: Record<
      string,
      {
        permissions?: Record<string, string>;
        concurrency?: { group: string; "cancel-in-progress": boolean };
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  };
  const on = wf.on as {
    schedule: { cron: string }[];
    workflow_dispatch: { inputs: Record<string, { type: string; default: unknown }> };
    workflow_call: { inputs: Record<string, { type: string }>; secrets: Record<string, unknown> };
  };

  it("runs daily, by hand (a dry run by default) and from other repositories", () => {
    expect(on.schedule).toHaveLength(1);
    expect(on.schedule[0]?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(on.workflow_dispatch.inputs["dry-run"]).toEqual(
      expect.objectContaining({ type: "boolean", default: true }),
    );
    expect(Object.keys(on.workflow_call.inputs)).toEqual(
      expect.arrayContaining(["db-prefix", "keep-closed-days", "remind-days", "dry-run", "config"]),
    );
    // Strings, so that a caller's "0" is not replaced by the default.
    expect(on.workflow_call.inputs["keep-closed-days"]?.type).toBe("string");
    expect(Object.keys(on.workflow_call.secrets)).toContain("sweeper-mongodb-uri");
  });

  it("has the least permissions, one sweep at a time, and runs the sweep-databases action", () => {
    expect(wf.permissions).toEqual({});
    const job = wf.jobs.sweep;
    expect(job?.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(job?.concurrency).toEqual({
      group: expect.stringMatching(/^pr-snapshots-sweep/),
      "cancel-in-progress": false,
    });
    const step = job?.steps.find((s) => s.uses?.includes("/actions/sweep-databases@"));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax, not a JS template
    expect(step?.with?.["dry-run"]).toBe("${{ inputs.dry-run == true }}");
    expect(step?.with?.["mongodb-uri"]).toMatch(/secrets\./);
  });
});

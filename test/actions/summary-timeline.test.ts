// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { ganttTasks, mermaidBlocks } from "../support/mermaid";
import { runAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";
import { mongoAndGitHub } from "../support/suite";

/** The job summaries of a restore and of a producer run end with a timeline Mermaid can read. */
const suite = mongoAndGitHub();

async function expectTimeline(summary: string) {
  const blocks = mermaidBlocks(summary);
  expect(blocks).toHaveLength(1);
  // The timeline is the last thing in the summary, right after the per-collection table.
  expect(summary.trimEnd().endsWith("```")).toBe(true);
  expect(summary.indexOf("| collection |")).toBeLessThan(summary.indexOf("```mermaid"));
  const tasks = await ganttTasks(blocks[0] ?? "");
  expect(tasks.map((t) => t.name).sort()).toEqual([...SAMPLE_COLLECTIONS].sort());
  for (const t of tasks) {
    expect(t.end).toBeGreaterThanOrEqual(t.start);
    expect(summary).toMatch(
      new RegExp(`\\| ${t.name} \\| \\d+ \\| \\d+ \\| [\\d.]+ \\| ${t.section.replace(/\$/g, "\\$")} \\|`),
    );
  }
  const last = Math.max(...tasks.map((t) => t.end));
  expect(tasks.filter((t) => t.crit).map((t) => t.end)).toEqual([last]);
}

describe("job summary timelines", () => {
  it("a producer run and a restore end their summaries with a well-formed Gantt chart", async () => {
    await seedProduction(suite.client, "tl_prod", { scale: 2 });
    const produced = await runAction("trigger-producer", {
      eventName: "workflow_dispatch",
      apiUrl: suite.gh.url,
      inputs: {
        "github-token": suite.gh.defaultToken,
        "mongodb-uri": suite.uri,
        "db-prefix": "tl",
        "source-database": "tl_prod",
      },
    });
    expect(produced.code, produced.stdout).toBe(0);
    await expectTimeline(produced.summary);

    const restored = await runAction("restore-snapshot", {
      eventName: "workflow_dispatch",
      inputs: { "mongodb-uri": suite.uri, "db-prefix": "tl", "pr-number": 3, comment: false },
    });
    expect(restored.code, restored.stdout).toBe(0);
    await expectTimeline(restored.summary);
  });
});

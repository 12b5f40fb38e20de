// @vitest-environment jsdom
import { readFileSync } from "node:fs";
import path from "node:path";
import { type CopyTiming, renderGantt } from "@pr-snapshots/core/gantt";
import { causeText, stateDiagram, transitions } from "@pr-snapshots/core/lock/diagram";
import { DEFAULT_LABELS } from "@pr-snapshots/core/settings";
import { describe, expect, it } from "vitest";
import { ganttTasks, mermaidBlocks, parseMermaid, stateEdges } from "./support/mermaid";
import { repoRoot } from "./support/mongod";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const fence = (markdown: string) => mermaidBlocks(markdown)[0] ?? "";

describe("Mermaid in the README parses with mermaid's own parser", () => {
  const blocks = mermaidBlocks(readme);

  it("has the state machine, the restore timeline, both data-flow charts and the point-in-time timeline", async () => {
    const types = await Promise.all(blocks.map(parseMermaid));
    expect(types.sort()).toEqual([
      "flowchart-v2",
      "flowchart-v2",
      "flowchart-v2",
      "gantt",
      "gantt",
      "stateDiagram",
    ]);
  });

  it("has the differential restore's decision per collection, ending in keep or copy", async () => {
    const decision = blocks.find((b) => b.includes("each collection of the snapshot")) ?? "";
    expect(await parseMermaid(decision)).toBe("flowchart-v2");
    // Every way out of it is one of the two outcomes, and a keep is only reached through a proof.
    expect(decision).toMatch(/--> keep\(\["keep: nothing read"\]\)/);
    expect(decision).toMatch(/hash -- yes --> kept\(\["keep"\]\)/);
    expect(decision.match(/--> copy/g)?.length).toBeGreaterThanOrEqual(4);
    await expect(
      parseMermaid(decision.replace('hash{"dbHash equal to', 'hash{"dbHash equal to"')),
    ).rejects.toThrow();
  });

  it("the point-in-time timeline: T0 before every copy, the catch-up at T1 after the last one, then the publish", async () => {
    const block = blocks.find((b) => b.includes("One point-in-time snapshot")) ?? "";
    const tasks = await ganttTasks(block);
    const bySection = (s: string) => tasks.filter((t) => t.section === s);
    const t0 = tasks.find((t) => t.name.startsWith("T0"));
    const t1 = tasks.find((t) => t.name.startsWith("T1"));
    const copies = bySection("copy").filter((t) => t !== t0);
    const [pass] = bySection("catch-up").filter((t) => t !== t1);
    const [publish] = bySection("publish");
    const [writes] = bySection("production");
    expect(copies.length).toBeGreaterThan(2);
    expect(t0 && pass && publish && writes && t1).toBeTruthy();
    if (!(t0 && t1 && pass && publish && writes)) return;
    for (const c of copies) expect(c.start).toBeGreaterThanOrEqual(t0.start);
    expect(t1.start).toBe(Math.max(...copies.map((c) => c.end)));
    expect(pass.start).toBe(t1.start);
    expect(publish.start).toBeGreaterThanOrEqual(pass.end);
    expect(writes.start).toBe(t0.start);
    expect(writes.end).toBeGreaterThan(publish.end);
  });

  it("rejects broken diagrams (the check can fail)", async () => {
    const state = blocks.find((b) => b.startsWith("stateDiagram")) ?? "";
    const flow = blocks.find((b) => b.startsWith("flowchart")) ?? "";
    await expect(
      parseMermaid(state.replace('state "no database" as', 'state "no database as')),
    ).rejects.toThrow();
    await expect(parseMermaid(`${flow}\n  prod ==> `)).rejects.toThrow();
    await expect(parseMermaid(flow.replace('source-database")]', 'source-database"]'))).rejects.toThrow();
    await expect(parseMermaid("gantt\n  dateFormat x\n  section s\n    : 1, 2")).rejects.toThrow();
    await expect(parseMermaid("stateDiagram-v2\n  A -> B")).rejects.toThrow();
  });
});

describe("the state machine as Mermaid reads it", () => {
  it("has one arrow per transition, between the right states, with the right label", async () => {
    const ids: Record<string, string> = {
      start: "root_start",
      none: "NoDatabase",
      seed: "SeedData",
      snapshot: "SnapshotData",
      leftover: "LeftOver",
      locked: "Locked",
      kept: "KeptAfterClose",
      dropped: "Dropped",
    };
    const id = (n: string) => ids[n] ?? `fill${n.replace("choice:", "")}`;
    const expected = transitions(DEFAULT_LABELS).map((t) => ({
      from: id(t.from),
      to: id(t.to),
      label: t.causes.map((c) => causeText(c, DEFAULT_LABELS)).join("<br>"),
    }));
    expect(await stateEdges(stateDiagram(DEFAULT_LABELS))).toEqual(expected);
  });
});

describe("Gantt charts as Mermaid reads them", () => {
  const T0 = Date.UTC(2026, 10, 24, 7, 0, 0);
  const at = (name: string, start: number, end: number, method = "$out"): CopyTiming => ({
    name,
    method,
    startMs: T0 + start,
    endMs: T0 + end,
  });

  it("places every copy at its start and end, in its method's section", async () => {
    const copies = [
      at("pmStudy", 0, 7380),
      at("pmProject", 0, 440),
      at("log", 100, 900, "client copy (capped)"),
    ];
    expect(await ganttTasks(fence(renderGantt(copies)))).toEqual([
      { name: "pmStudy", section: "$out", start: T0, end: T0 + 7380, crit: true },
      { name: "pmProject", section: "$out", start: T0, end: T0 + 440, crit: false },
      { name: "log", section: "client copy (capped)", start: T0 + 100, end: T0 + 900, crit: false },
    ]);
  });

  it("keeps names with characters Mermaid treats specially", async () => {
    const names = [
      "a:b",
      "issue #42; urgent",
      "100% done",
      "%% not a comment",
      "section 2",
      "title",
      "2026-11-24 logs",
      "click me",
      "#35;",
      "<b>bold</b> & co",
      "line\nbreak",
      "ünïcödé 🚀",
    ];
    const copies = names.map((n, i) => at(n, i * 10, i * 10 + 500));
    const tasks = await ganttTasks(fence(renderGantt(copies)));
    expect(tasks.map((t) => t.name)).toEqual(names.map((n) => n.replace("\n", " ")));
    expect(tasks.map((t) => [t.start, t.end])).toEqual(copies.map((c) => [c.startMs, c.endMs]));
  });

  it("draws the 30 longest of 45 copies", async () => {
    const copies = Array.from({ length: 45 }, (_, i) =>
      at(`c${i}`, i * 100, i * 100 + 1000 + ((i * 37) % 45) * 10),
    );
    const tasks = await ganttTasks(fence(renderGantt(copies)));
    const longest = [...copies].sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs)).slice(0, 30);
    expect(new Set(tasks.map((t) => t.name))).toEqual(new Set(longest.map((c) => c.name)));
  });
});

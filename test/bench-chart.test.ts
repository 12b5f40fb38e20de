import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { barChartSvg, benchCharts, lineChartSvg, ticks, writeBenchCharts } from "../bench/lib/chart";
import { repoRoot } from "./support/mongod";

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** A strict XML 1.0 parse (saxes rejects anything not well-formed) into a small tree. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser({ xmlns: false });
  const root: Element = { name: "#document", attributes: {}, children: [], text: "" };
  const stack = [root];
  parser.on("error", (e) => {
    throw e;
  });
  parser.on("opentag", (tag) => {
    const el: Element = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: "",
    };
    stack.at(-1)?.children.push(el);
    stack.push(el);
  });
  parser.on("text", (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.write(xml).close();
  const svg = root.children[0];
  if (!svg) throw new Error("empty document");
  return svg;
}

function all(el: Element, pred: (e: Element) => boolean): Element[] {
  return [...(pred(el) ? [el] : []), ...el.children.flatMap((c) => all(c, pred))];
}
const byClass = (el: Element, cls: string) => all(el, (e) => e.attributes.class === cls);
const num = (e: Element | undefined, a: string) => Number(e?.attributes[a]);

const results = JSON.parse(readFileSync(path.join(repoRoot, "bench/results/2026-11-24.json"), "utf8"));

describe("bar chart", () => {
  const svg = barChartSvg({
    title: "T",
    subtitle: "S",
    yLabel: "time (seconds)",
    unit: "s",
    groups: [
      {
        label: "restore",
        bars: [
          { series: "a", value: 8 },
          { series: "b", value: 2, min: 1, max: 3 },
        ],
      },
      {
        label: "producer",
        bars: [
          { series: "a", value: 4 },
          { series: "c", value: 10 },
        ],
      },
    ],
  });

  it("is well-formed SVG with a title, axis labels, units and a legend", () => {
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attributes.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(all(root, (e) => e.name === "title")[0]?.text).toBe("T");
    expect(byClass(root, "axis-label").map((e) => e.text)).toEqual(["time (seconds)"]);
    expect(byClass(root, "tick").map((e) => e.text)).toEqual(["0 s", "2 s", "4 s", "6 s", "8 s", "10 s"]);
    expect(byClass(root, "legend").map((e) => e.children.at(-1)?.text)).toEqual(["a", "b", "c"]);
    expect(byClass(root, "group").map((e) => e.text)).toEqual(["restore", "producer"]);
  });

  it("draws bars from one baseline with heights proportional to the values", () => {
    const bars = byClass(parseXml(svg), "bar");
    expect(bars.map((b) => Number(b.attributes["data-value"]))).toEqual([8, 2, 4, 10]);
    const perUnit = bars.map((b) => num(b, "height") / Number(b.attributes["data-value"]));
    for (const p of perUnit) expect(p).toBeCloseTo(perUnit[0] ?? 0, 1);
    const baselines = bars.map((b) => num(b, "y") + num(b, "height"));
    for (const b of baselines) expect(b).toBeCloseTo(baselines[0] ?? 0, 1);
    // The same series has the same colour in every group.
    expect(bars[0]?.attributes.fill).toBe(bars[2]?.attributes.fill);
    expect(new Set(bars.map((b) => b.attributes.fill)).size).toBe(3);
  });

  it("draws the fastest-to-slowest whisker on the same scale", () => {
    const root = parseXml(svg);
    const [bar] = byClass(root, "bar").filter((b) => b.attributes["data-series"] === "b");
    const [range] = byClass(root, "range");
    const perUnit = num(bar, "height") / 2;
    expect(num(range, "y1") - num(range, "y2")).toBeCloseTo(perUnit * 2, 1);
  });

  it("escapes names and titles", () => {
    const tricky = `<script>&"quotes"'</script>`;
    const root = parseXml(
      barChartSvg({
        title: tricky,
        subtitle: tricky,
        yLabel: tricky,
        unit: "s",
        groups: [{ label: tricky, bars: [{ series: tricky, value: 1 }] }],
      }),
    );
    expect(all(root, (e) => e.name === "script")).toEqual([]);
    expect(byClass(root, "bar")[0]?.attributes["data-series"]).toBe(tricky);
    expect(byClass(root, "group")[0]?.text).toBe(tricky);
    expect(root.attributes["aria-label"]).toBe(tricky);
  });
});

describe("line chart", () => {
  const svg = lineChartSvg({
    title: "T",
    subtitle: "S",
    xLabel: "size",
    xUnit: "GiB",
    yLabel: "time",
    yUnit: "s",
    series: [
      {
        name: "measured",
        points: [
          { x: 1, y: 30 },
          { x: 0.25, y: 8 },
          { x: 0.5, y: 15 },
        ],
      },
      {
        name: "linear",
        reference: true,
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 32 },
        ],
      },
    ],
  });

  it("places the measured points linearly on both axes, from zero", () => {
    const points = byClass(parseXml(svg), "point");
    expect(points.map((p) => Number(p.attributes["data-x"]))).toEqual([0.25, 0.5, 1]);
    const [a, b, c] = points;
    // Equal steps in x are equal steps on the page; y is proportional to the value above the baseline.
    expect(num(b, "cx") - num(a, "cx")).toBeCloseTo((num(c, "cx") - num(b, "cx")) / 2, 1);
    const origin = byClass(parseXml(svg), "series")[1]
      ?.attributes.points?.split(" ")[0]
      ?.split(",")
      .map(Number);
    const [x0, y0] = origin ?? [];
    expect((num(c, "cx") - (x0 ?? 0)) / (num(a, "cx") - (x0 ?? 0))).toBeCloseTo(4, 2);
    expect(((y0 ?? 0) - num(c, "cy")) / ((y0 ?? 0) - num(a, "cy"))).toBeCloseTo(30 / 8, 2);
  });

  it("labels both axes with units and draws the reference dashed, without points", () => {
    const root = parseXml(svg);
    expect(byClass(root, "axis-label").map((e) => e.text)).toEqual(["time", "size"]);
    expect(byClass(root, "tick").map((e) => e.text)).toContain("1 GiB");
    expect(byClass(root, "series")[1]?.attributes["stroke-dasharray"]).toBeDefined();
    expect(byClass(root, "point")).toHaveLength(3);
  });
});

describe("the benchmark's charts", () => {
  it("draws the committed results: contenders' times and the scaling, titled with the machine's cores", () => {
    const charts = benchCharts(results);
    expect(charts.map((c) => c.name)).toEqual(["times", "scaling"]);
    const [times, scaling] = charts.map((c) => parseXml(c.svg));
    for (const root of [times, scaling])
      expect(all(root as Element, (e) => e.name === "title")[0]?.text).toMatch(/2 cores \(AMD EPYC\)/);
    const bars = byClass(times as Element, "bar");
    expect(bars.map((b) => b.attributes["data-series"])).toEqual([
      "pr-snapshots",
      "original script",
      "floor",
      "pr-snapshots",
      "original script",
      "floor",
    ]);
    // The medians of the runs, in seconds.
    expect(Number(bars[0]?.attributes["data-value"])).toBeCloseTo(results.restore.median.ours / 1000, 6);
    expect(
      byClass(scaling as Element, "point").map((p) => Number(p.attributes["data-y"]).toFixed(2)),
    ).toEqual(["8.02", "15.52", "31.29"]);
  });

  it("shows any other contender present, and no chart for sections that were not run", () => {
    const more = structuredClone(results);
    more.restore.times.mongodump = [12_000, 13_000, 12_500];
    delete more.producer;
    delete more.scaling;
    const charts = benchCharts(more);
    expect(charts.map((c) => c.name)).toEqual(["times"]);
    const bars = byClass(parseXml(charts[0]?.svg ?? ""), "bar");
    expect(bars.map((b) => b.attributes["data-series"])).toContain("mongodump");
    expect(benchCharts({})).toEqual([]);
  });

  it("writes one SVG per chart next to the report and returns the Markdown that shows them", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "charts-"));
    const links = writeBenchCharts(results, dir, "2026-11-24");
    expect(links.filter(Boolean)).toEqual([
      "![Restore and producer times per contender on 2 cores (AMD EPYC)](2026-11-24-times.svg)",
      "![Restore time against data size on 2 cores (AMD EPYC)](2026-11-24-scaling.svg)",
    ]);
    expect(readFileSync(path.join(dir, "2026-11-24-times.svg"), "utf8")).toBe(benchCharts(results)[0]?.svg);
  });

  it("keeps the committed charts in step with the committed results (run `pnpm bench:charts`)", () => {
    for (const c of benchCharts(results))
      expect(readFileSync(path.join(repoRoot, `bench/results/2026-11-24-${c.name}.svg`), "utf8")).toBe(c.svg);
  });
});

describe("axis ticks", () => {
  it("reach the maximum in at most 7 round steps from zero", () => {
    for (const max of [0.3, 1, 1.0006, 7, 11.18, 31.29, 99, 1234]) {
      const t = ticks(max);
      expect(t[0]).toBe(0);
      expect(t.at(-1)).toBeGreaterThanOrEqual(max);
      expect(t.length - 1).toBeLessThanOrEqual(7);
      const step = t[1] ?? 0;
      expect(String(step / 10 ** Math.floor(Math.log10(step)))).toMatch(/^(1|2|5)$/);
    }
  });
});

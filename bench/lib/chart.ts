/**
 * Benchmark charts as plain SVG: two small chart kinds do not justify a charting library and its
 * headless rendering stack, and hand-written SVG stays readable in a diff.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { median } from "./measure";

const WIDTH = 760;
const HEIGHT = 440;
const PLOT = { left: 78, right: WIDTH - 24, top: 96, bottom: HEIGHT - 64 };
/** Okabe–Ito: tells the contenders apart for colour-blind readers too. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"];
const FONT = `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );
}

const n = (x: number) => String(Math.round(x * 100) / 100);

/** Axis ticks at a step of 1, 2 or 5 × a power of ten, from 0 to at least `max`, at most 7 intervals. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const power = 10 ** (Math.floor(Math.log10(max)) - 1);
  const step =
    [1, 2, 5, 10, 20, 50, 100].map((m) => m * power).find((st) => Math.ceil(max / st - 1e-9) <= 7) ??
    power * 100;
  const intervals = Math.ceil(max / step - 1e-9);
  return Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))));

function frame(title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    // A white card, so the chart stays legible on GitHub's dark theme.
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="600" fill="#111111">${escapeXml(title)}</text>`,
    `<text x="${WIDTH / 2}" y="50" text-anchor="middle" font-size="12" fill="#555555">${escapeXml(subtitle)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

function legend(entries: { name: string; color: string; dashed?: boolean }[]): string[] {
  const widths = entries.map((e) => 28 + e.name.length * 7 + 18);
  let x = (WIDTH - widths.reduce((a, b) => a + b, 0)) / 2;
  return entries.map((e, i) => {
    const swatch = e.dashed
      ? `<line x1="${n(x)}" y1="70" x2="${n(x + 20)}" y2="70" stroke="${e.color}" stroke-width="2" stroke-dasharray="5 3"/>`
      : `<rect x="${n(x + 4)}" y="64" width="12" height="12" fill="${e.color}"/>`;
    const out = `<g class="legend">${swatch}<text x="${n(x + 26)}" y="74" font-size="12" fill="#222222">${escapeXml(e.name)}</text></g>`;
    x += widths[i] ?? 0;
    return out;
  });
}

function yAxis(yTicks: number[], label: string, unit: string, scale: (v: number) => number): string[] {
  const out = [
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333333"/>`,
  ];
  for (const t of yTicks) {
    const y = n(scale(t));
    out.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text class="tick" x="${PLOT.left - 8}" y="${y}" dy="4" text-anchor="end" font-size="11" fill="#444444">${escapeXml(`${fmt(t)} ${unit}`)}</text>`,
    );
  }
  const mid = (PLOT.top + PLOT.bottom) / 2;
  out.push(
    `<text class="axis-label" x="18" y="${mid}" transform="rotate(-90 18 ${mid})" text-anchor="middle" font-size="12" fill="#222222">${escapeXml(label)}</text>`,
  );
  return out;
}

export interface Bar {
  series: string;
  value: number;
  /** The fastest and slowest run, drawn as a whisker. */
  min?: number;
  max?: number;
}

export interface BarChart {
  title: string;
  subtitle: string;
  yLabel: string;
  unit: string;
  groups: { label: string; bars: Bar[] }[];
}

/** Grouped vertical bars from zero, one colour per series, the value above each bar. */
export function barChartSvg(c: BarChart): string {
  const series = [...new Set(c.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const color = (s: string) => PALETTE[series.indexOf(s) % PALETTE.length] ?? "#999999";
  const top = Math.max(...c.groups.flatMap((g) => g.bars.map((b) => Math.max(b.value, b.max ?? 0))), 0);
  const yTicks = ticks(top);
  const axisMax = yTicks.at(-1) ?? 1;
  const y = (v: number) => PLOT.bottom - (v / axisMax) * (PLOT.bottom - PLOT.top);
  const groupWidth = (PLOT.right - PLOT.left) / Math.max(1, c.groups.length);
  const body = [
    ...legend(series.map((s) => ({ name: s, color: color(s) }))),
    ...yAxis(yTicks, c.yLabel, c.unit, y),
  ];
  for (const [gi, g] of c.groups.entries()) {
    const barWidth = Math.min(64, (groupWidth * 0.8) / Math.max(1, g.bars.length));
    const start = PLOT.left + gi * groupWidth + (groupWidth - barWidth * g.bars.length) / 2;
    for (const [bi, b] of g.bars.entries()) {
      const x = start + bi * barWidth;
      const cx = n(x + barWidth / 2);
      const text = `${b.value.toFixed(2)} ${c.unit}`;
      body.push(
        `<rect class="bar" data-series="${escapeXml(b.series)}" data-value="${b.value}" x="${n(x + 2)}" y="${n(y(b.value))}" width="${n(barWidth - 4)}" height="${n(PLOT.bottom - y(b.value))}" fill="${color(b.series)}"><title>${escapeXml(`${g.label}, ${b.series}: ${text}`)}</title></rect>`,
      );
      if (b.min !== undefined && b.max !== undefined) {
        body.push(
          `<line class="range" x1="${cx}" y1="${n(y(b.min))}" x2="${cx}" y2="${n(y(b.max))}" stroke="#222222" stroke-width="1.5"/>`,
        );
      }
      body.push(
        `<text class="value" x="${cx}" y="${n(y(Math.max(b.value, b.max ?? 0)) - 6)}" text-anchor="middle" font-size="11" fill="#222222">${escapeXml(text)}</text>`,
      );
    }
    body.push(
      `<text class="group" x="${n(PLOT.left + (gi + 0.5) * groupWidth)}" y="${PLOT.bottom + 22}" text-anchor="middle" font-size="13" fill="#111111">${escapeXml(g.label)}</text>`,
    );
  }
  body.push(
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`,
  );
  return frame(c.title, c.subtitle, body);
}

export interface LineSeries {
  name: string;
  points: { x: number; y: number }[];
  /** A reference line (drawn dashed, without markers or values). */
  reference?: boolean;
}

export interface LineChart {
  title: string;
  subtitle: string;
  xLabel: string;
  xUnit: string;
  yLabel: string;
  yUnit: string;
  series: LineSeries[];
}

/** Lines through measured points, both axes from zero, the value next to each measured point. */
export function lineChartSvg(c: LineChart): string {
  const all = c.series.flatMap((s) => s.points);
  const xTicks = ticks(Math.max(0, ...all.map((p) => p.x)));
  const yTicks = ticks(Math.max(0, ...all.map((p) => p.y)));
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const x = (v: number) => PLOT.left + (v / xMax) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - (v / yMax) * (PLOT.bottom - PLOT.top);
  const color = (i: number) => PALETTE[i % PALETTE.length] ?? "#999999";
  const body = [
    ...legend(c.series.map((s, i) => ({ name: s.name, color: color(i), dashed: s.reference }))),
    ...yAxis(yTicks, c.yLabel, c.yUnit, y),
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`,
  ];
  for (const t of xTicks) {
    body.push(
      `<text class="tick" x="${n(x(t))}" y="${PLOT.bottom + 18}" text-anchor="middle" font-size="11" fill="#444444">${escapeXml(`${fmt(t)} ${c.xUnit}`)}</text>`,
    );
  }
  body.push(
    `<text class="axis-label" x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle" font-size="12" fill="#222222">${escapeXml(c.xLabel)}</text>`,
  );
  for (const [i, s] of c.series.entries()) {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    body.push(
      `<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${color(i)}" stroke-width="2"${s.reference ? ' stroke-dasharray="6 4"' : ""} points="${points.map((p) => `${n(x(p.x))},${n(y(p.y))}`).join(" ")}"/>`,
    );
    if (s.reference) continue;
    for (const p of points) {
      body.push(
        `<circle class="point" data-x="${p.x}" data-y="${p.y}" cx="${n(x(p.x))}" cy="${n(y(p.y))}" r="4" fill="${color(i)}"><title>${escapeXml(`${fmt(p.x)} ${c.xUnit}: ${fmt(p.y)} ${c.yUnit}`)}</title></circle>`,
        `<text class="value" x="${n(x(p.x) - 8)}" y="${n(y(p.y) - 8)}" text-anchor="end" font-size="11" fill="#222222">${escapeXml(`${p.y.toFixed(2)} ${c.yUnit}`)}</text>`,
      );
    }
  }
  return frame(c.title, c.subtitle, body);
}

// ---- The benchmark's charts ----

interface Comparison {
  times: Record<string, number[]>;
}

/** The parts of bench/run.ts's results object the charts use. */
export interface BenchResults {
  date?: unknown;
  machine?: { cpu?: unknown; mongod?: unknown; memoryGiB?: unknown };
  options?: { size?: unknown; repeat?: unknown };
  restore?: Comparison;
  producer?: Comparison;
  scaling?: { gib: number; bytes: number; ms: number }[];
  differential?: { points?: { topology: string; gib: number; times: Record<string, number[]> }[] };
}

export interface Chart {
  /** File name suffix: `<date>-<name>.svg`. */
  name: string;
  alt: string;
  svg: string;
}

/** "2 cores (AMD EPYC)" from run.ts's "2 × AMD EPYC". */
function cores(results: BenchResults): string {
  const m = String(results.machine?.cpu ?? "").match(/^(\d+) × (.*)$/);
  if (!m) return String(results.machine?.cpu ?? "an unknown machine");
  return `${m[1]} ${m[1] === "1" ? "core" : "cores"} (${m[2]})`;
}

function context(results: BenchResults, extra: string): string {
  const mongod = String(results.machine?.mongod ?? "").split(" ")[0];
  return [
    results.machine?.memoryGiB !== undefined ? `${results.machine.memoryGiB} GiB RAM` : "",
    mongod ? `MongoDB ${mongod}` : "",
    extra,
    String(results.date ?? "").slice(0, 10),
  ]
    .filter(Boolean)
    .join(", ");
}

/** The charts a results object has data for: contenders' times, and restore time by size. */
export function benchCharts(results: BenchResults): Chart[] {
  const charts: Chart[] = [];
  const seconds = (ms: number) => ms / 1000;
  const sections = (
    [
      ["restore", "restore (snapshot → PR database)", results.restore],
      ["producer", "producer (production → snapshot)", results.producer],
    ] as const
  ).filter(([, , c]) => c?.times && Object.keys(c.times).length);
  if (sections.length) {
    const repeat = Math.max(
      ...sections.flatMap(([, , c]) => Object.values(c?.times ?? {}).map((t) => t.length)),
    );
    charts.push({
      name: "times",
      alt: `Restore and producer times per contender on ${cores(results)}`,
      svg: barChartSvg({
        title: `Restore and producer time per contender, ${cores(results)}`,
        subtitle: context(
          results,
          `${results.options?.size ?? "?"} GiB of data; median of ${repeat} runs, whiskers fastest–slowest`,
        ),
        yLabel: "time (seconds, lower is better)",
        unit: "s",
        groups: sections.map(([, label, c]) => ({
          label,
          bars: Object.entries(c?.times ?? {}).map(([series, runs]) => ({
            series,
            value: seconds(median(runs)),
            min: seconds(Math.min(...runs)),
            max: seconds(Math.max(...runs)),
          })),
        })),
      }),
    });
  }
  const scaling = [...(results.scaling ?? [])].sort((a, b) => a.bytes - b.bytes);
  const first = scaling[0];
  if (first && scaling.length > 1) {
    const gib = (bytes: number) => bytes / 2 ** 30;
    charts.push({
      name: "scaling",
      alt: `Restore time against data size on ${cores(results)}`,
      svg: lineChartSvg({
        title: `Restore time by data size, ${cores(results)}`,
        subtitle: context(results, "pr-snapshots restore, median per size"),
        xLabel: "data size (GiB of BSON)",
        xUnit: "GiB",
        yLabel: "restore time (seconds)",
        yUnit: "s",
        series: [
          {
            name: "pr-snapshots restore",
            points: scaling.map((p) => ({ x: gib(p.bytes), y: seconds(p.ms) })),
          },
          {
            name: `proportional to size (from ${fmt(gib(first.bytes))} GiB)`,
            reference: true,
            points: [
              { x: 0, y: 0 },
              ...scaling.map((p) => ({ x: gib(p.bytes), y: seconds(first.ms) * (p.bytes / first.bytes) })),
            ],
          },
        ],
      }),
    });
  }
  const differential = results.differential?.points ?? [];
  if (differential.length) {
    const repeat = Math.max(...differential.flatMap((p) => Object.values(p.times).map((t) => t.length)));
    charts.push({
      name: "differential",
      alt: `Full against differential restore times on ${cores(results)}`,
      svg: barChartSvg({
        title: `Full against differential restore, ${cores(results)}`,
        subtitle: context(results, `median of ${repeat} runs, whiskers fastest–slowest`),
        yLabel: "restore time (seconds, lower is better)",
        unit: "s",
        groups: differential.map((p) => ({
          label: `${p.gib} GiB, ${p.topology}`,
          bars: Object.entries(p.times).map(([series, runs]) => ({
            series,
            value: seconds(median(runs)),
            min: seconds(Math.min(...runs)),
            max: seconds(Math.max(...runs)),
          })),
        })),
      }),
    });
  }
  return charts;
}

/**
 * Writes `<stamp>-<chart>.svg` next to the report and returns the Markdown that shows them.
 * Takes run.ts's results object as it is, so the report step needs one call.
 */
export function writeBenchCharts(results: unknown, dir: string, stamp: string): string[] {
  return benchCharts(results as BenchResults).flatMap((c) => {
    const file = `${stamp}-${c.name}.svg`;
    writeFileSync(path.join(dir, file), c.svg);
    return [`![${c.alt}](${file})`, ""];
  });
}

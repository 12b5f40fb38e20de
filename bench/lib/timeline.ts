/**
 * A time-series chart as plain SVG (as bench/lib/chart.ts): lines over seconds, shaded bands (the
 * throttle's pauses), vertical markers (when a copy ended) and a dashed reference level.
 */
import { escapeXml, ticks } from "./chart";

const WIDTH = 860;
const HEIGHT = 460;
const PLOT = { left: 78, right: WIDTH - 24, top: 96, bottom: HEIGHT - 64 };
const PALETTE = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const FONT = `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`;
const n = (x: number) => String(Math.round(x * 100) / 100);
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))));

export interface TimelineChart {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  yUnit: string;
  series: { name: string; points: { x: number; y: number }[] }[];
  /** Shaded intervals on the x axis, e.g. the throttle's pauses. */
  bands?: { name: string; intervals: { from: number; to: number }[] };
  /** Vertical lines, e.g. "throttled restore ends". */
  markers?: { x: number; label: string; series: number }[];
  /** A dashed horizontal level, e.g. the idle p99. */
  reference?: { name: string; y: number };
  /** The y axis stops here (values above are drawn at the top edge, their value in the tooltip). */
  yMax?: number;
}

export function timelineSvg(c: TimelineChart): string {
  const all = c.series.flatMap((s) => s.points);
  const xMax = ticks(Math.max(1, ...all.map((p) => p.x), ...(c.markers ?? []).map((m) => m.x))).at(-1) ?? 1;
  const top = c.yMax ?? Math.max(0, ...all.map((p) => p.y), c.reference?.y ?? 0);
  const yTicks = ticks(top);
  const yMax = yTicks.at(-1) ?? 1;
  const x = (v: number) => PLOT.left + (v / xMax) * (PLOT.right - PLOT.left);
  const y = (v: number) => PLOT.bottom - (Math.min(v, yMax) / yMax) * (PLOT.bottom - PLOT.top);
  const color = (i: number) => PALETTE[i % PALETTE.length] ?? "#999999";
  const body: string[] = [];
  // Legend.
  const entries = [
    ...c.series.map((s, i) => ({
      name: s.name,
      swatch: `<rect x="0" y="-9" width="12" height="12" fill="${color(i)}"/>`,
    })),
    ...(c.bands?.intervals.length
      ? [
          {
            name: c.bands.name,
            swatch: `<rect x="0" y="-9" width="12" height="12" fill="#bbbbbb" fill-opacity="0.5"/>`,
          },
        ]
      : []),
    ...(c.reference
      ? [
          {
            name: c.reference.name,
            swatch: `<line x1="0" y1="-3" x2="18" y2="-3" stroke="#333333" stroke-width="1.5" stroke-dasharray="5 3"/>`,
          },
        ]
      : []),
  ];
  const widths = entries.map((e) => 28 + e.name.length * 6.6 + 16);
  let lx = Math.max(8, (WIDTH - widths.reduce((a, b) => a + b, 0)) / 2);
  for (const [i, e] of entries.entries()) {
    body.push(
      `<g class="legend" transform="translate(${n(lx)},74)">${e.swatch}<text x="24" y="1" font-size="12" fill="#222222">${escapeXml(e.name)}</text></g>`,
    );
    lx += widths[i] ?? 0;
  }
  // Bands under everything else.
  for (const b of c.bands?.intervals ?? []) {
    body.push(
      `<rect class="band" data-from="${b.from}" data-to="${b.to}" x="${n(x(b.from))}" y="${PLOT.top}" width="${n(Math.max(1, x(b.to) - x(b.from)))}" height="${PLOT.bottom - PLOT.top}" fill="#bbbbbb" fill-opacity="0.45"><title>${escapeXml(`${c.bands?.name}: ${fmt(b.from)}–${fmt(b.to)} s`)}</title></rect>`,
    );
  }
  for (const t of yTicks) {
    body.push(
      `<line x1="${PLOT.left}" y1="${n(y(t))}" x2="${PLOT.right}" y2="${n(y(t))}" stroke="#e5e5e5"/>`,
      `<text class="tick" x="${PLOT.left - 8}" y="${n(y(t))}" dy="4" text-anchor="end" font-size="11" fill="#444444">${escapeXml(`${fmt(t)} ${c.yUnit}`)}</text>`,
    );
  }
  for (const t of ticks(xMax)) {
    body.push(
      `<text class="tick" x="${n(x(t))}" y="${PLOT.bottom + 18}" text-anchor="middle" font-size="11" fill="#444444">${escapeXml(`${fmt(t)} s`)}</text>`,
    );
  }
  const mid = (PLOT.top + PLOT.bottom) / 2;
  body.push(
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="#333333"/>`,
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#333333"/>`,
    `<text class="axis-label" x="18" y="${mid}" transform="rotate(-90 18 ${mid})" text-anchor="middle" font-size="12" fill="#222222">${escapeXml(c.yLabel)}</text>`,
    `<text class="axis-label" x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle" font-size="12" fill="#222222">${escapeXml(c.xLabel)}</text>`,
  );
  if (c.reference) {
    body.push(
      `<line class="reference" x1="${PLOT.left}" y1="${n(y(c.reference.y))}" x2="${PLOT.right}" y2="${n(y(c.reference.y))}" stroke="#333333" stroke-width="1.5" stroke-dasharray="5 3"><title>${escapeXml(`${c.reference.name}: ${fmt(c.reference.y)} ${c.yUnit}`)}</title></line>`,
    );
  }
  for (const [i, s] of c.series.entries()) {
    const points = [...s.points].sort((a, b) => a.x - b.x);
    body.push(
      `<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${color(i)}" stroke-width="1.6" points="${points.map((p) => `${n(x(p.x))},${n(y(p.y))}`).join(" ")}"/>`,
    );
  }
  for (const m of c.markers ?? []) {
    body.push(
      `<line class="marker" x1="${n(x(m.x))}" y1="${PLOT.top}" x2="${n(x(m.x))}" y2="${PLOT.bottom}" stroke="${color(m.series)}" stroke-width="1.2" stroke-dasharray="2 3"/>`,
      `<text x="${n(x(m.x) - 4)}" y="${PLOT.top + 12 + 14 * m.series}" text-anchor="end" font-size="11" fill="${color(m.series)}">${escapeXml(m.label)}</text>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} role="img" aria-label="${escapeXml(c.title)}">`,
    `<title>${escapeXml(c.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="17" font-weight="600" fill="#111111">${escapeXml(c.title)}</text>`,
    `<text x="${WIDTH / 2}" y="50" text-anchor="middle" font-size="12" fill="#555555">${escapeXml(c.subtitle)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

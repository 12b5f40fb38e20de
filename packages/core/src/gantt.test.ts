import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CopyTiming, mermaidText, renderGantt } from "./gantt";

const T0 = Date.UTC(2026, 10, 24, 7, 0, 0);
const copy = (name: string, startS: number, endS: number, method = "$out"): CopyTiming => ({
  name,
  method,
  startMs: T0 + startS * 1000,
  endMs: T0 + endS * 1000,
});

/** The task lines of a chart: [name, data] pairs, as the Gantt lexer splits them (at the first colon). */
function tasks(chart: string): [string, string][] {
  return chart
    .split("\n")
    .filter((l) => l.startsWith("    "))
    .map((l) => {
      const i = l.indexOf(":");
      return [l.slice(4, i).trim(), l.slice(i + 1).trim()];
    });
}

const decode = (s: string) => s.replace(/#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

describe("renderGantt", () => {
  const copies = [
    copy("pmStudy", 0, 6.5),
    copy("pmProject", 0, 1.2),
    copy("capped log", 0.1, 0.4, "client copy (capped)"),
    copy("pmInvestigator", 1.2, 2),
  ];

  it("is a fenced mermaid gantt block with epoch-millisecond dates and a clock axis", () => {
    const chart = renderGantt(copies);
    const lines = chart.split("\n");
    expect(lines[0]).toBe("```mermaid");
    expect(lines[1]).toBe("gantt");
    expect(lines).toContain("  dateFormat x");
    expect(lines).toContain("  axisFormat %H:%M:%S");
    expect(lines[lines.length - 1]).toBe("```");
  });

  it("draws one bar per copy from its start to its end, grouped by method, in order of start", () => {
    const chart = renderGantt(copies);
    expect(chart.split("\n").filter((l) => l.startsWith("  section "))).toEqual([
      "  section $out",
      "  section client copy (capped)",
    ]);
    // Started together: the longer one first, as the restore starts the largest first.
    expect(tasks(chart)).toEqual([
      ["pmStudy", `crit, ${T0}, ${T0 + 6500}`],
      ["pmProject", `${T0}, ${T0 + 1200}`],
      ["pmInvestigator", `${T0 + 1200}, ${T0 + 2000}`],
      ["capped log", `${T0 + 100}, ${T0 + 400}`],
    ]);
  });

  it("marks the copy that finished last as critical, and only that one", () => {
    const chart = renderGantt([copy("a", 0, 3), copy("b", 0, 2), copy("c", 2, 3.5)]);
    expect(tasks(chart).filter(([, data]) => data.startsWith("crit"))).toEqual([
      ["c", `crit, ${T0 + 2000}, ${T0 + 3500}`],
    ]);
  });

  it("shows the 30 longest of more than 30 copies and says how many were left out", () => {
    const many = Array.from({ length: 42 }, (_, i) => copy(`c${i}`, i, i + 1 + (i % 7) * 0.1 + i / 1000));
    const chart = renderGantt(many);
    const shown = tasks(chart).map(([name]) => name);
    expect(shown).toHaveLength(30);
    const longest = [...many]
      .sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs))
      .slice(0, 30)
      .map((c) => c.name);
    expect(new Set(shown)).toEqual(new Set(longest));
    expect(chart.endsWith("```\n\n12 shorter copies are not shown (the 30 longest are).")).toBe(true);
    expect(renderGantt(many.slice(0, 30))).not.toMatch(/not shown/);
    expect(renderGantt(many.slice(0, 31))).toMatch(/\n1 shorter copy is not shown/);
  });

  it("never draws a bar that ends before it starts", () => {
    expect(tasks(renderGantt([copy("clock skew", 2, 1)]))).toEqual([
      ["clock skew", `crit, ${T0 + 2000}, ${T0 + 2000}`],
    ]);
  });
});

describe("mermaidText", () => {
  it("turns the characters Mermaid treats specially into entity codes", () => {
    expect(mermaidText("a:b#c;d%e")).toBe("a#58;b#35;c#59;d#37;e");
    expect(mermaidText("two\nlines\r\nhere")).toBe("two lines here");
    expect(mermaidText("#35;")).toBe("#35;35#59;");
  });

  it("keeps a name that starts like a Gantt statement from becoming one", () => {
    expect(mermaidText("section 1")).toBe("#115;ection 1");
    expect(mermaidText("Title page")).toBe("#84;itle page");
    expect(mermaidText("2026-11-24 logs")).toBe("#50;026-11-24 logs");
    expect(mermaidText("sections")).toBe("#115;ections");
    expect(mermaidText("pmStudy")).toBe("pmStudy");
  });

  it("gives back the name, and never a raw special character, for any name", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (name) => {
        const text = mermaidText(name);
        expect(text.replace(/#\d+;/g, "")).not.toMatch(/[#:;%\n\r]/);
        const flat = name.replace(/[\r\n\t]+/g, " ").trim();
        expect(decode(text)).toBe(flat || "(unnamed)");
      }),
    );
  });
});

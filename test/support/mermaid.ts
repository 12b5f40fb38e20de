/**
 * Mermaid's own parser, as GitHub runs it, for tests. Mermaid sanitises labels with DOMPurify,
 * which needs a DOM: a test file importing this starts with `// @vitest-environment jsdom`.
 */
import mermaid from "mermaid";

/** The body of every ```mermaid fenced block in a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

/** The diagram's type, or the parser's error. */
export async function parseMermaid(text: string): Promise<string> {
  const result = await mermaid.parse(text);
  if (!result) throw new Error("mermaid.parse rejected the diagram");
  return result.diagramType;
}

/**
 * Text as Mermaid draws it: entity codes (`#58;`) come out of the parser as placeholders that
 * rendering turns into character references, which the browser shows as the character.
 */
function drawnText(parsed: string): string {
  return parsed
    .replace(/ﬂ°°/g, "&#")
    .replace(/ﬂ°/g, "&")
    .replace(/¶ß/g, ";")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .trim();
}

export interface ParsedTask {
  name: string;
  section: string;
  start: number;
  end: number;
  crit: boolean;
}

/** The tasks of a Gantt chart as Mermaid resolves them (names, sections, dates in epoch ms). */
export async function ganttTasks(text: string): Promise<ParsedTask[]> {
  if ((await parseMermaid(text)) !== "gantt") throw new Error("not a gantt chart");
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getTasks(): { task: string; section: string; startTime: Date; endTime: Date; crit?: boolean }[];
  };
  return db.getTasks().map((t) => ({
    name: drawnText(t.task),
    section: drawnText(t.section),
    start: t.startTime.getTime(),
    end: t.endTime.getTime(),
    crit: Boolean(t.crit),
  }));
}

export interface ParsedEdge {
  from: string;
  to: string;
  label: string;
}

/** The transitions of a state diagram as Mermaid reads them. */
export async function stateEdges(text: string): Promise<ParsedEdge[]> {
  if ((await parseMermaid(text)) !== "stateDiagram") throw new Error("not a state diagram");
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getData(): { edges: { start: string; end: string; label?: string }[] };
  };
  return db.getData().edges.map((e) => ({ from: e.start, to: e.end, label: e.label ?? "" }));
}

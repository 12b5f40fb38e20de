/**
 * The import graph of the repository's TypeScript sources and its cycles (`tsx scripts/import-cycles.ts`
 * prints them; test/import-cycles.test.ts fails on any). Type-only imports count: a cycle through
 * types still ties two modules together, and the bundles' lazy chunks rely on one-way imports.
 *
 * It uses the TypeScript compiler's own import scanner (`preProcessFile`), already a dev
 * dependency: it sees static, type-only, re-export and dynamic imports and ignores comments and
 * strings, and `@pr-snapshots/core/*` resolves exactly as packages/core's `exports` map says.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const SOURCE_DIRS = ["actions", "packages", "test", "scripts", "bench", "demo"];
const SKIP = new Set(["node_modules", "dist", ".cache", "results"]);
const CORE_ALIAS = "@pr-snapshots/core/";

export type ImportGraph = Map<string, string[]>;

/** Every .ts file under the source directories (paths relative to `root`, "/" separated). */
export function sourceFiles(root: string, dirs: readonly string[] = SOURCE_DIRS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (SKIP.has(entry.name) || entry.name.startsWith(".")) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  for (const dir of dirs) if (existsSync(path.join(root, dir))) walk(dir);
  return out.sort();
}

/** The file a specifier names, or undefined for a package outside the repository. */
export function resolveImport(root: string, from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith(CORE_ALIAS)) base = `packages/core/src/${specifier.slice(CORE_ALIAS.length)}`;
  else if (specifier.startsWith(".")) base = path.posix.join(path.posix.dirname(from), specifier);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    const abs = path.join(root, candidate);
    if (candidate.endsWith(".ts") && existsSync(abs) && statSync(abs).isFile()) return candidate;
  }
  return undefined;
}

export function importGraph(root: string, files: readonly string[] = sourceFiles(root)): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const text = readFileSync(path.join(root, file), "utf8");
    const imports = ts
      .preProcessFile(text, true, true)
      .importedFiles.map((f) => resolveImport(root, file, f.fileName))
      .filter((f): f is string => f !== undefined);
    graph.set(file, [...new Set(imports)].sort());
  }
  return graph;
}

/**
 * Each cycle as a path that starts and ends at the same file: one per strongly connected
 * component with more than one file (or a file importing itself), found with Tarjan's algorithm.
 */
export function findCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, indices.get(w) ?? 0));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
        if (w === v) break;
      }
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) visit(v);
  return components.map((c) => cyclePath(graph, c));
}

/** A shortest path from the component's first file back to itself, through the component only. */
function cyclePath(graph: ImportGraph, component: readonly string[]): string[] {
  const start = component[0] as string;
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift() as string;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const route = [v];
        while (route[0] !== start) route.unshift(previous.get(route[0] as string) as string);
        return [...route, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
  const cycles = findCycles(importGraph(root));
  for (const c of cycles) console.log(c.join(" → "));
  console.log(cycles.length ? `${cycles.length} import cycle(s)` : "no import cycles");
  process.exitCode = cycles.length ? 1 : 0;
}

/**
 * `pnpm bench:charts [bench/results/<date>.json]`: draws the charts of a finished benchmark run
 * again (default: the latest), next to its results. `pnpm bench` draws them itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeBenchCharts } from "./lib/chart";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
const file =
  process.argv[2] ??
  path.join(
    dir,
    readdirSync(dir)
      .filter((f) => /^\d{4}-\d\d-\d\d\.json$/.test(f))
      .sort()
      .at(-1) ?? "",
  );
const stamp = path.basename(file, ".json");
const links = writeBenchCharts(JSON.parse(readFileSync(file, "utf8")), path.dirname(file), stamp);
console.log(links.filter(Boolean).join("\n"));

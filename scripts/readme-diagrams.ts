/** `pnpm diagrams`: rewrites the README's generated blocks (see readme-blocks.ts). */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshReadme } from "./readme-blocks";

const readmePath = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "README.md");
const before = readFileSync(readmePath, "utf8");
const after = freshReadme(before);
if (after === before) {
  console.log("README.md is up to date.");
} else {
  writeFileSync(readmePath, after);
  console.log("README.md: generated blocks rewritten.");
}

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";

describe("scripts/check-dist.sh", () => {
  it("looks at the files inside every dist/ (its pathspec is not vacuous)", () => {
    const script = readFileSync(path.join(repoRoot, "scripts/check-dist.sh"), "utf8");
    const pathspecs = [...script.matchAll(/'(:\(glob\)[^']+)'/g)].map((m) => m[1] ?? "");
    expect(pathspecs.length).toBeGreaterThan(0);
    const files = execFileSync("git", ["ls-files", "--", ...pathspecs], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    for (const action of [
      "detect-labels",
      "enforce-lock",
      "restore-snapshot",
      "post-preview-comment",
      "trigger-producer",
      "sweep-databases",
    ]) {
      expect(files).toContain(`actions/${action}/dist/index.js`);
    }
    expect(files).toContain("packages/cli/dist/index.js");
    expect(files.some((f) => /\/dist\/\d+\.index\.js$/.test(f))).toBe(true);
  });

  it("lazy chunks have content-derived ids (no webpack ids that change between builds)", () => {
    const files = execFileSync("git", ["ls-files", "--", ":(glob)actions/*/dist/*.index.js"], {
      cwd: repoRoot,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean);
    for (const f of files) expect(path.basename(f), f).toMatch(/^\d{5}\.index\.js$/);
  });

  it("renames lazy chunks and every reference to them, also a lone chunk's (chunk-name comment inside the call)", () => {
    const dist = mkdtempSync(path.join(tmpdir(), "chunks-"));
    const chunk = (id: number, body: string) =>
      writeFileSync(
        path.join(dist, `${id}.index.js`),
        `export const id = ${id};\nexport const ids = [${id}];\n${body}\n`,
      );
    chunk(897, "export const modules = { 5108: 'contents' };");
    chunk(12, "export const modules = { 4268: 'config' };");
    chunk(34, "export const modules = { 4269: 'yaml' };");
    // A lazy chunk that loads another lazily refers to it with webpack's own name for the loader.
    chunk(56, "await __webpack_require__.e(/* import() | person-names */ 78).then(load);");
    chunk(78, "export const modules = { 4270: 'names' };");
    writeFileSync(
      path.join(dist, "index.js"),
      [
        "await __nccwpck_require__.e(/* import() | contents */ 897).then(load);",
        "await Promise.all(/* import() | config */[__nccwpck_require__.e(12), __nccwpck_require__.e(34)]).then(load);",
      ].join("\n"),
    );
    execFileSync(process.execPath, [path.join(repoRoot, "scripts/stable-chunk-ids.mjs"), dist]);
    const main = readFileSync(path.join(dist, "index.js"), "utf8");
    const referenced = [...main.matchAll(/__nccwpck_require__\.e\((?:\/\*[^*]*\*\/ )?(\d+)\)/g)].map(
      (m) => m[1],
    );
    expect(referenced).toHaveLength(3);
    expect(main).toContain("/* import() | contents */");
    const files = readdirSync(dist).filter((f) => f !== "index.js");
    // Every reference, from the main file or from a chunk, names a chunk file that exists.
    const everywhere = [main, ...files.map((f) => readFileSync(path.join(dist, f), "utf8"))].flatMap((t) =>
      [...t.matchAll(/__(?:nccwpck|webpack)_require__\.e\((?:\/\*[^*]*\*\/ )?(\d+)\)/g)].map((m) => m[1]),
    );
    expect(everywhere).toHaveLength(4);
    for (const id of everywhere)
      expect(existsSync(path.join(dist, `${id}.index.js`)), `chunk ${id}`).toBe(true);
    expect(files).toHaveLength(5);
    for (const f of files) expect(f).toMatch(/^\d{5}\.index\.js$/);
    for (const id of referenced) {
      expect(id).toMatch(/^\d{5}$/);
      expect(existsSync(path.join(dist, `${id}.index.js`))).toBe(true);
    }
  });
});

describe("start-up: bundles load the MongoDB driver only when they connect", () => {
  // detect-labels never connects; the others connect only on some paths (mongodb-uri given,
  // direct mode), so the driver must stay in a lazy chunk. A stray import of "mongodb" in code
  // that every run loads (settings, config, masking rules) would put it back in the main chunk.
  it.each(["detect-labels", "enforce-lock", "post-preview-comment", "trigger-producer"])("%s", (action) => {
    const main = readFileSync(path.join(repoRoot, "actions", action, "dist", "index.js"), "utf8");
    expect(main).not.toContain("class MongoClient");
  });
});

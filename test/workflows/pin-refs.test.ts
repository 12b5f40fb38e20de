import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";

const SHA = /^[0-9a-f]{40}$/;
const RELEASE = "0123456789abcdef0123456789abcdef01234567";

/** Every `uses:` of the workflows and examples in a tree: file, the reference, and the rest of the line. */
function usesIn(root: string): { file: string; target: string; ref: string; comment: string }[] {
  const files = [".github/workflows", "examples"].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
      .map((d) => path.join(d.parentPath, d.name)),
  );
  return files.flatMap((file) =>
    [
      ...readFileSync(file, "utf8").matchAll(/^[\s-]*uses:\s*["']?([^@\s"']+)@([^\s"'#]+)["']?\s*(#.*)?$/gm),
    ].map((m) => ({
      file: path.relative(root, file),
      target: m[1] ?? "",
      ref: m[2] ?? "",
      comment: m[3] ?? "",
    })),
  );
}

function releasedTree(...args: string[]): string {
  const copy = mkdtempSync(path.join(tmpdir(), "pin-"));
  for (const dir of ["scripts", ".github", "examples"])
    cpSync(path.join(repoRoot, dir), path.join(copy, dir), { recursive: true });
  execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), ...args], { stdio: "pipe" });
  return copy;
}

describe("scripts/pin-refs.sh (release step)", () => {
  it("a released tree references no moving ref: every uses: is a full commit SHA", () => {
    const released = usesIn(releasedTree("v2.0.1", RELEASE));
    expect(released.length).toBeGreaterThanOrEqual(12);
    for (const u of released) expect(u.ref, `${u.file}: ${u.target}@${u.ref}`).toMatch(SHA);
    // This repository's actions and reusable workflows: the release commit, the tag in a comment.
    const ours = released.filter((u) => u.target.startsWith("pr-snapshots/pr-snapshots/"));
    expect(new Set(ours.map((u) => u.file))).toEqual(
      new Set([
        ".github/workflows/pr-preview.yml",
        ".github/workflows/snapshot-on-demand.yml",
        ".github/workflows/pr-databases-sweep.yml",
        "examples/typical/preview.yml",
        "examples/typical/snapshot.yml",
        "examples/typical/sweep.yml",
        "examples/gitops-argocd/preview.yml",
      ]),
    );
    for (const u of ours) expect(`${u.ref} ${u.comment}`).toBe(`${RELEASE} # v2.0.1`);
  });

  it("in the source tree, only this repository's own references are tags (placeholders the release pins)", () => {
    const moving = usesIn(repoRoot).filter((u) => !SHA.test(u.ref));
    expect(moving.length).toBeGreaterThan(0);
    for (const u of moving) expect(u.target, u.file).toMatch(/^pr-snapshots\/pr-snapshots\//);
    // Third-party actions carry their version in a comment next to the SHA.
    for (const u of usesIn(repoRoot).filter((x) => SHA.test(x.ref)))
      expect(u.comment, `${u.file}: ${u.target}`).toMatch(/^# v\d/);
  });

  it("pins to this checkout's HEAD by default, and refuses a bad tag or a short SHA", () => {
    const copy = mkdtempSync(path.join(tmpdir(), "pin-head-"));
    for (const dir of ["scripts", ".github", "examples"])
      cpSync(path.join(repoRoot, dir), path.join(copy, dir), { recursive: true });
    const git = (...a: string[]) =>
      execFileSync("git", a, {
        cwd: copy,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: copy,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_AUTHOR_NAME: "r",
          GIT_AUTHOR_EMAIL: "r@example.com",
          GIT_COMMITTER_NAME: "r",
          GIT_COMMITTER_EMAIL: "r@example.com",
        },
      })
        .toString()
        .trim();
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "release candidate");
    const head = git("rev-parse", "HEAD");
    execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), "v3.0.0"], { stdio: "pipe" });
    const ours = usesIn(copy).filter((u) => u.target.startsWith("pr-snapshots/pr-snapshots/"));
    for (const u of ours) expect(`${u.ref} ${u.comment}`).toBe(`${head} # v3.0.0`);
    // Running it again (a second release from the pinned tree) replaces the pin and the comment.
    execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), "v3.0.1", RELEASE], { stdio: "pipe" });
    for (const u of usesIn(copy).filter((x) => x.target.startsWith("pr-snapshots/pr-snapshots/")))
      expect(`${u.ref} ${u.comment}`).toBe(`${RELEASE} # v3.0.1`);
    for (const bad of [
      ["v1; rm -rf /", RELEASE],
      ["v1", "abc123"],
      ["v1", `${RELEASE}0`],
    ])
      expect(() =>
        execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), ...bad], { stdio: "pipe" }),
      ).toThrow();
  });
});

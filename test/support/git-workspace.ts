import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A workspace as actions/checkout leaves it: a git repository with one commit holding `files`. */
export function gitCheckout(files: Record<string, string>, branch = "main"): { dir: string; sha: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "checkout-"));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: dir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    })
      .toString()
      .trim();
  git("init", "-q", "-b", branch);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "checkout");
  return { dir, sha: git("rev-parse", "HEAD") };
}

import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The commit a checkout in the workspace is at, read from its git files the way git itself
 * resolves HEAD (no git process: container jobs may not have one). The nearest `.git` above the
 * file wins, so a second repository checked out into a subdirectory answers for its own files.
 * Handles a `.git` directory or a `gitdir:` file (worktrees, submodules), a detached HEAD or a
 * branch, loose refs and packed-refs.
 */
export interface CheckoutHead {
  sha?: string;
  /** Why the commit is unknown. */
  why?: string;
}

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const REF_NAME = /^refs\/[A-Za-z0-9._/-]+$/;

export function checkoutHead(workspace: string, file: string): CheckoutHead {
  const root = path.resolve(workspace);
  let dir = path.dirname(path.resolve(root, file));
  for (;;) {
    const dotGit = path.join(dir, ".git");
    if (existsSync(dotGit)) return resolveHead(dir, dotGit);
    if (dir === root || !dir.startsWith(root)) return { why: "the workspace is not a git checkout" };
    dir = path.dirname(dir);
  }
}

function resolveHead(worktree: string, dotGit: string): CheckoutHead {
  try {
    let gitDir = dotGit;
    if (statSync(dotGit).isFile()) {
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"))?.[1]?.trim();
      if (!pointer) return { why: `${dotGit} is neither a directory nor a gitdir: file` };
      gitDir = path.resolve(worktree, pointer);
    }
    const commonFile = path.join(gitDir, "commondir");
    const commonDir = existsSync(commonFile)
      ? path.resolve(gitDir, readFileSync(commonFile, "utf8").trim())
      : gitDir;
    const head = readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
    if (OBJECT_ID.test(head)) return { sha: head };
    const ref = /^ref: (.+)$/.exec(head)?.[1]?.trim();
    if (!ref || !REF_NAME.test(ref) || ref.split("/").includes(".."))
      return { why: `HEAD holds "${head.slice(0, 80)}"` };
    for (const base of [gitDir, commonDir]) {
      const loose = path.join(base, ref);
      if (existsSync(loose)) {
        const sha = readFileSync(loose, "utf8").trim();
        return OBJECT_ID.test(sha) ? { sha } : { why: `${ref} holds "${sha.slice(0, 80)}"` };
      }
    }
    const packed = path.join(commonDir, "packed-refs");
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, "utf8").split("\n")) {
        const [sha, name] = line.trim().split(" ");
        if (name === ref && sha && OBJECT_ID.test(sha)) return { sha };
      }
    }
    return { why: `HEAD is ${ref}, which has no commit yet` };
  } catch (error) {
    return { why: `its git files could not be read (${(error as Error).message})` };
  }
}

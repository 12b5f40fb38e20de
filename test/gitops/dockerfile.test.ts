import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/mongod";

/**
 * The command line's image (examples/gitops-argocd/k8s/Dockerfile), checked statically: no
 * Docker engine runs where these tests run, so the build itself is not tested here.
 */

interface Instruction {
  name: string;
  args: string;
}

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = "";
    const m = /^([A-Za-z]+)\s+(.*)$/s.exec(full);
    if (m?.[1] && m[2] !== undefined) out.push({ name: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

const file = path.join(repoRoot, "examples/gitops-argocd/k8s/Dockerfile");
const instructions = parseDockerfile(readFileSync(file, "utf8"));
const all = (name: string) => instructions.filter((i) => i.name === name);
const index = (name: string) => instructions.findIndex((i) => i.name === name);

describe("the CLI image's Dockerfile", () => {
  it("builds on one pinned node 24 slim release (a digest may follow)", () => {
    expect(all("FROM").map((i) => i.args)).toEqual([
      expect.stringMatching(/^node:24\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/),
    ]);
  });

  it("copies the committed bundle and runs it with node", () => {
    expect(all("COPY").map((i) => i.args)).toEqual(["packages/cli/dist/ /opt/pr-snapshots/"]);
    expect(existsSync(path.join(repoRoot, "packages/cli/dist/index.js"))).toBe(true);
    expect(all("ENTRYPOINT").map((i) => JSON.parse(i.args))).toEqual([
      ["node", "/opt/pr-snapshots/index.js"],
    ]);
    expect(all("RUN")).toEqual([]);
    // The build context is the repository root; .dockerignore sends only the bundle.
    const ignore = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"));
    expect(ignore).toEqual(["*", "!packages/cli/dist/"]);
  });

  it("runs as the non-root user node (uid 1000), switched to after the files are in place", () => {
    const users = all("USER").map((i) => i.args);
    expect(users.at(-1)).toMatch(/^(node|1000)(:(node|1000))?$/);
    expect(index("USER")).toBeGreaterThan(index("COPY"));
    expect(instructions.findLastIndex((i) => i.name === "USER")).toBeGreaterThan(
      instructions.findLastIndex((i) => i.name === "COPY" || i.name === "ADD"),
    );
  });

  it("holds no secrets: no ARG or ENV that could carry a connection string, password or token", () => {
    for (const i of [...all("ARG"), ...all("ENV")]) {
      expect(i.args, `${i.name} ${i.args}`).not.toMatch(/uri|password|passwd|secret|token|key|mongodb:\/\//i);
    }
    expect(readFileSync(file, "utf8")).not.toMatch(/mongodb(\+srv)?:\/\/\S+@/);
  });
});

describe("the Dockerfile checks fail on what they guard against (negative controls)", () => {
  it("an unpinned base, a root image, a secret in ENV", () => {
    const parsed = parseDockerfile(
      'FROM node:24-slim\nENV MONGODB_URI=mongodb://u:p@h \\\n  OTHER=1\nCOPY packages/cli/dist/ /opt/pr-snapshots/\nENTRYPOINT ["node", "/opt/pr-snapshots/index.js"]\n',
    );
    expect(parsed.find((i) => i.name === "FROM")?.args).not.toMatch(/^node:24\.\d+\.\d+-/);
    expect(parsed.some((i) => i.name === "USER")).toBe(false);
    expect(parsed.find((i) => i.name === "ENV")?.args).toMatch(/uri/i);
  });
});

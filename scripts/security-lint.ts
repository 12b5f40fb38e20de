/**
 * zizmor (auditor persona, offline) and actionlint (with shellcheck) over what callers run: the
 * reusable workflows, the actions' metadata and the example workflows, in a copy of the tree where
 * scripts/pin-refs.sh has pinned this repository's own references as a release does (in the source
 * tree they are `@v1` placeholders; test/workflows/pin-refs.test.ts covers the rewrite itself), plus
 * this repository's own CI workflow.
 *
 * Every finding fails the run unless .ci/security-allowlist.yml lists it with a reason, and an
 * allow-list entry that matches no finding fails it too, so the list cannot outlive its reason.
 *
 *   tsx scripts/security-lint.ts --zizmor <bin> --actionlint <bin> --shellcheck <bin>
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const ALLOWLIST = ".ci/security-allowlist.yml";

export interface Finding {
  tool: "zizmor" | "actionlint";
  rule: string;
  file: string;
  line: number;
  message: string;
}

export interface AllowEntry {
  tool: Finding["tool"];
  rule: string;
  files: string[];
  /** A part of the message, when the rule alone is too broad. */
  message?: string;
  reason: string;
}

export function readAllowlist(text: string): AllowEntry[] {
  const raw = parse(text) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${ALLOWLIST}: expected a list of entries`);
  return raw.map((e, i) => {
    const entry = e as Partial<AllowEntry> & { file?: string };
    const files = entry.files ?? (entry.file ? [entry.file] : []);
    if (
      (entry.tool !== "zizmor" && entry.tool !== "actionlint") ||
      !entry.rule ||
      files.length === 0 ||
      typeof entry.reason !== "string" ||
      entry.reason.trim().length < 20
    )
      throw new Error(
        `${ALLOWLIST} entry ${i + 1}: needs tool (zizmor or actionlint), rule, file(s) and a reason of a sentence or more`,
      );
    return {
      tool: entry.tool,
      rule: entry.rule,
      files,
      ...(entry.message ? { message: entry.message } : {}),
      reason: entry.reason,
    };
  });
}

export function allows(entry: AllowEntry, f: Finding): boolean {
  return (
    entry.tool === f.tool &&
    entry.rule === f.rule &&
    entry.files.includes(f.file) &&
    (entry.message === undefined || f.message.includes(entry.message))
  );
}

/** Findings no entry allows, and entries that allow nothing. */
export function judge(findings: Finding[], entries: AllowEntry[]): { open: Finding[]; unused: AllowEntry[] } {
  return {
    open: findings.filter((f) => !entries.some((e) => allows(e, f))),
    unused: entries.filter((e) => !findings.some((f) => allows(e, f))),
  };
}

function workflowsIn(dir: string, base: string): string[] {
  return readdirSync(path.join(base, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
    .map((d) => path.relative(base, path.join(d.parentPath, d.name)))
    .filter((f) => /^jobs:/m.test(readFileSync(path.join(base, f), "utf8")));
}

/** The tree as a release ships it. */
function releasedCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), "security-lint-"));
  for (const dir of [".github", "examples", "scripts"])
    cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
  for (const action of readdirSync(path.join(root, "actions"))) {
    const file = path.join(root, "actions", action, "action.yml");
    try {
      readFileSync(file);
    } catch {
      continue;
    }
    mkdirSync(path.join(copy, "actions", action), { recursive: true });
    cpSync(file, path.join(copy, "actions", action, "action.yml"));
  }
  let sha = "0".repeat(40);
  try {
    sha = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a git checkout: any full SHA will do for the audit
  }
  execFileSync("bash", [path.join(copy, "scripts/pin-refs.sh"), "security-lint", sha], { stdio: "pipe" });
  return copy;
}

function runZizmor(bin: string, cwd: string, files: string[]): Finding[] {
  const r = spawnSync(bin, ["--offline", "--no-config", "--persona=auditor", "--format=json", ...files], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // zizmor exits 1 on an error, and 10-14 when it reports findings (by severity).
  if (r.status !== 0 && (r.status ?? 0) < 10)
    throw new Error(`zizmor failed (exit ${r.status}):\n${r.stderr}`);
  const results = JSON.parse(r.stdout || "[]") as {
    ident: string;
    desc: string;
    locations: {
      symbolic: { key: { Local?: { verbatim_path: string } }; kind: string; annotation: string };
      concrete: { location: { start_point: { row: number } } };
    }[];
  }[];
  return results.map((z) => {
    const primary = z.locations.find((l) => l.symbolic.kind === "Primary") ?? z.locations[0];
    return {
      tool: "zizmor",
      rule: z.ident,
      file: primary?.symbolic.key.Local?.verbatim_path ?? "?",
      line: (primary?.concrete.location.start_point.row ?? 0) + 1,
      message: `${z.desc}: ${primary?.symbolic.annotation ?? ""}`,
    };
  });
}

function runActionlint(bin: string, shellcheck: string, cwd: string, files: string[]): Finding[] {
  const r = spawnSync(bin, ["-format", "{{json .}}", "-shellcheck", shellcheck, ...files], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // actionlint exits 1 when it found problems, 2 or 3 when it could not run.
  if (r.status !== 0 && r.status !== 1) throw new Error(`actionlint failed (exit ${r.status}):\n${r.stderr}`);
  const errors = JSON.parse(r.stdout.trim() || "[]") as {
    filepath: string;
    line: number;
    kind: string;
    message: string;
  }[];
  return errors.map((e) => ({
    tool: "actionlint",
    rule: e.kind,
    file: e.filepath,
    line: e.line,
    message: e.message,
  }));
}

function main(): number {
  const { values } = parseArgs({
    options: { zizmor: { type: "string" }, actionlint: { type: "string" }, shellcheck: { type: "string" } },
  });
  if (!values.zizmor || !values.actionlint || !values.shellcheck)
    throw new Error(
      "usage: tsx scripts/security-lint.ts --zizmor <bin> --actionlint <bin> --shellcheck <bin>",
    );
  const entries = readAllowlist(readFileSync(path.join(root, ALLOWLIST), "utf8"));
  const copy = releasedCopy();
  try {
    const workflows = [...workflowsIn(".github/workflows", copy), ...workflowsIn("examples", copy)];
    const actions = readdirSync(path.join(copy, "actions")).map((a) => `actions/${a}/action.yml`);
    console.log(
      `security-lint: ${workflows.length} workflows, ${actions.length} action.yml files (our own uses: pinned as a release pins them)`,
    );
    const findings = [
      ...runZizmor(values.zizmor, copy, [...workflows, ...actions]),
      ...runActionlint(values.actionlint, values.shellcheck, copy, workflows),
    ];
    const { open, unused } = judge(findings, entries);
    for (const f of findings.filter((x) => !open.includes(x)))
      console.log(`  allowed  ${f.tool} ${f.rule} ${f.file}:${f.line}`);
    for (const f of open) console.log(`  FINDING  ${f.tool} ${f.rule} ${f.file}:${f.line}: ${f.message}`);
    for (const e of unused)
      console.log(
        `  STALE    ${ALLOWLIST}: ${e.tool} ${e.rule} ${e.files.join(", ")} matches no finding any more: remove it`,
      );
    console.log(
      `security-lint: ${findings.length} finding(s), ${findings.length - open.length} allowed with a reason, ${open.length} open, ${unused.length} stale allow-list entr${unused.length === 1 ? "y" : "ies"}`,
    );
    return open.length || unused.length ? 1 : 0;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  process.exitCode = main();

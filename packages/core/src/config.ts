import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { UserError } from "./errors";
import { illegalDatabaseName, PREFIX_PATTERN } from "./names";

export const DEFAULT_CONFIG_PATH = ".github/pr-snapshots.yml";

const labelName = z.string().trim().min(1).max(50);
const databaseName = z.string().superRefine((name, ctx) => {
  const why = illegalDatabaseName(name);
  if (why)
    ctx.addIssue({ code: "custom", message: `"${name}" is not a valid MongoDB database name: ${why}` });
});
const regexSource = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `"${source}" is not a valid regular expression (${(error as Error).message})`,
    });
  }
});
const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const configSchema = z.strictObject({
  dbPrefix: z.string().regex(PREFIX_PATTERN, `must match ${PREFIX_PATTERN.source}, e.g. "myapp"`).optional(),
  labels: z
    .strictObject({
      preview: labelName.optional(),
      snapshot: labelName.optional(),
      lock: labelName.optional(),
    })
    .optional(),
  snapshotDatabase: databaseName.optional(),
  sourceDatabase: databaseName.optional(),
  collections: z
    .strictObject({
      include: z.array(z.string().min(1)).optional(),
      exclude: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  allowedTargets: z.array(regexSource).optional(),
  protectedDatabases: z.array(databaseName).optional(),
  comment: z
    .strictObject({
      namespace: z.string().min(1).optional(),
      urls: z.array(z.strictObject({ name: z.string().min(1), url: z.string().min(1) })).optional(),
    })
    .optional(),
  restore: z
    .strictObject({
      concurrency: int(1, 64).optional(),
      waitTimeoutSeconds: int(0, 86_400).optional(),
      pollIntervalSeconds: int(1, 3_600).optional(),
    })
    .optional(),
  producer: z
    .strictObject({
      concurrency: int(1, 64).optional(),
      retain: int(0, 20).optional(),
      graceSeconds: int(0, 7 * 86_400).optional(),
      maxShrinkPercent: int(0, 100).optional(),
    })
    .optional(),
});

export type Config = z.infer<typeof configSchema>;

export interface LoadedConfig {
  config: Config;
  /** The file read, or undefined when none was found at the default location. */
  file?: string;
}

/**
 * Reads the optional config file. An explicitly named file must exist; the default
 * location is optional. Unknown keys and wrong types are errors that name the key.
 */
export function loadConfig(explicitPath: string | undefined, workspace = defaultWorkspace()): LoadedConfig {
  const relative = explicitPath ?? DEFAULT_CONFIG_PATH;
  const file = path.resolve(workspace, relative);
  if (!existsSync(file)) {
    if (explicitPath !== undefined) {
      throw new UserError(
        `Config file "${relative}" (input "config") does not exist in ${workspace}. ` +
          `Check the path, or leave the input empty to use ${DEFAULT_CONFIG_PATH} when present.`,
      );
    }
    return { config: {} };
  }
  return { config: parseConfig(readFileSync(file, "utf8"), relative), file: relative };
}

export function parseConfig(text: string, label = DEFAULT_CONFIG_PATH): Config {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first?.linePos?.[0]
      ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : "";
    throw new UserError(`Config file ${label} is not valid YAML${where}: ${first?.message.split("\n")[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => describeIssue(issue, data));
    throw new UserError(
      `Config file ${label} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}\n` +
        `See the "Configuration" section of the README for the accepted keys.`,
    );
  }
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const key = issue.path.map(String).join(".");
  const at = key === "" ? "the top level" : `"${key}"`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const names = issue.keys.map((k) => `"${key ? `${key}.` : ""}${k}"`).join(", ");
      return `unknown key ${names} in ${at}`;
    }
    case "invalid_type": {
      const got = describeValue(valueAt(data, issue.path));
      return `${at} must be ${article(issue.expected)}, got ${got}`;
    }
    default:
      return `${at}: ${issue.message}`;
  }
}

function valueAt(data: unknown, keyPath: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of keyPath)
    v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a mapping";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function defaultWorkspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

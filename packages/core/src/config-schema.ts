/**
 * The config file's schema and parser (YAML + zod). Loaded only when a config file exists, so
 * that actions start faster without one.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { UserError } from "./errors";
import { illegalDatabaseName, PREFIX_PATTERN } from "./names";
import { REFRESH_POLICIES } from "./snapshot/refresh";

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
      refresh: z.enum(REFRESH_POLICIES).optional(),
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

export function parseConfig(text: string, label = ".github/pr-snapshots.yml"): Config {
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

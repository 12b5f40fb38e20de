/**
 * The config file's schema and parser (YAML + zod). Loaded only when a config file exists, so
 * that actions start faster without one.
 */
import { parseDocument } from "yaml";
import { z } from "zod";
import { UserError } from "./errors";
import { SERVER_LIMITS } from "./mongo/limit-names";
import { illegalDatabaseName, PREFIX_PATTERN } from "./names";
import { CONSISTENCY_SETTINGS } from "./snapshot/consistency";
import { REFRESH_POLICIES } from "./snapshot/refresh";
import { targetPatternProblem } from "./target-pattern";
import { THROTTLE_MODES } from "./throttle/modes";

const labelName = z.string().trim().min(1).max(50);
const databaseName = z.string().superRefine((name, ctx) => {
  const why = illegalDatabaseName(name);
  if (why)
    ctx.addIssue({ code: "custom", message: `"${name}" is not a valid MongoDB database name: ${why}` });
});
const regexSource = z.string().superRefine((source, ctx) => {
  const problem = targetPatternProblem(source);
  if (problem)
    ctx.addIssue({ code: "custom", message: `"${source}" cannot be an allowed target pattern: ${problem}` });
});
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** CONTRACT §7 strategies. Checked by hand so that each mistake gets a message that says how to fix it. */
export const NAMED_STRATEGIES = ["remove", "null", "redact", "email", "name", "phone", "hash"] as const;
const strategy = z.unknown().superRefine((value, ctx) => {
  if (typeof value === "string") {
    if (!(NAMED_STRATEGIES as readonly string[]).includes(value))
      ctx.addIssue({
        code: "custom",
        message: `unknown strategy "${value}": use one of ${NAMED_STRATEGIES.join(", ")}, { constant: <value> }, { expr: <aggregation expression> } or { password: { scheme: bcrypt } }`,
      });
    return;
  }
  if (value === null) {
    ctx.addIssue({
      code: "custom",
      message:
        'is empty (YAML null): to set the field to null write "null" in quotes, to drop it write remove',
    });
    return;
  }
  if (typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "password") {
      const problem = passwordProblem((value as { password: unknown }).password);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
      return;
    }
    if (keys.length === 1 && (keys[0] === "constant" || keys[0] === "expr")) {
      if (
        keys[0] === "expr" &&
        (typeof (value as { expr: unknown }).expr !== "object" || (value as { expr: unknown }).expr === null)
      )
        ctx.addIssue({
          code: "custom",
          message: '{ expr: ... } needs an aggregation expression object, e.g. { $round: ["$score", 0] }',
        });
      return;
    }
  }
  ctx.addIssue({
    code: "custom",
    message: `is not a strategy: use one of ${NAMED_STRATEGIES.join(", ")}, { constant: <value> }, { expr: <aggregation expression> } or { password: { scheme: bcrypt } }`,
  });
});
/** `{ password: { scheme: bcrypt, cost: 10 } }` or `{ password: { scheme: argon2id } }`: what is wrong, if anything. */
function passwordProblem(p: unknown): string | undefined {
  const usage =
    "write { password: { scheme: bcrypt, cost: 10 } } (cost 4-15), { password: { scheme: argon2id } } (optional memoryKiB, iterations, parallelism) or { password: { scheme: aspnet-identity } } (optional iterations)";
  if (!p || typeof p !== "object" || Array.isArray(p)) return `password needs its options: ${usage}`;
  const o = p as Record<string, unknown>;
  const allowed =
    o.scheme === "bcrypt"
      ? ["scheme", "cost"]
      : o.scheme === "argon2id"
        ? ["scheme", "memoryKiB", "iterations", "parallelism"]
        : o.scheme === "aspnet-identity"
          ? ["scheme", "iterations"]
          : undefined;
  if (!allowed)
    return `password.scheme must be bcrypt, argon2id or aspnet-identity, got ${JSON.stringify(o.scheme)}: ${usage}`;
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) return `password (${o.scheme}) does not take ${extra.join(", ")}: ${usage}`;
  const integer = (k: string, min: number, max: number) =>
    o[k] === undefined || (Number.isInteger(o[k]) && (o[k] as number) >= min && (o[k] as number) <= max)
      ? undefined
      : `password.${k} must be a whole number from ${min} to ${max}, got ${JSON.stringify(o[k])}`;
  return (
    integer("cost", 4, 15) ??
    integer("memoryKiB", 1_024, 1_048_576) ??
    (o.scheme === "aspnet-identity"
      ? integer("iterations", 10_000, 10_000_000)
      : integer("iterations", 1, 20)) ??
    integer("parallelism", 1, 16)
  );
}

const fieldPath = z.string().superRefine((path, ctx) => {
  const parts = path.split(".");
  if (parts.some((p) => p === ""))
    ctx.addIssue({ code: "custom", message: `"${path}" has an empty segment` });
  else if (parts.some((p) => p.startsWith("$")))
    ctx.addIssue({ code: "custom", message: `"${path}" has a segment starting with "$"` });
});

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
  serverLimits: z.enum(SERVER_LIMITS).optional(),
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
      consistency: z.enum(CONSISTENCY_SETTINGS).optional(),
    })
    .optional(),
  /** CONTRACT §12: the throttle of the restore's and the producer's copies (throttle/settings.ts). */
  copy: z
    .strictObject({
      throttle: z.enum(THROTTLE_MODES).optional(),
      maxLagSeconds: z.number().min(0.1).max(3_600).optional(),
      maxLatencyMs: z.number().min(0.1).max(600_000).optional(),
      criticalLagSeconds: z.number().min(0.1).max(86_400).optional(),
      criticalLatencyMs: z.number().min(0.1).max(3_600_000).optional(),
      criticalSeconds: int(1, 86_400).optional(),
    })
    .optional(),
  masking: z
    .strictObject({
      strict: z.boolean().optional(),
      rules: z.record(z.string().min(1), z.record(fieldPath, strategy)).optional(),
      keep: z.record(z.string().min(1), z.array(fieldPath)).optional(),
    })
    .optional(),
  subset: z
    .record(
      z.string().min(1),
      z.strictObject({
        filter: z.record(z.string(), z.unknown()).optional(),
        sample: z.number().gt(0).lte(1).optional(),
        limit: z.number().int().positive().optional(),
        references: z
          .array(
            z.strictObject({
              field: fieldPath,
              collection: z.string().min(1),
              key: z.string().min(1).optional(),
            }),
          )
          .min(1)
          .optional(),
      }),
    )
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

import { TargetRefusedError, UserError } from "./errors";
import { targetPatternProblem } from "./target-pattern";

/** Database prefixes are short, lower-case and start with a letter (CONTRACT §1). */
export const PREFIX_PATTERN = /^[a-z][a-z0-9_-]{0,19}$/;
export const SYSTEM_DATABASES = ["admin", "local", "config"] as const;
const ILLEGAL_DB_CHARACTERS = /[/\\. "$*<>:|?\0]/;
const MAX_DB_NAME_BYTES = 63;

export function assertPrefix(prefix: string, source = "db-prefix"): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new UserError(
      `The database prefix "${prefix}" (from ${source}) is not valid: it must match ${PREFIX_PATTERN.source} ` +
        `(a lower-case letter, then up to 19 lower-case letters, digits, "_" or "-"), e.g. "myapp".`,
    );
  }
  return prefix;
}

export function assertPrNumber(value: unknown, source = "the event"): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new UserError(
      `The pull request number from ${source} must be a positive integer, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

export function prDatabaseName(prefix: string, prNumber: number): string {
  return `${assertPrefix(prefix)}_pr_${assertPrNumber(prNumber)}`;
}

export function snapshotDatabaseName(prefix: string): string {
  return `${assertPrefix(prefix)}_snapshot`;
}

/** Why a name cannot be a MongoDB database name, or undefined when it can. */
export function illegalDatabaseName(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (Buffer.byteLength(name, "utf8") > MAX_DB_NAME_BYTES) {
    return `it is ${Buffer.byteLength(name, "utf8")} bytes long (MongoDB allows at most ${MAX_DB_NAME_BYTES})`;
  }
  const bad = name.match(ILLEGAL_DB_CHARACTERS);
  if (bad) {
    const shown = bad[0] === "\0" ? "NUL" : bad[0] === " " ? "a space" : `"${bad[0]}"`;
    return `it contains ${shown} (MongoDB database names cannot contain any of / \\ . " $ * < > : | ? or spaces)`;
  }
  return undefined;
}

export function assertDatabaseName(name: string, what: string): string {
  const why = illegalDatabaseName(name);
  if (why) throw new UserError(`${what} "${name}" is not a valid MongoDB database name: ${why}.`);
  return name;
}

export interface TargetPolicyOptions {
  prefix: string;
  snapshotDatabase?: string;
  productionDatabase?: string;
  /** Regular expressions, each of which must match the whole name. */
  allowedTargets?: readonly string[];
  protectedDatabases?: readonly string[];
}

export interface TargetPolicy {
  readonly allowed: readonly RegExp[];
  /** Protected names mapped to the reason they are protected. */
  readonly protected: ReadonlyMap<string, string>;
}

export function targetPolicy(options: TargetPolicyOptions): TargetPolicy {
  const prefix = assertPrefix(options.prefix);
  const patterns = options.allowedTargets?.length
    ? options.allowedTargets
    : [`${escapeRegExp(prefix)}_pr_[1-9][0-9]*`];
  const allowed = patterns.map((p) => {
    const problem = targetPatternProblem(p);
    if (problem)
      throw new UserError(`allowed-targets: "${p}" cannot be used: ${problem}. Nothing was changed.`);
    return new RegExp(`^(?:${p})$`);
  });
  const protectedDbs = new Map<string, string>();
  for (const db of SYSTEM_DATABASES) protectedDbs.set(db, "a MongoDB system database");
  if (options.productionDatabase) protectedDbs.set(options.productionDatabase, "the production database");
  protectedDbs.set(options.snapshotDatabase ?? snapshotDatabaseName(prefix), "the snapshot database");
  for (const db of options.protectedDatabases ?? []) {
    if (!protectedDbs.has(db)) protectedDbs.set(db, "listed in protected-databases");
  }
  return { allowed, protected: protectedDbs };
}

/** Widens a policy with more protected databases (e.g. the production database named in snapshot metadata). */
export function protectMore(policy: TargetPolicy, databases: Record<string, string>): TargetPolicy {
  const next = new Map(policy.protected);
  for (const [db, why] of Object.entries(databases)) if (db && !next.has(db)) next.set(db, why);
  return { allowed: policy.allowed, protected: next };
}

/**
 * The single gate in front of every drop and every `$out` into a target: the name must be a
 * legal MongoDB name, must not be protected, and must match an allowed pattern.
 * Throws {@link TargetRefusedError} naming the database and the rule it broke.
 */
export function assertWritableTarget(database: string, policy: TargetPolicy): string {
  const illegal = illegalDatabaseName(database);
  if (illegal) {
    throw new TargetRefusedError(
      database,
      "name",
      `Refusing to write to database "${database}": ${illegal}. Nothing was changed.`,
    );
  }
  const why = policy.protected.get(database);
  if (why) {
    throw new TargetRefusedError(
      database,
      "protected",
      `Refusing to write to database "${database}": it is protected (${why}). ` +
        `Protected databases can never be restored into or dropped. Nothing was changed.`,
    );
  }
  if (!policy.allowed.some((re) => re.test(database))) {
    throw new TargetRefusedError(
      database,
      "pattern",
      `Refusing to write to database "${database}": it matches none of the allowed target patterns ` +
        `(${policy.allowed.map((re) => re.source).join(", ")}). Pull request databases are named ` +
        `<prefix>_pr_<number>; to allow another name, add a pattern to the allowed-targets input. Nothing was changed.`,
    );
  }
  return database;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

import type { MongoClient } from "mongodb";
import type { Config } from "../config";
import { COPY_METHODS, type CopyMethodSetting, DEFAULT_RANGE_THRESHOLD_MB } from "../copy/methods";
import { UserError } from "../errors";
import type { InputReader } from "../inputs";
import type { Log } from "../log";
import { readTestPassword } from "../masking/password-settings";
import { compilePolicy, type Policy } from "../masking/policy";
import { assertDatabasesFitSetting, PR_DATABASE_FIX, SNAPSHOT_DATABASE_FIX } from "../mongo/limit-names";
import {
  assertDatabaseName,
  assertWritableTarget,
  prDatabaseName,
  snapshotDatabaseName,
  type TargetPolicy,
  targetPolicy,
} from "../names";
import type { CommonInputs } from "../settings";
import { readThrottleSettings, type ThrottleSettings } from "../throttle/settings";
import { CONSISTENCY_SETTINGS, type ConsistencySetting } from "./consistency";
import type { ProduceRequest } from "./producer";
import { REFRESH_POLICIES, type RefreshPolicy } from "./refresh";
import type { RestoreRequest } from "./restore";

/**
 * Settings of a restore and of a producer run, read the same way by the GitHub Actions
 * (inputs) and the command line (flags and environment variables): input, then config file,
 * then default.
 */

/** How collections are copied (both the restore and the producer). */
export interface CopySettings {
  copyMethod: CopyMethodSetting;
  rangeThresholdMb: number;
  progressIntervalSeconds: number;
  /** Largest chunk one aggregation copies (default: none, 64 MB under a server's time cap). */
  chunkMb?: number;
}

/** CONTRACT §12: the throttle of the copies (input, then config `copy`, then defaults). */
export interface ThrottledCopies {
  throttle: ThrottleSettings;
}

export function readCopySettings(inputs: InputReader): CopySettings {
  return {
    copyMethod: inputs.enumeration("copy-method", COPY_METHODS, "auto"),
    rangeThresholdMb:
      inputs.integer("range-threshold-mb", { min: 1, max: 1_048_576 }) ?? DEFAULT_RANGE_THRESHOLD_MB,
    progressIntervalSeconds: inputs.integer("progress-interval-seconds", { min: 1, max: 3_600 }) ?? 10,
    ...optional("chunkMb", inputs.integer("chunk-mb", { min: 1, max: 1_048_576 })),
  };
}

/** A PR database that a restore, reset or drop writes, and the rules it is checked against. */
export interface PrTargetSettings {
  database: string;
  snapshotDatabase: string;
  policy: TargetPolicy;
  /** How long to wait for a complete snapshot, and for another run writing the same database. */
  waitTimeoutSeconds: number;
  /** Lifetime of the one-writer lease, renewed while the run writes. */
  leaseSeconds: number;
}

/**
 * The PR database from `database` or `<prefix>_pr_<pr-number>`, checked against the target
 * rules here, before any connection is opened: a refused name fails at once, naming the rule.
 */
export function readPrTargetSettings(
  inputs: InputReader,
  common: CommonInputs,
  prNumber: number | undefined,
): PrTargetSettings {
  const { config, prefix } = common;
  if (!prefix)
    throw new UserError('A database prefix is required: set "db-prefix" or "dbPrefix" in the config file.');
  const explicit = inputs.optional("database");
  const database = explicit
    ? assertDatabaseName(explicit, 'Input "database"')
    : prNumber
      ? prDatabaseName(prefix, prNumber)
      : undefined;
  if (!database) {
    throw new UserError(
      'Cannot tell which database to write: give "pr-number" (or run on a pull_request event) or "database".',
    );
  }
  const { snapshotDatabase, policy } = readTargetPolicy(inputs, config, prefix);
  // Before any connection: a refused target fails at once, not after a server-selection timeout.
  assertWritableTarget(database, policy);
  assertDatabasesFitSetting(common.serverLimits, [
    { name: database, what: "The PR database", fix: PR_DATABASE_FIX },
  ]);
  return {
    database,
    snapshotDatabase,
    policy,
    waitTimeoutSeconds:
      inputs.integer("wait-timeout-seconds", { min: 0, max: 86_400 }) ??
      config.restore?.waitTimeoutSeconds ??
      360,
    leaseSeconds: inputs.integer("lease-seconds", { min: 2, max: 3_600 }) ?? 60,
  };
}

export interface RestoreSettings extends PrTargetSettings, CopySettings, ThrottledCopies {
  pollIntervalSeconds: number;
  concurrency: number;
  maxTimeSeconds: number;
  allowPrivilegedCredentials: boolean;
  refresh: RefreshPolicy;
}

export function readRestoreSettings(
  inputs: InputReader,
  common: CommonInputs,
  prNumber: number | undefined,
): RestoreSettings {
  const { config } = common;
  return {
    ...readPrTargetSettings(inputs, common, prNumber),
    pollIntervalSeconds:
      inputs.integer("poll-interval-seconds", { min: 1, max: 3_600 }) ??
      config.restore?.pollIntervalSeconds ??
      30,
    concurrency: inputs.integer("concurrency", { min: 1, max: 64 }) ?? config.restore?.concurrency ?? 4,
    maxTimeSeconds: inputs.integer("max-time-seconds", { min: 0 }) ?? 0,
    allowPrivilegedCredentials: inputs.boolean("allow-privileged-credentials", false),
    refresh: inputs.enumeration("refresh", REFRESH_POLICIES, config.restore?.refresh ?? "every-sync"),
    ...readCopySettings(inputs),
    throttle: readThrottleSettings(inputs, config),
  };
}

/** Where writes may go: CONTRACT §1 (allowed patterns; system, production, snapshot and listed DBs protected). */
export function readTargetPolicy(
  inputs: InputReader,
  config: Config,
  prefix: string,
): { snapshotDatabase: string; sourceDatabase?: string; policy: TargetPolicy } {
  const snapshotDatabase = assertDatabaseName(
    inputs.optional("snapshot-database") ?? config.snapshotDatabase ?? snapshotDatabaseName(prefix),
    "The snapshot database",
  );
  const source = inputs.optional("source-database") ?? config.sourceDatabase;
  const sourceDatabase = source ? assertDatabaseName(source, "The source (production) database") : undefined;
  const policy = targetPolicy({
    prefix,
    snapshotDatabase,
    ...(sourceDatabase ? { productionDatabase: sourceDatabase } : {}),
    allowedTargets: inputs.list("allowed-targets", { commas: false }) ?? config.allowedTargets ?? [],
    protectedDatabases: inputs.list("protected-databases") ?? config.protectedDatabases ?? [],
  });
  return { snapshotDatabase, ...(sourceDatabase ? { sourceDatabase } : {}), policy };
}

export interface ProducerSettings extends CopySettings, ThrottledCopies {
  sourceDatabase: string;
  snapshotDatabase: string;
  include?: string[];
  exclude: string[];
  protectedDatabases: string[];
  concurrency: number;
  retain: number;
  graceSeconds: number;
  maxShrinkPercent: number;
  force: boolean;
  leaseSeconds: number;
  maxTimeSeconds: number;
  allowPrivilegedCredentials: boolean;
  /** Masking and subset rules from the config file. */
  dataPolicy?: Policy;
  /** The masking salt (a secret: the caller registers it with the log before anything is written out). */
  salt?: string;
  /** The test password of the `password` strategy (a secret, like the salt). */
  testPassword?: string;
  /** CONTRACT §13: auto (default), point-in-time or per-collection. */
  consistency: ConsistencySetting;
}

/** Shortest salt accepted: the keyed strategies are only as strong as it. */
export const MIN_SALT_LENGTH = 16;

export function readProducerSettings(inputs: InputReader, common: CommonInputs): ProducerSettings {
  const { config, prefix } = common;
  const source = inputs.optional("source-database") ?? config.sourceDatabase;
  if (!source) {
    throw new UserError(
      'The production database is required: set "source-database" or "sourceDatabase" in the config file.',
    );
  }
  const snapshot =
    inputs.optional("snapshot-database") ??
    config.snapshotDatabase ??
    (prefix ? snapshotDatabaseName(prefix) : undefined);
  if (!snapshot) {
    throw new UserError(
      'The snapshot database is unknown: set "snapshot-database", or "db-prefix" to use <prefix>_snapshot.',
    );
  }
  const include = inputs.list("collections") ?? config.collections?.include;
  const dataPolicy = compilePolicy(config);
  const salt = inputs.optional("mask-salt");
  if (dataPolicy?.keyed && !salt) {
    throw new UserError(
      "The masking rules use email, name, phone or hash, which are keyed by a secret salt, and none was given: " +
        "set the mask-salt input from a secret (e.g. a repository secret PR_SNAPSHOTS_MASK_SALT), or PR_SNAPSHOTS_MASK_SALT for the command line. Nothing was copied.",
    );
  }
  if (salt !== undefined && salt.length < MIN_SALT_LENGTH) {
    throw new UserError(
      `The masking salt is ${salt.length} characters long; use at least ${MIN_SALT_LENGTH} random characters (e.g. openssl rand -hex 32). Nothing was copied.`,
    );
  }
  assertDatabasesFitSetting(common.serverLimits, [
    { name: snapshot, what: "The snapshot database", fix: SNAPSHOT_DATABASE_FIX },
  ]);
  const testPassword = readTestPassword(inputs, dataPolicy);
  return {
    ...(dataPolicy ? { dataPolicy } : {}),
    ...(salt ? { salt } : {}),
    ...(testPassword ? { testPassword } : {}),
    sourceDatabase: assertDatabaseName(source, "The source (production) database"),
    snapshotDatabase: assertDatabaseName(snapshot, "The snapshot database"),
    ...(include?.length ? { include } : {}),
    exclude: inputs.list("exclude-collections") ?? config.collections?.exclude ?? [],
    protectedDatabases: inputs.list("protected-databases") ?? config.protectedDatabases ?? [],
    concurrency: inputs.integer("concurrency", { min: 1, max: 64 }) ?? config.producer?.concurrency ?? 4,
    retain: inputs.integer("retain", { min: 0, max: 20 }) ?? config.producer?.retain ?? 1,
    graceSeconds: inputs.integer("grace-seconds", { min: 0 }) ?? config.producer?.graceSeconds ?? 3_600,
    maxShrinkPercent:
      inputs.integer("max-shrink-percent", { min: 0, max: 100 }) ?? config.producer?.maxShrinkPercent ?? 50,
    force: inputs.boolean("force", false),
    leaseSeconds: inputs.integer("lease-seconds", { min: 5, max: 3_600 }) ?? 120,
    maxTimeSeconds: inputs.integer("max-time-seconds", { min: 0 }) ?? 0,
    allowPrivilegedCredentials: inputs.boolean("allow-privileged-credentials", false),
    consistency: inputs.enumeration(
      "consistency",
      CONSISTENCY_SETTINGS,
      config.producer?.consistency ?? "auto",
    ),
    ...readCopySettings(inputs),
    throttle: readThrottleSettings(inputs, config),
  };
}

/** The restore that these settings describe (the action and the command line run the same one). */
export function restoreRequest(
  s: RestoreSettings,
  common: CommonInputs,
  client: MongoClient,
  log: Log,
): RestoreRequest {
  return {
    client,
    log,
    snapshotDatabase: s.snapshotDatabase,
    target: s.database,
    policy: s.policy,
    waitTimeoutMs: s.waitTimeoutSeconds * 1000,
    pollIntervalMs: s.pollIntervalSeconds * 1000,
    concurrency: s.concurrency,
    dryRun: common.dryRun,
    allowPrivilegedCredentials: s.allowPrivilegedCredentials,
    snapshotLabel: common.labels.snapshot,
    leaseSeconds: s.leaseSeconds,
    copyMethod: s.copyMethod,
    rangeThresholdMb: s.rangeThresholdMb,
    progressIntervalMs: s.progressIntervalSeconds * 1000,
    refresh: s.refresh,
    throttle: s.throttle,
    ...(s.chunkMb ? { chunkMb: s.chunkMb } : {}),
    ...(s.maxTimeSeconds ? { maxTimeMS: s.maxTimeSeconds * 1000 } : {}),
  };
}

/** The producer run that these settings describe. */
export function produceRequest(
  s: ProducerSettings,
  common: CommonInputs,
  client: MongoClient,
  log: Log,
  source?: { client: MongoClient; description: string },
): ProduceRequest {
  const { maxTimeSeconds, progressIntervalSeconds, ...rest } = s;
  return {
    client,
    log,
    ...rest,
    ...(source ? { sourceClient: source.client, sourceDescription: source.description } : {}),
    progressIntervalMs: progressIntervalSeconds * 1000,
    dryRun: common.dryRun,
    ...(maxTimeSeconds ? { maxTimeMS: maxTimeSeconds * 1000 } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

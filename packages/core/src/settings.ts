import type { Config, ConfigSource, LoadedConfig } from "./config";
import { UserError } from "./errors";
import type { InputReader } from "./inputs";
import { SERVER_LIMITS, type ServerLimitsSetting } from "./mongo/limit-names";
import { assertPrefix } from "./names";

export interface LabelNames {
  preview: string;
  snapshot: string;
  lock: string;
}

export const DEFAULT_LABELS: LabelNames = {
  preview: "preview",
  snapshot: "use-snapshot",
  lock: "persist-db",
};

/** Label names: input, then config file, then the defaults of CONTRACT §1. */
export function resolveLabels(inputs: InputReader, config: Config): LabelNames {
  const labels = {
    preview: inputs.optional("preview-label") ?? config.labels?.preview ?? DEFAULT_LABELS.preview,
    snapshot: inputs.optional("snapshot-label") ?? config.labels?.snapshot ?? DEFAULT_LABELS.snapshot,
    lock: inputs.optional("lock-label") ?? config.labels?.lock ?? DEFAULT_LABELS.lock,
  };
  const names = Object.values(labels);
  if (new Set(names).size !== names.length) {
    throw new UserError(
      `The preview, snapshot and lock labels must be three different labels, got ${names.map((n) => `"${n}"`).join(", ")}.`,
    );
  }
  return labels;
}

export function resolvePrefix(inputs: InputReader, config: Config): string | undefined {
  const fromInput = inputs.optional("db-prefix");
  if (fromInput !== undefined) return assertPrefix(fromInput, 'input "db-prefix"');
  if (config.dbPrefix !== undefined) return assertPrefix(config.dbPrefix, "config dbPrefix");
  return undefined;
}

export interface CommonInputs {
  token: string;
  dryRun: boolean;
  labels: LabelNames;
  prefix: string | undefined;
  config: Config;
  /** Which config file was read, at which commit and how (logged, and repeated in the job summary). */
  configSource: ConfigSource;
  /** CONTRACT §14: the limits names and operations are checked against (mongo/limits.ts). */
  serverLimits: ServerLimitsSetting;
}

/** Inputs every action has: github-token, config, dry-run, the label names and db-prefix. */
export function readCommonInputs(inputs: InputReader, { config, source }: LoadedConfig): CommonInputs {
  return {
    token: inputs.optional("github-token") ?? "",
    dryRun: inputs.boolean("dry-run", false),
    labels: resolveLabels(inputs, config),
    prefix: resolvePrefix(inputs, config),
    config,
    configSource: source,
    serverLimits: inputs.enumeration("server-limits", SERVER_LIMITS, config.serverLimits ?? "auto"),
  };
}

/** The common inputs that mean the same whatever the config says: checked before the config is fetched. */
export function checkInputsBeforeConfig(inputs: InputReader): void {
  const prefix = inputs.optional("db-prefix");
  if (prefix !== undefined) assertPrefix(prefix, 'input "db-prefix"');
  inputs.boolean("dry-run", false);
}

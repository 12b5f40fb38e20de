import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config-schema";
import { UserError } from "./errors";
import type { Log } from "./log";

export type { Config } from "./config-schema";

export const DEFAULT_CONFIG_PATH = ".github/pr-snapshots.yml";

/** Where the config came from, so that every run can say which file it used. */
export interface ConfigSource {
  /** The path inside the repository (or relative to the command line's directory). */
  path: string;
  /** The commit the file was read at, when known. */
  commit?: string;
  /**
   * disk: read from the workspace; contents-api: fetched at `commit`; cache: detect-labels' copy,
   * verified against its config-sha output; none: there is no such file; unreadable: it could not
   * be read, and only inputs apply.
   */
  how: "disk" | "contents-api" | "cache" | "none" | "unreadable";
  /** The git blob sha of the file used. */
  blobSha?: string;
  /** One sentence for the log and the job summary. */
  line: string;
}

export interface LoadedConfig {
  config: Config;
  source: ConfigSource;
}

/**
 * A `config` input or `--config` option: a relative path inside the repository. It is checked
 * before anything is read, because on pull request events it names a file at another commit.
 */
export function assertConfigPath(value: string, what: string): string {
  const normalized = value.replace(/^\.\//, "");
  if (
    path.isAbsolute(value) ||
    normalized === "" ||
    normalized.split("/").some((part) => part === ".." || part === "." || part === "") ||
    normalized.includes("\\")
  ) {
    throw new UserError(
      `${what} must be a relative path inside the repository such as ${DEFAULT_CONFIG_PATH}, got "${value}" ` +
        `(no leading "/", no ".." or "." segments, "/" as the separator).`,
    );
  }
  return normalized;
}

/** Validates the text of a config file (the schema is loaded only when there is a file to check). */
export async function parseConfigText(text: string, label: string): Promise<Config> {
  const { parseConfig } = await import(/* webpackChunkName: "config" */ "./config-schema");
  return parseConfig(text, label);
}

/**
 * The command line's config: the named file or the default one, on disk in `directory` (a
 * Kubernetes Job has no GitHub access; the file comes with its image or a mounted ConfigMap).
 * An explicitly named file must exist; the default location is optional. Says which file it read.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  directory: string,
  log: Log,
): Promise<LoadedConfig> {
  const relative = explicitPath ?? DEFAULT_CONFIG_PATH;
  const file = path.resolve(directory, relative);
  if (!existsSync(file)) {
    if (explicitPath !== undefined) {
      throw new UserError(
        `Config file "${relative}" (--config or PR_SNAPSHOTS_CONFIG) does not exist in ${directory}. ` +
          `Check the path, or leave the option out to use ${DEFAULT_CONFIG_PATH} when present.`,
      );
    }
    const line = `No config file at ${relative} in ${directory}: only options, environment variables and defaults apply.`;
    log.info(line);
    return { config: {}, source: { path: relative, how: "none", line } };
  }
  const config = await parseConfigText(readFileSync(file, "utf8"), relative);
  const line = `Config: read ${file}.`;
  log.info(line);
  return { config, source: { path: relative, how: "disk", line } };
}

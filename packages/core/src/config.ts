import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "./config-schema";
import { UserError } from "./errors";

export type { Config } from "./config-schema";

export const DEFAULT_CONFIG_PATH = ".github/pr-snapshots.yml";

export interface LoadedConfig {
  config: Config;
  /** The file read, or undefined when none was found at the default location. */
  file?: string;
}

/**
 * Reads the optional config file. An explicitly named file must exist; the default
 * location is optional. Unknown keys and wrong types are errors that name the key.
 */
export async function loadConfig(
  explicitPath: string | undefined,
  workspace = defaultWorkspace(),
): Promise<LoadedConfig> {
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
  const { parseConfig } = await import(/* webpackChunkName: "config" */ "./config-schema");
  return { config: parseConfig(readFileSync(file, "utf8"), relative), file: relative };
}

function defaultWorkspace(): string {
  return process.env.GITHUB_WORKSPACE || process.cwd();
}

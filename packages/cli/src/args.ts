import { UserError } from "@pr-snapshots/core/errors";
import type { InputSource } from "@pr-snapshots/core/inputs";

export interface ParsedArgs {
  command: string | undefined;
  flags: Record<string, string>;
  json: boolean;
  help: boolean;
}

/** `--name value`, `--name=value`, and bare `--flag` for booleans. */
export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string>): ParsedArgs {
  const flags: Record<string, string> = {};
  let command: string | undefined;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (command !== undefined)
        throw new UserError(`Unexpected argument "${arg}". Run with --help for usage.`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (eq > 0) flags[name] = arg.slice(eq + 1);
    else if (
      booleans.has(name) &&
      (argv[i + 1] === undefined ||
        argv[i + 1]?.startsWith("--") ||
        !/^(true|false)$/i.test(argv[i + 1] ?? ""))
    )
      flags[name] = "true";
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new UserError(`Option --${name} needs a value.`);
      flags[name] = value;
      i++;
    }
  }
  return { command, flags, json, help };
}

export function envName(input: string): string {
  return `PR_SNAPSHOTS_${input.toUpperCase().replace(/-/g, "_")}`;
}

/** Inputs from flags, then PR_SNAPSHOTS_<NAME> variables; the URI also from MONGODB_URI. */
export function cliInputs(flags: Record<string, string>, env: NodeJS.ProcessEnv): InputSource {
  return (name) => {
    if (flags[name] !== undefined) return flags[name] ?? "";
    const fromEnv = env[envName(name)];
    if (fromEnv !== undefined) return fromEnv;
    if (name === "mongodb-uri") return env.MONGODB_URI ?? "";
    return "";
  };
}

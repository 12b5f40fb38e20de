import { type ParseArgsConfig, parseArgs } from "node:util";
import { UserError } from "@pr-snapshots/core/errors";
import type { InputSource } from "@pr-snapshots/core/inputs";
import type { Command } from "./command";

export type ParsedCommandLine =
  | { kind: "usage"; exitCode: 0 | 2 }
  | { kind: "help"; command: Command }
  | { kind: "run"; command: Command; flags: Record<string, string>; json: boolean };

/** Secrets are never flags: arguments are visible to every process on the machine. */
const SECRET_OPTIONS: Record<string, string> = {
  "mongodb-uri": "MONGODB_URI",
  "source-uri": "PR_SNAPSHOTS_SOURCE_URI",
  "mask-salt": "PR_SNAPSHOTS_MASK_SALT",
  "mask-test-password": "PR_SNAPSHOTS_MASK_TEST_PASSWORD",
};

/**
 * `pr-snapshots <command> [options]`, parsed with node:util's parseArgs against the command's own
 * options (strict: an unknown option, a missing value or a stray argument is a usage error).
 * Booleans are flags (`--dry-run`, `--no-dry-run`); their environment variables take true/false.
 */
export function parseCommandLine(
  argv: readonly string[],
  commands: ReadonlyMap<string, Command>,
): ParsedCommandLine {
  const [first, ...rest] = argv;
  const names = [...commands.keys()].join(", ");
  if (first === undefined) return { kind: "usage", exitCode: 2 };
  if (first === "--help" || first === "-h" || first === "help") {
    const about = rest[0] === undefined ? undefined : commands.get(rest[0]);
    if (rest[0] !== undefined && !about)
      throw new UserError(`Unknown command "${rest[0]}". Commands: ${names}.`);
    return about ? { kind: "help", command: about } : { kind: "usage", exitCode: 0 };
  }
  if (first.startsWith("-"))
    throw new UserError(
      `The command comes first: pr-snapshots <command> [options], got "${first}". Commands: ${names}.`,
    );
  const command = commands.get(first);
  if (!command) throw new UserError(`Unknown command "${first}". Commands: ${names}.`);

  const given = optionNames(rest);
  for (const name of given) {
    const variable = SECRET_OPTIONS[name];
    if (variable)
      throw new UserError(
        `Pass ${name} in the ${variable} environment variable, not as a flag: arguments are visible to every process on the machine.`,
      );
  }
  const options: NonNullable<ParseArgsConfig["options"]> = {
    help: { type: "boolean", short: "h" },
    json: { type: "boolean" },
  };
  for (const o of command.options) options[o.name] = { type: o.boolean ? "boolean" : "string" };
  const unknown = given.filter((n) => !(n in options) && !(n.startsWith("no-") && n.slice(3) in options));
  if (unknown.length)
    throw new UserError(
      `Unknown option(s) for ${command.name}: ${unknown.map((u) => `--${u}`).join(", ")}. Run "pr-snapshots ${command.name} --help".`,
    );

  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }));
  } catch (error) {
    throw new UserError(`${(error as Error).message} Run "pr-snapshots ${command.name} --help".`);
  }
  if (values.help === true) return { kind: "help", command };
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === "help" || name === "json" || value === undefined) continue;
    flags[name] = String(value);
  }
  return { kind: "run", command, flags, json: values.json === true };
}

/** The option names on a command line, whatever their values (non-strict parse). */
function optionNames(args: readonly string[]): string[] {
  const { tokens = [] } = parseArgs({ args: [...args], strict: false, allowPositionals: true, tokens: true });
  return tokens.flatMap((t) => (t.kind === "option" && t.rawName.startsWith("--") ? [t.name] : []));
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

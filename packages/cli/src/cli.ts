#!/usr/bin/env node
import { loadConfig } from "@pr-snapshots/core/config";
import { BusyError, RefusedError, SnapshotUnavailableError, UserError } from "@pr-snapshots/core/errors";
import { InputReader } from "@pr-snapshots/core/inputs";
import { consoleLog, escapeJsonLine, escapeLogText, logLines } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { cliInputs, parseCommandLine } from "./args";
import { type CommandContext, EXIT } from "./command";
import { commandUsage, usage } from "./help";
import { COMMANDS } from "./registry";

const log = consoleLog({
  write: (line) => process.stderr.write(`${line}\n`),
  debug: process.env.PR_SNAPSHOTS_DEBUG === "1",
});

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind === "usage") {
    process.stdout.write(`${usage(COMMANDS.values())}\n`);
    return parsed.exitCode;
  }
  if (parsed.kind === "help") {
    process.stdout.write(`${commandUsage(parsed.command)}\n`);
    return EXIT.ok;
  }
  const inputs = new InputReader(cliInputs(parsed.flags, process.env));
  // Masked before anything else can log: the redaction covers every later line.
  const uri = inputs.optional("mongodb-uri");
  if (uri) maskConnectionString(uri, log);
  const sourceUri = inputs.optional("source-uri");
  if (sourceUri) maskConnectionString(sourceUri, log);
  const salt = inputs.optional("mask-salt");
  if (salt) log.secret(salt);
  const testPassword = inputs.optional("mask-test-password");
  if (testPassword) log.secret(testPassword);
  const ctx: CommandContext = {
    inputs,
    log,
    common: async () =>
      readCommonInputs(inputs, await loadConfig(inputs.optional("config"), process.cwd(), log)),
    uri: () => inputs.required("mongodb-uri", "Set MONGODB_URI to the connection string."),
    sourceUri: () => sourceUri,
  };
  const result = await parsed.command.run(ctx);
  logLines(log, result.summary);
  // Reports name collections and fields of production: escaped like the log, for a runner reads
  // this process's stdout for workflow commands when it runs in a workflow step.
  if (parsed.json) process.stdout.write(`${escapeJsonLine(JSON.stringify(result.report))}\n`);
  else if (result.text) process.stdout.write(`${escapeLogText(result.text)}\n`);
  return EXIT.ok;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof SnapshotUnavailableError || error instanceof BusyError) return EXIT.unavailable;
  if (error instanceof RefusedError) return EXIT.refused;
  if (error instanceof UserError) return EXIT.usage;
  return EXIT.failed;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log.error(error instanceof Error ? error.message : String(error));
    if (!(error instanceof UserError) && error instanceof Error && error.stack) log.debug(error.stack);
    process.exitCode = exitCodeFor(error);
  },
);

#!/usr/bin/env node
import { loadConfig } from "@pr-snapshots/core/config";
import { RefusedError, SnapshotUnavailableError, UserError } from "@pr-snapshots/core/errors";
import { InputReader } from "@pr-snapshots/core/inputs";
import { consoleLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { runProducer, runRestore } from "@pr-snapshots/core/snapshot/run";
import { readProducerSettings, readRestoreSettings } from "@pr-snapshots/core/snapshot/settings";
import { cliInputs, parseArgs } from "./args";
import { COMMANDS, commandUsage, usage } from "./commands";
import { runSweepCommand } from "./sweep";

export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3, unavailable: 4 } as const;

const log = consoleLog({
  write: (line) => process.stderr.write(`${line}\n`),
  debug: process.env.PR_SNAPSHOTS_DEBUG === "1",
});

async function main(argv: string[]): Promise<number> {
  const booleans = new Set(
    Object.values(COMMANDS).flatMap((c) => c.options.filter((o) => o.boolean).map((o) => o.name)),
  );
  const args = parseArgs(argv, booleans);
  if (!args.command || args.command === "help") {
    process.stdout.write(`${usage()}\n`);
    return args.command || args.help ? EXIT.ok : EXIT.usage;
  }
  const spec = COMMANDS[args.command];
  if (!spec)
    throw new UserError(`Unknown command "${args.command}". Commands: ${Object.keys(COMMANDS).join(", ")}.`);
  if (args.help) {
    process.stdout.write(`${commandUsage(args.command)}\n`);
    return EXIT.ok;
  }
  for (const secret of ["mongodb-uri", "source-uri"]) {
    if (secret in args.flags) {
      throw new UserError(
        `Pass the ${secret} connection string in the ${secret === "mongodb-uri" ? "MONGODB_URI" : "PR_SNAPSHOTS_SOURCE_URI"} environment variable, not as a flag: arguments are visible to every process on the machine.`,
      );
    }
  }
  const known = new Set(spec.options.map((o) => o.name));
  const unknown = Object.keys(args.flags).filter((f) => !known.has(f));
  if (unknown.length)
    throw new UserError(
      `Unknown option(s) for ${args.command}: ${unknown.map((u) => `--${u}`).join(", ")}. Run "pr-snapshots ${args.command} --help".`,
    );

  const inputs = new InputReader(cliInputs(args.flags, process.env));
  const uri = inputs.required("mongodb-uri", "Set MONGODB_URI to the connection string.");
  maskConnectionString(uri, log);
  const sourceUri = inputs.optional("source-uri");
  if (sourceUri) maskConnectionString(sourceUri, log);
  const common = readCommonInputs(inputs, await loadConfig(inputs.optional("config"), process.cwd(), log));
  if (args.command === "sweep") {
    await runSweepCommand({ inputs, common, uri, log, env: process.env, json: args.json });
    return EXIT.ok;
  }

  if (args.command === "produce") {
    const s = readProducerSettings(inputs, common);
    const report = await runProducer(
      { uri, ...(sourceUri ? { sourceUri } : {}), appName: "pr-snapshots/cli-produce" },
      s,
      common,
      log,
    );
    log.info(
      report.dryRun
        ? `Dry run: would copy ${report.collections.length} collections (${report.documents} documents).`
        : `Published snapshot ${report.generation}: ${report.collections.length} collections, ${report.documents} documents, ${(report.durationMs / 1000).toFixed(1)}s.`,
    );
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return EXIT.ok;
  }

  const s = readRestoreSettings(inputs, common, inputs.integer("pr-number", { min: 1 }));
  const report = await runRestore({ uri, appName: "pr-snapshots/cli-restore" }, s, common, log);
  log.info(
    report.skipped
      ? `${report.dryRun ? "Dry run: would skip" : "Skipped"} the restore into ${report.database} (refresh: new-snapshot): ${report.refreshReason}.`
      : `${report.dryRun ? "Dry run: would restore" : "Restored"} ${report.collections.length} collections (${report.documents} documents) ` +
          `into ${report.database} from the snapshot taken ${report.snapshotTimestamp.toISOString()}.`,
  );
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  return EXIT.ok;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof SnapshotUnavailableError) return EXIT.unavailable;
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

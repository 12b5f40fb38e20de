import { RefusedError, UserError } from "@pr-snapshots/core/errors";
import { escapeLogText } from "@pr-snapshots/core/log";
import { compilePolicy } from "@pr-snapshots/core/masking/policy";
import { formatScan, scanDatabase, suggestedRules, uncovered } from "@pr-snapshots/core/masking/scan";
import { withMongo } from "@pr-snapshots/core/mongo/client";
import { readCollectionSpecs } from "@pr-snapshots/core/mongo/specs";
import { assertDatabaseName } from "@pr-snapshots/core/names";
import { selectCollections } from "@pr-snapshots/core/snapshot/select";
import type { Command } from "../command";

/**
 * What personal data production holds, and what the masking rules cover: read-only, on the
 * deployment of PR_SNAPSHOTS_SOURCE_URI when production is elsewhere, else MONGODB_URI.
 */
export const scan: Command = {
  name: "scan",
  summary: "list each collection's field paths, their types, whether they look personal, and what masks them",
  options: [
    {
      name: "config",
      text: "config file with the masking rules (default .github/pr-snapshots.yml when present)",
    },
    { name: "source-database", text: "production database" },
    { name: "collections", text: "collections to scan, names or globs, comma-separated (default all)" },
    { name: "exclude-collections", text: "collections to leave out, names or globs" },
    { name: "sample", text: "documents sampled per collection (default 1000)" },
    {
      name: "strict",
      text: "exit 3 when a likely-personal field is covered by no rule and no keep",
      boolean: true,
    },
  ],
  async run(ctx) {
    const { config } = await ctx.common();
    const source = ctx.inputs.optional("source-database") ?? config.sourceDatabase;
    if (!source)
      throw new UserError(
        'Give the production database: --source-database, or "sourceDatabase" in the config file.',
      );
    assertDatabaseName(source, "The source (production) database");
    const sample = ctx.inputs.integer("sample", { min: 1, max: 100_000 }) ?? 1_000;
    const policy = compilePolicy(config);
    const uri = ctx.sourceUri() ?? ctx.uri();
    const scans = await withMongo({ uri, log: ctx.log, appName: "pr-snapshots/cli-scan" }, async (client) => {
      const specs = (await readCollectionSpecs(client.db(source))).filter((s) => s.type !== "view");
      const selection = selectCollections(
        specs.map((s) => s.name),
        ctx.inputs.list("collections") ?? config.collections?.include,
        ctx.inputs.list("exclude-collections") ?? config.collections?.exclude ?? [],
      );
      for (const w of selection.warnings) ctx.log.warning(w);
      return scanDatabase({ db: client.db(source), collections: selection.selected, sample, policy });
    });
    const missing = uncovered(scans);
    const summary =
      `Scanned ${scans.length} collections of ${source} (up to ${sample} documents each): ` +
      (missing.length
        ? `${missing.length} likely-personal field(s) covered by no masking rule and no keep: ${missing.join("; ")}.`
        : "every likely-personal field is covered.");
    const suggestions = missing.length
      ? `\nRules for the uncovered paths, ready to paste into the config file (or list a path under masking.keep if it is not personal):\n\n${suggestedRules(scans)}\n`
      : "";
    if (missing.length && ctx.inputs.boolean("strict", false)) {
      process.stdout.write(`${escapeLogText(`${formatScan(scans)}${suggestions}`)}\n`);
      throw new RefusedError(`${summary} Add a rule (masking.rules) or a keep (masking.keep).`);
    }
    return { summary, report: scans, text: `${formatScan(scans)}${suggestions}` };
  },
};

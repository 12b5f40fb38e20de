import type { Db } from "mongodb";
import { RefusedError } from "../errors";
import { type Log, logLines } from "../log";
import type { Policy } from "./policy";
import { formatScan, scanCollection, suggestedRules, uncovered } from "./scan";

/**
 * masking.strict: the producer refuses to publish while the scan finds a likely-personal path that
 * no rule and no keep covers. The refusal names every such path with its reason and the rule that
 * would cover it, and logs those rules as YAML ready to paste into the config file.
 */
export async function strictModeCheck(o: {
  db: Db;
  collections: readonly string[];
  sample: number;
  policy: Policy;
  log: Log;
}): Promise<void> {
  const scans = await Promise.all(o.collections.map((c) => scanCollection(o.db, c, o.sample, o.policy)));
  const missing = uncovered(scans);
  if (missing.length) {
    logLines(o.log, formatScan(scans));
    logLines(
      o.log,
      `Rules that would cover them (paste into the config file, or list a path under masking.keep if it is not personal):\n${suggestedRules(scans)}`,
    );
    throw new RefusedError(
      `masking.strict: ${missing.length} likely-personal field(s) are covered by no masking rule and no keep: ${missing.join("; ")}. ` +
        "Add a rule (masking.rules; the log shows them ready to paste) or declare them not personal (masking.keep). Nothing was published: the previous snapshot stays in use.",
    );
  }
  o.log.info(
    `masking.strict: every likely-personal field of the ${o.collections.length} collections is covered.`,
  );
}

import { MAX_GRAPHQL_INT } from "../github/pull-request-states";
import { assertWritableTarget, escapeRegExp, type TargetPolicy } from "../names";

export interface Candidate {
  database: string;
  number: number;
}

export interface Ignored {
  database: string;
  why: string;
}

/**
 * Which listed databases the sweep may consider. Pure. Only `<prefix>_pr_<N>`, N written as
 * GitHub writes pull request numbers, and only when the name passes the same target rules as
 * every drop (CONTRACT §1): production, the snapshot, admin/local/config and protected-databases
 * never are. Look-alikes (`<prefix>_pr_7_backup`, `<prefix>_pr_07`) are listed as ignored so the
 * summary can say why; databases of other prefixes are not mentioned at all.
 */
export function sweepCandidates(
  databases: readonly string[],
  prefix: string,
  policy: TargetPolicy,
): { candidates: Candidate[]; ignored: Ignored[] } {
  const head = `${prefix}_pr_`;
  const shape = new RegExp(`^${escapeRegExp(head)}([1-9][0-9]*)$`);
  const candidates: Candidate[] = [];
  const ignored: Ignored[] = [];
  for (const database of [...databases].sort()) {
    const refused = refusal(database, policy);
    if (!database.startsWith(head)) {
      // A protected database is worth a line even when it is not named like a PR database.
      if (refused && policy.protected.has(database) && database.startsWith(`${prefix}_`))
        ignored.push({ database, why: refused });
      continue;
    }
    const m = shape.exec(database);
    const number = m?.[1] ? Number(m[1]) : Number.NaN;
    if (!m) {
      ignored.push({
        database,
        why: `not named ${head}<number> (a pull request number without leading zeros)`,
      });
    } else if (!Number.isSafeInteger(number) || number > MAX_GRAPHQL_INT) {
      ignored.push({ database, why: `${m[1]} cannot be a GitHub pull request number` });
    } else if (refused) {
      ignored.push({ database, why: refused });
    } else {
      candidates.push({ database, number });
    }
  }
  candidates.sort((a, b) => a.number - b.number);
  return { candidates, ignored };
}

/**
 * A database name as the log and the summary show it. Names come from the server, and on Linux
 * MongoDB accepts newlines and other control characters in them: printed as they are, a name could
 * start a new log line, even a workflow command (`::warning::…`). They are shown escaped.
 */
export function shownName(name: string): string {
  return name.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function refusal(database: string, policy: TargetPolicy): string | undefined {
  try {
    assertWritableTarget(database, policy);
    return undefined;
  } catch (error) {
    return (error as Error).message
      .replace(/^Refusing to write to database "[^"]*": /, "")
      .replace(/ Nothing was changed\.$/, "");
  }
}

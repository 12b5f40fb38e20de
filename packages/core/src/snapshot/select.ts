import { UserError } from "../errors";
import { METADATA_COLLECTION } from "../mongo/target";

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

const isGlob = (p: string) => /[*?]/.test(p);

export interface Selection {
  selected: string[];
  excluded: string[];
  warnings: string[];
}

/**
 * Which source collections the producer copies: `include` (names or globs; default all),
 * minus `exclude`. `system.*` and the producer's own bookkeeping are always left out. A name
 * (not a glob) in `include` that does not exist is an error: it is almost always a typo.
 */
export function selectCollections(
  available: readonly string[],
  include?: readonly string[],
  exclude: readonly string[] = [],
): Selection {
  const warnings: string[] = [];
  const always = (name: string) => name.startsWith("system.") || name === METADATA_COLLECTION;
  let candidates = available.filter((n) => !always(n));
  if (include && include.length > 0) {
    const missing = include.filter((p) => !isGlob(p) && !available.includes(p));
    if (missing.length) {
      throw new UserError(
        `collections.include names ${missing.map((m) => `"${m}"`).join(", ")}, which the source database does not have. ` +
          `It has: ${candidates.join(", ") || "(no collections)"}. Fix the name or remove it.`,
      );
    }
    for (const p of include.filter(isGlob)) {
      if (!candidates.some((n) => globToRegExp(p).test(n)))
        warnings.push(`collections.include pattern "${p}" matches no collection.`);
    }
    const patterns = include.map(globToRegExp);
    candidates = candidates.filter((n) => patterns.some((re) => re.test(n)));
  }
  const out = exclude.map(globToRegExp);
  const excluded = candidates.filter((n) => out.some((re) => re.test(n)));
  return { selected: candidates.filter((n) => !excluded.includes(n)).sort(), excluded, warnings };
}

/**
 * An `allowedTargets` / `allowed-targets` pattern, checked before it can decide anything. Each
 * pattern is applied as `^(?:<pattern>)$`, so that it must match a whole database name. A pattern
 * could undo that wrapper: `x)|(?:.*` makes `^(?:x)|(?:.*)$`, which matches every name. So:
 *
 * 1. the pattern must compile on its own. Breaking out of the wrapper takes a `)` that closes the
 *    wrapper's group, or a `[` or a trailing `\` that swallows the wrapper's `)`; each of these
 *    makes the pattern alone an invalid regular expression ("Unmatched ')'", "Unterminated
 *    character class", "\ at end of pattern"). Then the anchored form must compile too. The
 *    tests (target-pattern.test.ts) check, over generated patterns, that whatever passes matches
 *    only whole names;
 * 2. its size is bounded, and a quantified group that itself contains an unbounded quantifier
 *    (`(a+)+`, `(\w*)*`) is refused: such a pattern backtracks exponentially on a name that
 *    almost matches (names are under 64 bytes, so anything polynomial stays fast).
 */
export const MAX_TARGET_PATTERN_LENGTH = 256;

/** What is wrong with a pattern, or undefined when it is fine. */
export function targetPatternProblem(source: string): string | undefined {
  if (source.trim() === "") return "it is empty";
  if (source.length > MAX_TARGET_PATTERN_LENGTH)
    return `it is ${source.length} characters long; at most ${MAX_TARGET_PATTERN_LENGTH} are allowed`;
  try {
    new RegExp(source);
  } catch (error) {
    return `it is not a valid regular expression on its own (${(error as Error).message})`;
  }
  try {
    new RegExp(`^(?:${source})$`);
  } catch (error) {
    return `it is not a valid regular expression inside ^(?:…)$ (${(error as Error).message})`;
  }
  const nested = nestedQuantifier(source);
  if (nested)
    return `its group "${nested}" repeats something that already repeats without bound, which can take exponential time; write it without the nesting`;
  return undefined;
}

/** The first quantified group whose body has an unbounded quantifier, as written. */
function nestedQuantifier(source: string): string | undefined {
  // One frame per open group: where it starts, and whether its body repeats without bound.
  const stack: { start: number; unbounded: boolean }[] = [];
  let lastGroup: { start: number; end: number; unbounded: boolean } | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      lastGroup = undefined;
      continue;
    }
    if (c === "[") {
      // A class: skip to its closing bracket (a `]` first in the class is a literal).
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      lastGroup = undefined;
      continue;
    }
    if (c === "(") {
      stack.push({ start: i, unbounded: false });
      lastGroup = undefined;
      continue;
    }
    if (c === ")") {
      const frame = stack.pop();
      if (frame) {
        lastGroup = { start: frame.start, end: i, unbounded: frame.unbounded };
        const parent = stack[stack.length - 1];
        if (parent && frame.unbounded) parent.unbounded = true;
      }
      continue;
    }
    const quantifier = unboundedQuantifierAt(source, i);
    if (quantifier) {
      if (lastGroup?.unbounded) return source.slice(lastGroup.start, lastGroup.end + 1);
      const frame = stack[stack.length - 1];
      if (frame) frame.unbounded = true;
      i += quantifier - 1;
    }
    lastGroup = undefined;
  }
  return undefined;
}

/** The length of an unbounded quantifier (`*`, `+`, `{n,}`) starting at `i`, or 0. */
function unboundedQuantifierAt(source: string, i: number): number {
  const c = source[i];
  if (c === "*" || c === "+") return 1;
  if (c === "{") {
    const m = /^\{\d+,\}/.exec(source.slice(i));
    if (m) return m[0].length;
  }
  return 0;
}

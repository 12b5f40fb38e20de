import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "./config-schema";
import { UserError } from "./errors";
import { assertWritableTarget, targetPolicy } from "./names";
import { MAX_TARGET_PATTERN_LENGTH, targetPatternProblem } from "./target-pattern";

describe("allowed target patterns stay anchored", () => {
  it("refuses the ways out of ^(?:…)$, in the input and in the config file", () => {
    for (const way of ["x)|(?:.*", "shop_pr_1)|(.*", "a)|(", "x[)|.*", "x\\", ".*)|(?:"]) {
      // Each of them compiles once wrapped: that alone proves nothing.
      let wrappedCompiles = true;
      try {
        new RegExp(`^(?:${way})$`);
      } catch {
        wrappedCompiles = false;
      }
      if (way === "x)|(?:.*") expect(wrappedCompiles).toBe(true);
      expect(targetPatternProblem(way), way).toMatch(/not a valid regular expression on its own/);
      expect(() => targetPolicy({ prefix: "shop", allowedTargets: [way] })).toThrow(UserError);
      expect(() => parseConfig(`dbPrefix: shop\nallowedTargets: [${JSON.stringify(way)}]\n`)).toThrow(
        /allowedTargets.*cannot be an allowed target pattern/s,
      );
    }
    // Before the check, this pattern made production writable.
    expect(() => targetPolicy({ prefix: "shop", allowedTargets: ["shop_pr_1)|(?:.*"] })).toThrow(
      /allowed-targets: "shop_pr_1\)\|\(\?:\.\*" cannot be used: it is not a valid regular expression on its own/,
    );
  });

  it("accepts ordinary patterns, and they match whole names only", () => {
    for (const ok of [
      "shop_pr_[1-9][0-9]*",
      "shop_staging",
      "shop_(qa|uat)",
      "shop_pr_\\d+(_[a-z]+)?",
      "x{1,3}",
    ])
      expect(targetPatternProblem(ok), ok).toBeUndefined();
    const p = targetPolicy({ prefix: "shop", allowedTargets: ["shop_(qa|uat)"] });
    expect(assertWritableTarget("shop_qa", p)).toBe("shop_qa");
    expect(() => assertWritableTarget("shop_qa_prod", p)).toThrow(
      /matches none of the allowed target patterns/,
    );
  });

  it("bounds the size and refuses nested unbounded repetition", () => {
    expect(targetPatternProblem("a".repeat(MAX_TARGET_PATTERN_LENGTH))).toBeUndefined();
    expect(targetPatternProblem("a".repeat(MAX_TARGET_PATTERN_LENGTH + 1))).toMatch(/at most 256/);
    expect(targetPatternProblem("")).toMatch(/empty/);
    for (const slow of ["(a+)+", "(\\w*)*x", "shop_(x|y+){2,}", "((ab)*c)+", "(?:[a-z]+_?)*"])
      expect(targetPatternProblem(slow), slow).toMatch(/exponential time/);
    for (const fine of ["(a+)?", "(ab)+", "[(a+)+]", "\\(a+\\)+", "(a{1,3})+", "a+b+"])
      expect(targetPatternProblem(fine), fine).toBeUndefined();
  });

  it("property: whatever passes the check matches whole names only (generated patterns, most of them hostile)", () => {
    const token = fc.constantFrom(
      ")|(?:",
      ")|(",
      "a",
      "b",
      "_",
      "1",
      "|",
      "(",
      ")",
      "(?:",
      "*",
      "+",
      "?",
      "\\",
      "[",
      "]",
      ".",
      "$",
      "^",
    );
    const pattern = fc
      .array(token, { minLength: 1, maxLength: 10 })
      .map((t) => t.join(""))
      .filter((p) => !p.includes("[^")); // a negated class could match the line break used as glue
    const name = fc.array(fc.constantFrom("a", "b", "_", "1"), { maxLength: 5 }).map((t) => t.join(""));
    let leakyButWrappable = 0;
    fc.assert(
      fc.property(pattern, fc.array(name, { minLength: 1, maxLength: 8 }), (p, names) => {
        let anchored: RegExp;
        try {
          anchored = new RegExp(`^(?:${p})$`);
        } catch {
          return;
        }
        // JavaScript's $ without the m flag is the end of the input only, and nothing in these
        // patterns matches "\n": an anchored pattern never matches a name with "\n" glued on.
        const leaks = names.some((n) => anchored.test(`${n}\n`) || anchored.test(`\n${n}`));
        if (leaks) {
          leakyButWrappable++;
          expect(targetPatternProblem(p), p).toBeDefined();
        }
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: the generator does make patterns that way the wrapper and still compile in it.
    expect(leakyButWrappable).toBeGreaterThan(10);
  });
});

import { describe, expect, it } from "vitest";
import { maskedDataNote } from "../masking/describe";
import { showableCollectionName, snapshotFacts } from "./comment-facts";

const POLICY = "ab".repeat(32);
const complete = (extra: Record<string, unknown> = {}) => ({
  _id: "latest",
  status: "complete",
  timestamp: new Date("2026-11-22T03:00:00Z"),
  generation: "g20261122t030000z_ab12cd",
  ...extra,
});

describe("the snapshot facts the comments show, checked in one place", () => {
  it("a complete snapshot's facts pass through as they are", () => {
    expect(
      snapshotFacts(
        complete({ masking: { policy: POLICY, fields: 3 }, subset: { pmStudy: 120, pmProject: 0 } }),
      ),
    ).toEqual({
      timestamp: new Date("2026-11-22T03:00:00Z"),
      generation: "g20261122t030000z_ab12cd",
      maskingPolicy: POLICY,
      subset: { pmStudy: 120, pmProject: 0 },
    });
  });

  it("nothing for an incomplete snapshot or one without a real date", () => {
    expect(snapshotFacts(complete({ status: "writing" }))).toBeUndefined();
    expect(snapshotFacts(complete({ timestamp: "2026-11-22" }))).toBeUndefined();
    expect(snapshotFacts(complete({ timestamp: new Date("nope") }))).toBeUndefined();
    expect(snapshotFacts(null)).toBeUndefined();
  });

  it("a fact of the wrong type or shape is left out, with a warning, never shown raw", () => {
    const warnings: string[] = [];
    const log = { warning: (m: string) => warnings.push(m) };
    const facts = snapshotFacts(
      complete({
        generation: "g1\n\n# pwned",
        masking: { policy: "x\n\n[click](https://evil.example)" },
        subset: { "pmStudy\n\n[click](https://evil.example)": 3 },
      }),
      log,
    );
    expect(facts).toEqual({ timestamp: new Date("2026-11-22T03:00:00Z") });
    expect(warnings.join("\n")).toMatch(
      /generation, masking.policy, subset in a form the comments do not show/,
    );
    for (const subset of [
      { pmStudy: "12" },
      { pmStudy: -1 },
      { pmStudy: 1.5 },
      { a$b: 1 },
      ["pmStudy"],
      "pmStudy: 3",
    ])
      expect(snapshotFacts(complete({ subset }))?.subset, JSON.stringify(subset)).toBeUndefined();
  });

  it("names a comment can show", () => {
    for (const ok of ["pmStudy", "a.b", "x y", "données"]) expect(showableCollectionName(ok)).toBe(true);
    for (const bad of ["", "a\nb", "a\rb", "a\u0000b", "$cmd", "system.views", "x".repeat(256), 3, null])
      expect(showableCollectionName(bad), JSON.stringify(bad)).toBe(false);
  });

  it("what passes renders as one line per note, names in code", () => {
    const facts = snapshotFacts(complete({ masking: { policy: POLICY }, subset: { "a`b": 2 } }));
    const notes = maskedDataNote(facts?.maskingPolicy, facts?.subset);
    expect(notes).toHaveLength(2);
    for (const n of notes) expect(n).not.toMatch(/\n/);
    expect(notes[1]).toContain("`a'b` keeps 2 documents");
  });
});

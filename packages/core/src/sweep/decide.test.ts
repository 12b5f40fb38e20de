import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PullRequestRead } from "../github/pull-request-states";
import { DEFAULT_LABELS, type LabelNames } from "../settings";
import { decideSweep, type SweepCommentKind, type SweepState } from "./decide";

const NOW = new Date("2026-12-01T12:00:00Z");
const DAY = 86_400_000;
const D = DEFAULT_LABELS;
const C: LabelNames = { preview: "env: preview", snapshot: "data/prod", lock: "keep db" };

const open = (labels: string[]): PullRequestRead => ({ number: 7, status: "found", state: "open", labels });
const closed = (
  daysAgo: number,
  labels: string[],
  state: "closed" | "merged" = "closed",
): PullRequestRead => ({
  number: 7,
  status: "found",
  state,
  closedAt: new Date(NOW.getTime() - daysAgo * DAY),
  labels,
});
const state = (pr: PullRequestRead, more: Partial<SweepState> = {}): SweepState => ({
  pr,
  now: NOW,
  keepClosedDays: 30,
  remindDays: 7,
  names: D,
  ...more,
});

type Row = [string, SweepState, "keep" | "drop", SweepCommentKind | undefined, RegExp];

/** CONTRACT §10, one entry per row (and per variant of a row), with default and custom label names. */
const rows: Row[] = ([D, C] as const).flatMap((n): Row[] => {
  const s = (pr: PullRequestRead, more: Partial<SweepState> = {}) => state(pr, { names: n, ...more });
  return [
    // open, with preview or locked: keep
    [`open with ${n.preview}`, s(open([n.preview])), "keep", undefined, /open, with/],
    [`open, locked by ${n.lock}`, s(open([n.lock])), "keep", undefined, /open, locked/],
    [`open with both`, s(open([n.preview, n.lock, n.snapshot])), "keep", undefined, /open, locked/],
    // open, no preview, no lock: drop, db-dropped
    [`open without labels`, s(open([])), "drop", "db-dropped", /open without/],
    [`open with only ${n.snapshot}`, s(open([n.snapshot])), "drop", "db-dropped", /open without/],
    // closed, no lock: drop, db-dropped
    [`closed with ${n.preview}`, s(closed(1, [n.preview])), "drop", "db-dropped", /closed, not locked/],
    [`merged without labels`, s(closed(400, [], "merged")), "drop", "db-dropped", /merged, not locked/],
    // closed, locked, closed < keep − remind days ago: keep, no comment
    [
      `closed, locked, 1 day ago`,
      s(closed(1, [n.lock])),
      "keep",
      undefined,
      /closed 24 hours ago, locked: expires in 29 days$/,
    ],
    [`closed, locked, 22.9 days ago`, s(closed(22.9, [n.lock])), "keep", undefined, /expires in 7 days$/],
    // within remind-days of expiry: keep, db-expiring
    [
      `closed, locked, 23 days ago`,
      s(closed(23, [n.lock])),
      "keep",
      "db-expiring",
      /expires in 7 days \(remind-days 7\)/,
    ],
    [
      `merged, locked, 29.5 days ago`,
      s(closed(29.5, [n.lock], "merged")),
      "keep",
      "db-expiring",
      /merged 29 days ago, locked: expires in 12 hours/,
    ],
    // closed ≥ keep-closed-days ago: drop, db-expired
    [
      `closed, locked, 30 days ago`,
      s(closed(30, [n.lock])),
      "drop",
      "db-expired",
      /closed 30 days ago, locked: expired \(keep-closed-days 30\)/,
    ],
    [`closed, locked, 400 days ago`, s(closed(400, [n.lock, n.preview])), "drop", "db-expired", /expired/],
    // keep-closed-days 0 never expires locked databases
    [
      `keep-closed-days 0, closed 4000 days ago`,
      s(closed(4000, [n.lock]), { keepClosedDays: 0 }),
      "keep",
      undefined,
      /never expire/,
    ],
    [
      `keep-closed-days 0 still drops unlocked`,
      s(closed(1, []), { keepClosedDays: 0 }),
      "drop",
      "db-dropped",
      /not locked/,
    ],
    // remind-days 0: no reminder, still expires
    [`remind-days 0`, s(closed(29.9, [n.lock]), { remindDays: 0 }), "keep", undefined, /expires in/],
    // remind-days ≥ keep-closed-days: reminded from the day it closes
    [
      `remind-days 10, keep 5`,
      s(closed(0, [n.lock]), { keepClosedDays: 5, remindDays: 10 }),
      "keep",
      "db-expiring",
      /expires in 5 days/,
    ],
    // not found (deleted, transferred): drop, no comment
    [
      `not found`,
      s({ number: 7, status: "not-found", why: "no pull request #7 in this repository" }),
      "drop",
      undefined,
      /no pull request #7 .*deleted or transferred/,
    ],
    // cannot be read: never dropped
    [
      `unreadable`,
      s({ number: 7, status: "unreadable", why: "the GitHub GraphQL API could not be reached" }),
      "keep",
      undefined,
      /could not be read .*never dropped/,
    ],
  ];
});

describe("decideSweep: CONTRACT §10", () => {
  it.each(rows)("%s", (_name, s, action, comment, rule) => {
    const d = decideSweep(s);
    expect({ action: d.action, comment: d.comment }).toEqual({ action, comment });
    expect(d.rule).toMatch(rule);
  });

  it("says when a locked database expires", () => {
    expect(decideSweep(state(closed(10, ["persist-db"]))).expiresAt).toEqual(
      new Date(NOW.getTime() + 20 * DAY),
    );
  });

  it("labels of the default names mean nothing under custom names", () => {
    expect(decideSweep(state(open(["preview", "persist-db"]), { names: C })).action).toBe("drop");
  });
});

describe("decideSweep: properties", () => {
  const labels = fc.subarray(["preview", "use-snapshot", "persist-db", "bug"]);
  const pr = fc.oneof(
    labels.map((l): PullRequestRead => open(l)),
    fc
      .tuple(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        labels,
        fc.constantFrom("closed" as const, "merged" as const),
      )
      .map(([d, l, st]) => closed(d, l, st)),
    fc.constant<PullRequestRead>({ number: 7, status: "unreadable", why: "x" }),
    fc.constant<PullRequestRead>({ number: 7, status: "not-found", why: "x" }),
  );
  const input = fc.record({
    pr,
    keepClosedDays: fc.integer({ min: 0, max: 400 }),
    remindDays: fc.integer({ min: 0, max: 60 }),
  });

  it("never drops an unreadable PR, an open PR with preview or the lock, or a locked PR before it expires", () => {
    fc.assert(
      fc.property(input, ({ pr, keepClosedDays, remindDays }) => {
        const d = decideSweep(state(pr, { keepClosedDays, remindDays }));
        if (pr.status === "unreadable") expect(d.action).toBe("keep");
        if (pr.status !== "found") return;
        const locked = pr.labels.includes("persist-db");
        if (pr.state === "open" && (locked || pr.labels.includes("preview"))) expect(d.action).toBe("keep");
        if (locked && pr.state !== "open") {
          const age = NOW.getTime() - (pr.closedAt?.getTime() ?? 0);
          const expired = keepClosedDays > 0 && age >= keepClosedDays * DAY;
          expect(d.action).toBe(expired ? "drop" : "keep");
          // Never advises dropping a locked database it keeps, and never reminds after dropping.
          if (d.action === "drop") expect(d.comment).toBe("db-expired");
        }
      }),
    );
  });
});

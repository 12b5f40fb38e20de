import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_LABELS, type LabelNames } from "../settings";
import type { LockState } from "./decide";
import {
  causeText,
  drawn,
  eventName,
  explore,
  fromStage,
  holds,
  type Stage,
  type Step,
  stageOf,
  stateDiagram,
  type Transition,
  transitions,
} from "./diagram";

const names = DEFAULT_LABELS;

/** Reads the picture as a machine: where it says this step leads, or undefined if it shows nothing. */
function predict(
  ts: readonly Transition[],
  s: Step,
): { to: Stage; effect?: string; fill?: boolean } | undefined {
  const situation = { labels: s.seen, db: s.from.db };
  const event = eventName(s.event, names);
  const applies = (t: Transition, needEvent: boolean) =>
    t.causes.filter((c) => (!needEvent || c.events.includes(event)) && holds(c.condition, situation));
  const from = fromStage(s) ?? "start";
  const direct = ts.filter((t) => t.from === from && applies(t, true).length);
  expect(direct.length, `${from} ${event}: more than one arrow applies`).toBeLessThanOrEqual(1);
  const t = direct[0];
  if (!t) return undefined;
  if (!t.to.startsWith("choice:")) return { to: t.to as Stage, effect: applies(t, true)[0]?.effect };
  const branches = ts.filter((b) => b.from === t.to && applies(b, false).length);
  expect(branches, `${from} ${event}: one branch of the choice`).toHaveLength(1);
  return { to: branches[0]?.to as Stage, fill: true };
}

/** What the README says the diamond does: fill the database from the labels, or nothing without preview. */
const FILL: Partial<Record<Stage, readonly string[]>> = {
  none: ["none"],
  seed: ["reset"],
  snapshot: ["restore"],
  locked: ["reset", "restore"],
};

/** What each effect on a self-loop means, stated independently of diagram.ts. */
const EFFECTS: Record<string, (s: Step) => boolean> = {
  "put back": (s) => s.decision.labelChange !== undefined,
  "restored again": (s) => s.decision.dbAction === "restore",
  reset: (s) => s.decision.dbAction === "reset",
  kept: (s) => s.decision.dbAction === "keep",
};

describe("the label state machine picture", () => {
  it("explores every reachable state, open and closed, with and without each label", () => {
    const states = new Set(explore(names).map((s) => JSON.stringify(s.to)));
    expect(states.size).toBeGreaterThan(30);
    expect(new Set(explore(names).map((s) => stageOf(s.to)))).toEqual(
      new Set(["none", "seed", "snapshot", "leftover", "locked", "kept", "dropped"]),
    );
  });

  it("shows where every event leads in every reachable state, exactly as decide() decides", () => {
    const ts = transitions(names);
    const steps = explore(names);
    for (const s of steps) {
      const p = predict(ts, s);
      const what = `${JSON.stringify(s.from)} ${eventName(s.event, names)} (${s.decision.rule})`;
      if (!p) {
        expect(drawn(s), `${what}: the picture has no arrow for it`).toBe(false);
        continue;
      }
      expect(p.to, what).toBe(stageOf(s.to));
      if (p.fill) expect(FILL[p.to], `${what}: a fill`).toContain(s.decision.dbAction);
      else if (p.effect) expect(EFFECTS[p.effect]?.(s), `${what}: "${p.effect}"`).toBe(true);
      else if (fromStage(s) === stageOf(s.to) && drawn(s)) expect.fail(`${what}: the loop says nothing`);
    }
  });

  it("has the rows of CONTRACT §3 people look for", () => {
    const edges = transitions(names).map(
      (t) => `${t.from} -> ${t.to}: ${t.causes.map((c) => causeText(c, names)).join(" | ")}`,
    );
    expect(edges).toEqual(
      expect.arrayContaining([
        "start -> choice:0: opened",
        "locked -> kept: closed",
        "kept -> dropped: unlabeled persist-db",
        "kept -> locked: reopened",
        "seed -> locked: labeled persist-db",
        "snapshot -> dropped: closed",
        "snapshot -> none: unlabeled preview",
        "choice:0 -> snapshot: preview, use-snapshot, no persist-db",
        "choice:0 -> locked: preview, persist-db",
      ]),
    );
    expect(edges.find((e) => e.startsWith("locked -> locked:"))).toContain(
      "unlabeled use-snapshot → put back",
    );
  });

  it("renders a stateDiagram-v2 with the six stages people know, and the configured label names", () => {
    const custom: LabelNames = { preview: "env", snapshot: "prod-data", lock: "keep-db" };
    const text = stateDiagram(custom);
    expect(text.split("\n")[0]).toBe("stateDiagram-v2");
    for (const stage of [
      "no database",
      "seed data",
      "snapshot data",
      "locked",
      "kept after close",
      "dropped",
    ])
      expect(text).toContain(`state "${stage}" as`);
    expect(text).toContain("KeptAfterClose --> Dropped: unlabeled keep-db");
    const arrows = text.split("\n").filter((l) => l.includes("-->"));
    expect(arrows.join("\n")).not.toMatch(/persist-db|use-snapshot|preview/);
  });
});

describe("the picture follows decide()", () => {
  afterEach(() => {
    vi.doUnmock("./decide");
    vi.resetModules();
  });

  it("draws what a changed decide() does (closing a locked PR dropping its database)", async () => {
    vi.resetModules();
    vi.doMock("./decide", async (importOriginal) => {
      const real = await importOriginal<typeof import("./decide")>();
      return {
        ...real,
        decide: (s: LockState) =>
          s.action === "closed" && s.state === "closed"
            ? { dbAction: "drop", comment: "db-dropped", rule: "changed for this test" }
            : real.decide(s),
      };
    });
    const changed = await import("./diagram");
    const text = changed.stateDiagram(names);
    expect(text).toContain("Locked --> Dropped: closed");
    expect(text).not.toContain("Locked --> KeptAfterClose");
    expect(stateDiagram(names)).toContain("Locked --> KeptAfterClose: closed");
  });
});

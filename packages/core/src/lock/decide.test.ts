import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CommentKind } from "../github/comments";
import { DEFAULT_LABELS, type LabelNames } from "../settings";
import { type DbAction, type Decision, decide, type LabelChange, type LockState } from "./decide";

const D = DEFAULT_LABELS;
/** Custom names with the characters real label names have (spaces, slashes, colons). */
const C: LabelNames = { preview: "env: preview", snapshot: "data/prod", lock: "keep db" };

function state(
  action: string,
  labels: readonly string[],
  more: Partial<Omit<LockState, "action" | "labels">> = {},
): LockState {
  return {
    action,
    labels,
    state: "open",
    initialized: true,
    senderIsSelf: false,
    names: D,
    ...more,
  };
}

interface Expected {
  db: DbAction;
  change?: LabelChange;
  comment?: CommentKind;
}

function expectDecision(d: Decision, e: Expected): void {
  expect({ db: d.dbAction, change: d.labelChange, comment: d.comment }).toEqual({
    db: e.db,
    change: e.change,
    comment: e.comment,
  });
  expect(d.rule).not.toBe("");
}

type Row = [string, LockState, Expected];
const nothing: Expected = { db: "none" };

/** CONTRACT §3, one entry per row (and per variant of a row), with default and custom label names. */
const contractRows: Row[] = [
  // any label event whose sender is the token's own identity: none
  ...([D, C] as const).flatMap((n): Row[] => [
    [
      `self: labeled snapshot under the lock (${n.snapshot})`,
      state("labeled", [n.preview, n.snapshot, n.lock], { label: n.snapshot, senderIsSelf: true, names: n }),
      nothing,
    ],
    [
      `self: unlabeled snapshot under the lock (${n.snapshot})`,
      state("unlabeled", [n.preview, n.lock], { label: n.snapshot, senderIsSelf: true, names: n }),
      nothing,
    ],
    [
      `self: unlabeled lock on a closed PR (${n.lock})`,
      state("unlabeled", [n.preview], { label: n.lock, state: "closed", senderIsSelf: true, names: n }),
      nothing,
    ],
    [
      `self: unlabeled preview (${n.preview})`,
      state("unlabeled", [], { label: n.preview, senderIsSelf: true, names: n }),
      nothing,
    ],
    [
      `self: labeled lock (${n.lock})`,
      state("labeled", [n.lock], { label: n.lock, senderIsSelf: true, names: n }),
      nothing,
    ],
  ]),
  // labeled snapshot | L
  ...([D, C] as const).map(
    (n): Row => [
      `labeled snapshot under the lock: label removed (${n.snapshot})`,
      state("labeled", [n.preview, n.snapshot, n.lock], { label: n.snapshot, names: n }),
      { db: "none", change: { remove: n.snapshot }, comment: "snapshot-add-blocked" },
    ],
  ),
  [
    "labeled snapshot under the lock on a closed PR: label removed",
    state("labeled", [D.snapshot, D.lock], { label: D.snapshot, state: "closed" }),
    { db: "none", change: { remove: D.snapshot }, comment: "snapshot-add-blocked" },
  ],
  [
    "labeled snapshot under the lock, database known to hold seed data: label removed",
    state("labeled", [D.preview, D.snapshot, D.lock], { label: D.snapshot, lockedSnapshot: false }),
    { db: "none", change: { remove: D.snapshot }, comment: "snapshot-add-blocked" },
  ],
  // unlabeled snapshot | L
  ...([D, C] as const).map(
    (n): Row => [
      `unlabeled snapshot under the lock: label restored (${n.snapshot})`,
      state("unlabeled", [n.preview, n.lock], { label: n.snapshot, names: n }),
      { db: "none", change: { add: n.snapshot }, comment: "snapshot-remove-blocked" },
    ],
  ),
  [
    "unlabeled snapshot under the lock, database known to hold the snapshot: label restored",
    state("unlabeled", [D.preview, D.lock], { label: D.snapshot, lockedSnapshot: true }),
    { db: "none", change: { add: D.snapshot }, comment: "snapshot-remove-blocked" },
  ],
  // labeled snapshot | not L, open, P
  ...([D, C] as const).flatMap((n): Row[] =>
    [true, false].map((initialized) => [
      `labeled snapshot, unlocked, open, preview: restore (${n.snapshot}, initialized ${initialized})`,
      state("labeled", [n.preview, n.snapshot], { label: n.snapshot, names: n, initialized }),
      { db: "restore" },
    ]),
  ),
  // unlabeled snapshot | not L, open, P
  ...([D, C] as const).map(
    (n): Row => [
      `unlabeled snapshot, unlocked, open, preview: reset (${n.snapshot})`,
      state("unlabeled", [n.preview], { label: n.snapshot, names: n }),
      { db: "reset", comment: "db-reset" },
    ],
  ),
  // labeled lock
  ...([D, C] as const).flatMap((n): Row[] =>
    (["open", "closed"] as const).map((s) => [
      `labeled lock on an ${s} PR (${n.lock})`,
      state("labeled", [n.lock], { label: n.lock, state: s, names: n }),
      { db: "none", comment: "lock-added" },
    ]),
  ),
  // unlabeled lock | open
  ...([D, C] as const).map(
    (n): Row => [
      `unlabeled lock on an open PR (${n.lock})`,
      state("unlabeled", [n.preview, n.snapshot], { label: n.lock, names: n }),
      { db: "none", comment: "lock-removed" },
    ],
  ),
  // unlabeled lock | closed
  ...([D, C] as const).map(
    (n): Row => [
      `unlabeled lock on a closed PR: drop (${n.lock})`,
      state("unlabeled", [n.preview], { label: n.lock, state: "closed", names: n }),
      { db: "drop", comment: "db-dropped" },
    ],
  ),
  // closed | L
  ...([D, C] as const).map(
    (n): Row => [
      `closed with the lock: keep (${n.lock})`,
      state("closed", [n.preview, n.lock], { state: "closed", names: n }),
      { db: "keep", comment: "db-kept" },
    ],
  ),
  // closed | not L
  ...([D, C] as const).map(
    (n): Row => [
      `closed without the lock: drop (${n.lock})`,
      state("closed", [n.preview, n.snapshot], { state: "closed", names: n }),
      { db: "drop", comment: "db-dropped" },
    ],
  ),
  // opened, reopened, synchronize, labeled preview
  ...(["opened", "reopened", "synchronize", "labeled preview"] as const).flatMap((event): Row[] => {
    const [action, labelOf] = event === "labeled preview" ? ["labeled", true] : [event, false];
    return ([D, C] as const).flatMap((n): Row[] => {
      const label = labelOf ? { label: n.preview } : {};
      const s = (labels: string[], initialized: boolean) =>
        state(action, labels, { ...label, initialized, names: n });
      return [
        [`${event}: P, L, init: none (${n.lock})`, s([n.preview, n.lock], true), nothing],
        [`${event}: P, U, L, init: none (${n.lock})`, s([n.preview, n.snapshot, n.lock], true), nothing],
        [
          `${event}: P, U, L, first deploy: restore (${n.lock})`,
          s([n.preview, n.snapshot, n.lock], false),
          { db: "restore" },
        ],
        [`${event}: P, L, first deploy: reset (${n.lock})`, s([n.preview, n.lock], false), { db: "reset" }],
        [`${event}: P, U: restore (${n.preview})`, s([n.preview, n.snapshot], true), { db: "restore" }],
        [`${event}: P: reset (${n.preview})`, s([n.preview], true), { db: "reset" }],
        [`${event}: P, U, not init: restore`, s([n.preview, n.snapshot], false), { db: "restore" }],
        [`${event}: P, not init: reset`, s([n.preview], false), { db: "reset" }],
      ];
    });
  }),
  // unlabeled preview | open
  ...([D, C] as const).flatMap((n): Row[] => [
    [
      `unlabeled preview without the lock: drop (${n.preview})`,
      state("unlabeled", [n.snapshot], { label: n.preview, names: n }),
      { db: "drop", comment: "db-dropped" },
    ],
    [
      `unlabeled preview with the lock: keep (${n.preview})`,
      state("unlabeled", [n.snapshot, n.lock], { label: n.preview, names: n }),
      { db: "keep", comment: "db-kept" },
    ],
  ]),
  // anything else
  ["edited", state("edited", [D.preview, D.snapshot]), nothing],
  ["assigned", state("assigned", [D.preview]), nothing],
  ["ready_for_review", state("ready_for_review", [D.preview]), nothing],
  ["labeled with another label", state("labeled", [D.preview, "bug"], { label: "bug" }), nothing],
  ["unlabeled another label", state("unlabeled", [D.preview], { label: "bug" }), nothing],
  ["labeled without a label in the payload", state("labeled", [D.preview, D.snapshot]), nothing],
  [
    "a default name is just another label when custom names are configured",
    state("labeled", [C.preview, D.snapshot, C.lock], { label: D.snapshot, names: C }),
    nothing,
  ],
  ["opened without preview", state("opened", [D.snapshot]), nothing],
  ["synchronize without preview (locked)", state("synchronize", [D.lock]), nothing],
  ["labeled snapshot without preview", state("labeled", [D.snapshot], { label: D.snapshot }), nothing],
  [
    "labeled snapshot on a closed PR (unlocked)",
    state("labeled", [D.preview, D.snapshot], { label: D.snapshot, state: "closed" }),
    nothing,
  ],
  [
    "unlabeled snapshot on a closed PR (unlocked)",
    state("unlabeled", [D.preview], { label: D.snapshot, state: "closed" }),
    nothing,
  ],
  [
    "unlabeled preview on a closed PR",
    state("unlabeled", [], { label: D.preview, state: "closed" }),
    nothing,
  ],
  [
    "labeled preview on a closed PR",
    state("labeled", [D.preview], { label: D.preview, state: "closed" }),
    nothing,
  ],
];

describe("decide: every row of CONTRACT §3", () => {
  it.each(contractRows)("%s", (_name, s, expected) => {
    expectDecision(decide(s), expected);
  });
});

describe("decide: stale events (their change has been undone since) do nothing", () => {
  const rows: Row[] = [
    ["labeled snapshot, label gone again", state("labeled", [D.preview], { label: D.snapshot }), nothing],
    [
      "unlabeled snapshot, label back again",
      state("unlabeled", [D.preview, D.snapshot], { label: D.snapshot }),
      nothing,
    ],
    ["labeled lock, label gone again", state("labeled", [D.preview], { label: D.lock }), nothing],
    [
      "unlabeled lock on a closed PR, label back again: no drop",
      state("unlabeled", [D.lock], { label: D.lock, state: "closed" }),
      nothing,
    ],
    [
      "unlabeled lock on an open PR, label back again: no comment",
      state("unlabeled", [D.preview, D.lock], { label: D.lock }),
      nothing,
    ],
    ["labeled preview, label gone again", state("labeled", [D.snapshot], { label: D.preview }), nothing],
    [
      "unlabeled preview, label back again: no drop",
      state("unlabeled", [D.preview], { label: D.preview }),
      nothing,
    ],
    ["closed, but reopened since: no drop", state("closed", [D.preview], { state: "open" }), nothing],
    ...(["opened", "reopened", "synchronize"] as const).map(
      (a): Row => [`${a}, but closed since`, state(a, [D.preview], { state: "closed" }), nothing],
    ),
  ];
  it.each(rows)("%s", (_name, s, expected) => expectDecision(decide(s), expected));
});

describe("decide: under the lock the snapshot label is held", () => {
  const locked = [D.preview, D.lock];
  const rows: Row[] = [
    [
      "known snapshot data, labeled: already at its locked value",
      state("labeled", [...locked, D.snapshot], { label: D.snapshot, lockedSnapshot: true }),
      nothing,
    ],
    [
      "known seed data, unlabeled: already at its locked value",
      state("unlabeled", locked, { label: D.snapshot, lockedSnapshot: false }),
      nothing,
    ],
    [
      "known snapshot data, labeled event processed after the label was removed again: put back",
      state("labeled", locked, { label: D.snapshot, lockedSnapshot: true }),
      { db: "none", change: { add: D.snapshot }, comment: "snapshot-remove-blocked" },
    ],
    [
      "known seed data, unlabeled event processed after the label was added again: removed",
      state("unlabeled", [...locked, D.snapshot], { label: D.snapshot, lockedSnapshot: false }),
      { db: "none", change: { remove: D.snapshot }, comment: "snapshot-add-blocked" },
    ],
    [
      "unknown data, labeled event whose label is already gone: nothing to revert",
      state("labeled", locked, { label: D.snapshot }),
      nothing,
    ],
    [
      "unknown data, unlabeled event whose label is already back: nothing to revert",
      state("unlabeled", [...locked, D.snapshot], { label: D.snapshot }),
      nothing,
    ],
  ];
  it.each(rows)("%s", (_name, s, expected) => expectDecision(decide(s), expected));
});

describe("decide: before the first deploy the lock does not hold the snapshot label", () => {
  const rows: Row[] = [
    [
      "labeled snapshot with P and L, no database yet: restore (then locked)",
      state("labeled", [D.preview, D.snapshot, D.lock], { label: D.snapshot, initialized: false }),
      { db: "restore" },
    ],
    [
      "unlabeled snapshot with P and L, no database yet: reset",
      state("unlabeled", [D.preview, D.lock], { label: D.snapshot, initialized: false }),
      { db: "reset", comment: "db-reset" },
    ],
    [
      "labeled snapshot with L but no preview, no database: nothing",
      state("labeled", [D.snapshot, D.lock], { label: D.snapshot, initialized: false }),
      nothing,
    ],
    [
      "labeled snapshot with L on a closed PR, no database: nothing",
      state("labeled", [D.preview, D.snapshot, D.lock], {
        label: D.snapshot,
        initialized: false,
        state: "closed",
      }),
      nothing,
    ],
  ];
  it.each(rows)("%s", (_name, s, expected) => expectDecision(decide(s), expected));
});

// ---------------------------------------------------------------------------------------------
// Model-based properties. A small world (the PR's labels and state, and what the PR database
// holds) is changed by random user actions; each action produces the webhook event GitHub would
// send, which is processed against the LIVE world with decide(), whose label change and
// database action are then applied to the world (a label change made by the action produces an
// event of its own, sent by the token).
// ---------------------------------------------------------------------------------------------

type Db = "absent" | "seed" | "snapshot";

interface World {
  labels: string[];
  state: "open" | "closed";
  db: Db;
  /** Bumped by every drop, reset and restore: a locked database must keep its generation. */
  generation: number;
}

interface PrEvent {
  action: string;
  label?: string;
  self: boolean;
}

type UserAction =
  | { kind: "add" | "remove"; label: string }
  | { kind: "push" | "close" | "reopen" }
  /** The application deploys and seeds its database when there is none (not an event). */
  | { kind: "app-sync" };

/**
 * How the action learns `lockedSnapshot`: `known` (restore metadata says snapshot, the app's
 * metadata says seed), `restore-only` (the realistic default: only restores leave metadata),
 * `unknown` (never known: the label reverts to its pre-event value).
 */
type Knowledge = "known" | "restore-only" | "unknown";

const OTHER = "bug";
const initialized = (db: Db) => db !== "absent";
const clone = (w: World): World => ({ ...w, labels: [...w.labels] });
const sorted = (labels: readonly string[]) => [...labels].sort();

function lockedSnapshotOf(db: Db, knowledge: Knowledge): boolean | undefined {
  if (knowledge === "unknown" || db === "absent") return undefined;
  if (db === "snapshot") return true;
  return knowledge === "known" ? false : undefined;
}

/** Applies a user action to the world; returns the event GitHub sends for it, if any. */
function userAct(w: World, a: UserAction, names: LabelNames): PrEvent | undefined {
  switch (a.kind) {
    case "add":
      if (w.labels.includes(a.label)) return undefined;
      w.labels.push(a.label);
      return { action: "labeled", label: a.label, self: false };
    case "remove":
      if (!w.labels.includes(a.label)) return undefined;
      w.labels = w.labels.filter((l) => l !== a.label);
      return { action: "unlabeled", label: a.label, self: false };
    case "push":
      return w.state === "open" ? { action: "synchronize", self: false } : undefined;
    case "close":
      if (w.state === "closed") return undefined;
      w.state = "closed";
      return { action: "closed", self: false };
    case "reopen":
      if (w.state === "open") return undefined;
      w.state = "open";
      return { action: "reopened", self: false };
    case "app-sync":
      if (w.state === "open" && w.labels.includes(names.preview) && w.db === "absent") w.db = "seed";
      return undefined;
  }
}

interface Processed {
  decision: Decision;
  /** Events caused by the action's own label change (sender = the token). */
  selfEvents: PrEvent[];
  before: World;
}

/** Processes one event against the live world, as the action does, and applies the decision. */
function processEvent(w: World, e: PrEvent, names: LabelNames, knowledge: Knowledge): Processed {
  const before = clone(w);
  const decision = decide({
    action: e.action,
    ...(e.label !== undefined ? { label: e.label } : {}),
    labels: [...w.labels],
    state: w.state,
    initialized: initialized(w.db),
    senderIsSelf: e.self,
    names,
    lockedSnapshot: lockedSnapshotOf(w.db, knowledge),
  });
  const selfEvents: PrEvent[] = [];
  const { add, remove } = decision.labelChange ?? {};
  if (add && !w.labels.includes(add)) {
    w.labels.push(add);
    selfEvents.push({ action: "labeled", label: add, self: true });
  }
  if (remove && w.labels.includes(remove)) {
    w.labels = w.labels.filter((l) => l !== remove);
    selfEvents.push({ action: "unlabeled", label: remove, self: true });
  }
  switch (decision.dbAction) {
    case "restore":
      w.db = "snapshot";
      w.generation++;
      break;
    case "reset":
    case "drop":
      w.db = "absent";
      w.generation++;
      break;
    default:
      break;
  }
  return { decision, selfEvents, before };
}

/** With the lock present, the database is changed only by the first deploy and the unlock-on-closed row. */
function assertLockRespected(p: Processed, after: World, e: PrEvent, names: LabelNames): void {
  const { before, decision } = p;
  const L = before.labels.includes(names.lock);
  const changesDb = ["drop", "reset", "restore"].includes(decision.dbAction);
  if (L && changesDb) {
    // the first deploy: P, L, no database yet, open
    expect(before.labels).toContain(names.preview);
    expect(before.state).toBe("open");
    expect(initialized(before.db)).toBe(false);
    expect(decision.dbAction).not.toBe("drop");
  }
  if (L && initialized(before.db)) expect(after.generation).toBe(before.generation);
  if (e.self) {
    expect(decision).toMatchObject({ dbAction: "none" });
    expect(decision.labelChange).toBeUndefined();
    expect(decision.comment).toBeUndefined();
    expect(after).toEqual(before);
  }
}

/** Same as above when the event itself removed the lock: only "unlabeled lock on a closed PR" may drop. */
function assertUnlockOnlyDropsWhenClosed(preEvent: World, p: Processed, e: PrEvent, names: LabelNames): void {
  if (!preEvent.labels.includes(names.lock) || !initialized(preEvent.db)) return;
  if (p.decision.dbAction === "none" || p.decision.dbAction === "keep") return;
  expect(e).toMatchObject({ action: "unlabeled", label: names.lock });
  expect(p.before.state).toBe("closed");
  expect(p.decision.dbAction).toBe("drop");
}

const namesArb = fc.constantFrom(D, C);
const knowledgeArb = fc.constantFrom<Knowledge>("known", "restore-only", "unknown");

function worldArb(names: LabelNames): fc.Arbitrary<World> {
  return fc.record({
    labels: fc.subarray([names.preview, names.snapshot, names.lock, OTHER]),
    state: fc.constantFrom<"open" | "closed">("open", "closed"),
    db: fc.constantFrom<Db>("absent", "seed", "snapshot"),
    generation: fc.constant(0),
  });
}

function userActionArb(names: LabelNames, { appSync = true } = {}): fc.Arbitrary<UserAction> {
  const toggle = (label: fc.Arbitrary<string>) =>
    fc.record({ kind: fc.constantFrom<"add" | "remove">("add", "remove"), label });
  return fc.oneof(
    { arbitrary: toggle(fc.constantFrom(names.preview, names.snapshot, names.lock)), weight: 6 },
    // snapshot toggles are what the lock is about: make them frequent
    { arbitrary: toggle(fc.constant(names.snapshot)), weight: 2 },
    { arbitrary: toggle(fc.constant(OTHER)), weight: 1 },
    {
      arbitrary: fc.constantFrom<UserAction>({ kind: "push" }, { kind: "close" }, { kind: "reopen" }),
      weight: 3,
    },
    { arbitrary: fc.constant<UserAction>({ kind: "app-sync" }), weight: appSync ? 1 : 0 },
  );
}

const scenarioArb = (appSync: boolean, maxLength: number) =>
  namesArb.chain((names) =>
    fc.record({
      names: fc.constant(names),
      world: worldArb(names),
      actions: fc.array(userActionArb(names, { appSync }), { minLength: 1, maxLength }),
      knowledge: knowledgeArb,
    }),
  );

describe("decide: properties over random user actions, each event processed as it happens", () => {
  it("with the lock present the database is never dropped, reset or restored, except the first deploy and unlock-on-closed", () => {
    fc.assert(
      fc.property(scenarioArb(true, 40), ({ names, world, actions, knowledge }) => {
        const w = clone(world);
        for (const a of actions) {
          const preEvent = clone(w);
          const e = userAct(w, a, names);
          if (!e) continue;
          const p = processEvent(w, e, names, knowledge);
          assertLockRespected(p, w, e, names);
          assertUnlockOnlyDropsWhenClosed(preEvent, p, e, names);
          for (const se of p.selfEvents)
            assertLockRespected(processEvent(w, se, names, knowledge), w, se, names);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("a label revert restores exactly the label set from before the event, and the lock holds the snapshot label", () => {
    let reverts = 0;
    fc.assert(
      fc.property(scenarioArb(true, 40), ({ names, world, actions, knowledge }) => {
        const w = clone(world);
        for (const a of actions) {
          const preEvent = sorted(w.labels);
          const e = userAct(w, a, names);
          if (!e) continue;
          const p = processEvent(w, e, names, knowledge);
          if (p.decision.labelChange) {
            reverts++;
            expect(sorted(w.labels)).toEqual(preEvent);
            // and the revert is of the snapshot label only: the lock and preview are never touched
            expect(Object.values(p.decision.labelChange)).toEqual([names.snapshot]);
          }
          const lockedDb = p.before.labels.includes(names.lock) && initialized(p.before.db);
          if (lockedDb && e.label === names.snapshot) {
            // a user's change does not stick: the label ends at the locked value, or where it was before
            const held = lockedSnapshotOf(p.before.db, knowledge) ?? preEvent.includes(names.snapshot);
            expect(w.labels.includes(names.snapshot)).toBe(held);
          }
          for (const se of p.selfEvents) processEvent(w, se, names, knowledge);
        }
      }),
      { numRuns: 2000 },
    );
    expect(reverts).toBeGreaterThan(100);
  });

  it("events caused by the token itself are no-ops (no ping-pong), whatever the state", () => {
    const labelEventArb = namesArb.chain((names) =>
      fc.record({
        names: fc.constant(names),
        action: fc.constantFrom("labeled", "unlabeled"),
        label: fc.constantFrom(names.preview, names.snapshot, names.lock, OTHER),
        labels: fc.subarray([names.preview, names.snapshot, names.lock, OTHER]),
        state: fc.constantFrom<"open" | "closed">("open", "closed"),
        initialized: fc.boolean(),
        lockedSnapshot: fc.option(fc.boolean(), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(labelEventArb, (s) => {
        const d = decide({ ...s, senderIsSelf: true });
        expect(d.dbAction).toBe("none");
        expect(d.labelChange).toBeUndefined();
        expect(d.comment).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it("feeding the action's own label changes back in never changes anything again", () => {
    fc.assert(
      fc.property(scenarioArb(true, 30), ({ names, world, actions, knowledge }) => {
        const w = clone(world);
        for (const a of actions) {
          const e = userAct(w, a, names);
          if (!e) continue;
          let queue = processEvent(w, e, names, knowledge).selfEvents;
          // Were self events not ignored, a revert under an unknown lockedSnapshot would re-revert forever.
          for (let round = 0; queue.length > 0; round++) {
            expect(round).toBeLessThan(1);
            const frozen = clone(w);
            queue = queue.flatMap((se) => processEvent(w, se, names, knowledge).selfEvents);
            expect(w).toEqual(frozen);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Bursts: users act several times before any run starts, so every event is processed against
// the same (final) live labels and state, in an arbitrary order. The order must not matter.
// ---------------------------------------------------------------------------------------------

interface BurstResult {
  world: World;
  steps: number;
}

/**
 * Processes `events` in the given order; each label change made by the action produces a self
 * event that is queued at a position chosen by `positions` (runs overlap in any order too).
 */
function processBurst(
  start: World,
  events: readonly PrEvent[],
  names: LabelNames,
  knowledge: Knowledge,
  positions: readonly number[] = [],
): BurstResult {
  const w = clone(start);
  const queue = [...events];
  let steps = 0;
  let nextPosition = 0;
  while (queue.length > 0) {
    const e = queue.shift() as PrEvent;
    steps++;
    const p = processEvent(w, e, names, knowledge);
    assertLockRespected(p, w, e, names);
    for (const se of p.selfEvents) {
      const at = positions.length
        ? (positions[nextPosition++ % positions.length] ?? 0) % (queue.length + 1)
        : queue.length;
      queue.splice(at, 0, se);
    }
    expect(steps).toBeLessThan(200);
  }
  return { world: w, steps };
}

function permute<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((x) => x.item);
}

/**
 * What CONTRACT §3 prescribes after a burst, stated from the final live labels and state and
 * the kinds of events in the burst, independently of decide()'s branches.
 */
function prescribed(afterUsers: World, dbBefore: Db, events: readonly PrEvent[], names: LabelNames): World {
  const has = (l: string) => afterUsers.labels.includes(l);
  const [P, U, L] = [has(names.preview), has(names.snapshot), has(names.lock)];
  const open = afterUsers.state === "open";
  const fillTrigger = (e: PrEvent) =>
    ["opened", "reopened", "synchronize"].includes(e.action) ||
    (e.action === "labeled" && e.label === names.preview) ||
    (e.label === names.snapshot && (e.action === "labeled") === U);
  let db = dbBefore;
  if (L && initialized(dbBefore)) db = dbBefore;
  else if (open && P && events.some(fillTrigger)) db = U ? "snapshot" : "absent";
  else if (
    !L &&
    !open &&
    events.some((e) => e.action === "closed" || (e.action === "unlabeled" && e.label === names.lock))
  )
    db = "absent";
  else if (!L && open && !P && events.some((e) => e.action === "unlabeled" && e.label === names.preview))
    db = "absent";

  let labels = sorted(afterUsers.labels);
  if (L && initialized(dbBefore) && events.some((e) => e.label === names.snapshot)) {
    const held = dbBefore === "snapshot";
    labels = sorted([
      ...afterUsers.labels.filter((l) => l !== names.snapshot),
      ...(held ? [names.snapshot] : []),
    ]);
  }
  return { labels, state: afterUsers.state, db, generation: 0 };
}

const comparable = (w: World) => ({ labels: sorted(w.labels), state: w.state, db: w.db });

describe("decide: a burst of events converges whatever order the runs happen in", () => {
  it("shuffled processing ends in the same labels and database as in-order processing, as the table prescribes", () => {
    const burstArb = namesArb.chain((names) =>
      fc.record({
        names: fc.constant(names),
        world: worldArb(names),
        actions: fc.array(userActionArb(names, { appSync: false }), { minLength: 1, maxLength: 14 }),
        order: fc.array(fc.nat(), { minLength: 14, maxLength: 14 }),
        positions: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
      }),
    );
    let withReverts = 0;
    fc.assert(
      fc.property(burstArb, ({ names, world, actions, order, positions }) => {
        const afterUsers = clone(world);
        const events = actions.flatMap((a) => userAct(afterUsers, a, names) ?? []);
        const inOrder = processBurst(afterUsers, events, names, "known");
        const shuffled = processBurst(afterUsers, permute(events, order), names, "known", positions);
        const expected = comparable(prescribed(afterUsers, world.db, events, names));
        expect(comparable(inOrder.world)).toEqual(expected);
        expect(comparable(shuffled.world)).toEqual(expected);
        if (shuffled.steps > events.length) withReverts++;
      }),
      { numRuns: 3000 },
    );
    expect(withReverts).toBeGreaterThan(100);
  });

  it("a PR opened with its labels (opened + one labeled event each, any order) gets its first deploy and keeps its labels", () => {
    const creationArb = namesArb.chain((names) =>
      fc.record({
        names: fc.constant(names),
        labels: fc.subarray([names.preview, names.snapshot, names.lock, OTHER]),
        order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        // a restore always leaves its metadata, so after one the locked value is known
        knowledge: fc.constantFrom<Knowledge>("known", "restore-only"),
      }),
    );
    fc.assert(
      fc.property(creationArb, ({ names, labels, order, knowledge }) => {
        const created: World = { labels, state: "open", db: "absent", generation: 0 };
        const events: PrEvent[] = [
          { action: "opened", self: false },
          ...labels.map((label) => ({ action: "labeled", label, self: false })),
        ];
        const { world } = processBurst(created, permute(events, order), names, knowledge);
        expect(sorted(world.labels)).toEqual(sorted(labels));
        const expectedDb =
          labels.includes(names.preview) && labels.includes(names.snapshot) ? "snapshot" : "absent";
        expect(world.db).toBe(expectedDb);
      }),
      { numRuns: 1000 },
    );
  });

  it("both labels from the start: restored on the first deploy, then locked on the next sync", () => {
    const w: World = { labels: [D.preview, D.snapshot, D.lock], state: "open", db: "absent", generation: 0 };
    processEvent(w, { action: "labeled", label: D.snapshot, self: false }, D, "restore-only");
    expect(w).toMatchObject({ db: "snapshot", generation: 1 });
    const p = processEvent(w, { action: "synchronize", self: false }, D, "restore-only");
    expect(p.decision.dbAction).toBe("none");
    processEvent(w, { action: "opened", self: false }, D, "restore-only");
    expect(w).toMatchObject({ db: "snapshot", generation: 1, labels: [D.preview, D.snapshot, D.lock] });
  });
});

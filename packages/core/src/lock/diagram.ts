import { DEFAULT_LABELS, type LabelNames } from "../settings";
import { type Decision, decide } from "./decide";

/*
 * The label state machine of CONTRACT §3 as a picture, derived by asking decide() what every event
 * does in every reachable state. Nothing here restates a rule, so the picture cannot say something
 * the code does not do: change decide() and the generated diagram changes with it.
 */

export type DbContents = "none" | "seed" | "snapshot";
type LabelKey = keyof LabelNames;
const LABEL_KEYS: readonly LabelKey[] = ["preview", "snapshot", "lock"];
type Labels = Readonly<Record<LabelKey, boolean>>;

/** What decide() can tell apart: the PR's state, its labels and what its database holds. */
export interface AbstractState {
  open: boolean;
  db: DbContents;
  labels: Labels;
}

export type PrEvent =
  | { action: "opened" | "reopened" | "synchronize" | "closed" }
  | { action: "labeled" | "unlabeled"; label: LabelKey };

/** The states people think in; each stands for several abstract states. */
export type Stage = "none" | "seed" | "snapshot" | "leftover" | "locked" | "kept" | "dropped";

export const STAGE_NAMES: Readonly<Record<Stage, string>> = {
  none: "no database",
  seed: "seed data",
  snapshot: "snapshot data",
  leftover: "left over (no preview)",
  locked: "locked",
  kept: "kept after close",
  dropped: "dropped",
};
const STAGES = Object.keys(STAGE_NAMES) as Stage[];

export function stageOf(s: AbstractState): Stage {
  if (!s.open) return s.db === "none" ? "dropped" : "kept";
  if (s.db === "none") return "none";
  if (s.labels.lock) return "locked";
  // Unlocking a database whose preview was removed under the lock leaves it in place.
  if (!s.labels.preview) return "leftover";
  return s.db;
}

export interface Step {
  /** For `opened`: no database yet, and the labels the PR is created with. */
  from: AbstractState;
  event: PrEvent;
  /** The labels decide() is given: the live labels after the event. */
  seen: Labels;
  to: AbstractState;
  decision: Decision;
}

/**
 * One event in one state, as enforce-lock sees it: the labels after the event, the database's
 * existence as `init`, and its contents as the lock's memory of the snapshot label.
 * Undefined when the event cannot happen there (adding a label that is already present).
 */
export function step(from: AbstractState, event: PrEvent, names: LabelNames): Step | undefined {
  let { open, labels } = from;
  switch (event.action) {
    case "opened":
      if (!open || from.db !== "none") return undefined;
      break;
    case "reopened":
      if (open) return undefined;
      open = true;
      break;
    case "closed":
      if (!open) return undefined;
      open = false;
      break;
    case "synchronize":
      if (!open) return undefined;
      break;
    default: {
      const adding = event.action === "labeled";
      if (labels[event.label] === adding) return undefined;
      labels = { ...labels, [event.label]: adding };
    }
  }
  const seen = labels;
  const decision = decide({
    action: event.action,
    ...("label" in event ? { label: names[event.label] } : {}),
    labels: LABEL_KEYS.filter((k) => seen[k]).map((k) => names[k]),
    state: open ? "open" : "closed",
    initialized: from.db !== "none",
    senderIsSelf: false,
    names,
    // Seed data carries no restore metadata, so enforce-lock knows nothing about it.
    ...(from.db === "snapshot" ? { lockedSnapshot: true } : {}),
  });
  for (const k of LABEL_KEYS) {
    if (decision.labelChange?.add === names[k]) labels = { ...labels, [k]: true };
    if (decision.labelChange?.remove === names[k]) labels = { ...labels, [k]: false };
  }
  return { from, event, seen, to: { open, db: afterAction(from.db, decision), labels }, decision };
}

function afterAction(db: DbContents, d: Decision): DbContents {
  switch (d.dbAction) {
    case "restore":
      return "snapshot";
    case "reset":
      // reset drops the database, and the application seeds it on its next sync.
      return "seed";
    case "drop":
      return "none";
    default:
      return db;
  }
}

/** Events after `opened`, which only starts a PR. */
const EVENTS: readonly PrEvent[] = [
  { action: "synchronize" },
  ...LABEL_KEYS.flatMap((label): PrEvent[] => [
    { action: "labeled", label },
    { action: "unlabeled", label },
  ]),
  { action: "closed" },
  { action: "reopened" },
];

const labelsKey = (l: Labels) => LABEL_KEYS.map((k) => (l[k] ? k[0] : "-")).join("");
const stateKey = (s: AbstractState) => `${s.open ? "open" : "closed"}/${s.db}/${labelsKey(s.labels)}`;

/** Every step reachable from a PR opened with any set of labels, one event at a time. */
export function explore(names: LabelNames): Step[] {
  const steps: Step[] = [];
  const seen = new Set<string>();
  const queue: AbstractState[] = [];
  const visit = (s: Step | undefined) => {
    if (!s) return;
    steps.push(s);
    if (seen.has(stateKey(s.to))) return;
    seen.add(stateKey(s.to));
    queue.push(s.to);
  };
  for (const present of subsets(LABEL_KEYS)) {
    const labels = { preview: false, snapshot: false, lock: false };
    for (const k of present) labels[k] = true;
    visit(step({ open: true, db: "none", labels }, { action: "opened" }, names));
  }
  for (let s = queue.shift(); s; s = queue.shift()) for (const e of EVENTS) visit(step(s, e, names));
  return steps;
}

function subsets<T>(xs: readonly T[]): T[][] {
  return xs.reduce<T[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]]);
}

// ---- From steps to a readable picture ----

/** A condition on the labels after the event and, where it matters, the database before it. */
export interface Condition {
  labels: Partial<Record<LabelKey, boolean>>;
  db?: "seed" | "snapshot";
}

export interface Situation {
  labels: Labels;
  db: DbContents;
}

const CONDITIONS: readonly Condition[] = (() => {
  const out: Condition[] = [];
  const values = [undefined, true, false] as const;
  for (const preview of values)
    for (const snapshot of values)
      for (const lock of values)
        for (const db of [undefined, "seed", "snapshot"] as const) {
          const labels: Condition["labels"] = {};
          if (preview !== undefined) labels.preview = preview;
          if (snapshot !== undefined) labels.snapshot = snapshot;
          if (lock !== undefined) labels.lock = lock;
          out.push(db ? { labels, db } : { labels });
        }
  // Fewest terms first, present labels before absent ones: "(preview)" reads better than "(no x)".
  const weight = (c: Condition) =>
    Object.values(c.labels).reduce((w, v) => w + (v ? 10 : 11), 0) + (c.db ? 12 : 0);
  return out.sort((a, b) => weight(a) - weight(b));
})();

export const holds = (c: Condition, s: Situation) =>
  (c.db === undefined || c.db === s.db) &&
  LABEL_KEYS.every((k) => c.labels[k] === undefined || c.labels[k] === s.labels[k]);

/** Greedily, the fewest and simplest conditions that hold in every `yes` situation and in no `no` one. */
function cover(yes: readonly Situation[], no: readonly Situation[]): Condition[] {
  const usable = CONDITIONS.filter((c) => !no.some((s) => holds(c, s)));
  const out: Condition[] = [];
  let left = [...yes];
  while (left.length) {
    let best: Condition | undefined;
    let covered = 0;
    for (const c of usable) {
      const n = left.filter((s) => holds(c, s)).length;
      if (n > covered) [best, covered] = [c, n];
    }
    // A situation's full description always separates it, unless decide() answered differently
    // for two identical inputs.
    if (!best) throw new Error("decide() is not a function of the PR's state, labels and database");
    const chosen = best;
    out.push(chosen);
    left = left.filter((s) => !holds(chosen, s));
  }
  return out;
}

function conditionText(c: Condition, names: LabelNames): string {
  const terms = LABEL_KEYS.flatMap((k) =>
    c.labels[k] === undefined ? [] : [c.labels[k] ? names[k] : `no ${names[k]}`],
  );
  if (c.db) terms.push(`holds ${STAGE_NAMES[c.db]}`);
  return terms.join(", ");
}

export function eventName(e: PrEvent, names: LabelNames): string {
  if ("label" in e) return `${e.action} ${names[e.label]}`;
  return e.action === "synchronize" ? "push" : e.action;
}

export const fromStage = (s: Step): Stage | undefined =>
  s.event.action === "opened" ? undefined : stageOf(s.from);

/** Where a step leads and what it does on the way. */
const outcome = (s: Step) =>
  `${stageOf(s.to)}|${s.decision.dbAction}|${JSON.stringify(s.decision.labelChange ?? {})}`;

/** Worth drawing: it moves to another stage, or replaces the data, keeps it, or puts a label back. */
export function drawn(s: Step): boolean {
  return (
    fromStage(s) !== stageOf(s.to) ||
    s.decision.labelChange !== undefined ||
    ["restore", "reset", "keep"].includes(s.decision.dbAction)
  );
}

/** What a step does that its target does not already say. */
function effect(s: Step): string | undefined {
  if (fromStage(s) !== stageOf(s.to)) return undefined;
  const d = s.decision;
  if (d.labelChange) return "put back";
  if (d.dbAction === "restore") return "restored again";
  if (d.dbAction === "reset") return "reset";
  if (d.dbAction === "keep") return "kept";
  return undefined;
}

export interface Cause {
  events: string[];
  /** Empty: always. */
  condition: Condition;
  effect?: string;
}

export interface Transition {
  /** `start`: the PR is opened; `choice:N`: a decision shared by several events. */
  from: Stage | "start" | `choice:${number}`;
  to: Stage | `choice:${number}`;
  causes: Cause[];
}

/** All steps of one event from one stage. */
interface Group {
  from: Stage | "start";
  event: string;
  steps: Step[];
}

/**
 * The transitions between stages. Events that all do the same thing, as a function of the labels
 * alone (opened, reopened, a push, adding preview, ...), meet at one choice whose branches carry
 * the conditions, instead of each repeating them.
 */
export function transitions(names: LabelNames = DEFAULT_LABELS): Transition[] {
  const groups = new Map<string, Group>();
  for (const s of explore(names)) {
    const from = fromStage(s) ?? "start";
    const event = eventName(s.event, names);
    const k = `${from}|${event}`;
    const g = groups.get(k) ?? { from, event, steps: [] };
    g.steps.push(s);
    groups.set(k, g);
  }
  const situationKey = (s: Step) => `${s.to.open}/${labelsKey(s.seen)}`;
  /** The group's outcome by situation, if the labels alone decide it. */
  const asFunction = (g: Group) => {
    const f = new Map<string, string>();
    for (const s of g.steps) {
      const k = situationKey(s);
      if (f.has(k) && f.get(k) !== outcome(s)) return undefined;
      f.set(k, outcome(s));
    }
    return f;
  };

  const eventOrder = [{ action: "opened" } as const, ...EVENTS].map((e) => eventName(e, names));
  const out: Transition[] = [];
  const add = (from: Transition["from"], to: Transition["to"], cause: Cause) => {
    let t = out.find((x) => x.from === from && x.to === to);
    if (!t) {
      t = { from, to, causes: [] };
      out.push(t);
    }
    const same = t.causes.find(
      (c) =>
        conditionText(c.condition, names) === conditionText(cause.condition, names) &&
        c.effect === cause.effect,
    );
    if (!same) t.causes.push(cause);
    else {
      for (const e of cause.events) if (!same.events.includes(e)) same.events.push(e);
      same.events.sort((a, b) => eventOrder.indexOf(a) - eventOrder.indexOf(b));
    }
  };

  const merged = new Set<Group>();
  let choices = 0;
  const candidates = [...groups.values()].sort((a, b) => b.steps.length - a.steps.length);
  for (const seed of candidates) {
    const f = asFunction(seed);
    if (merged.has(seed) || !f || new Set(seed.steps.filter(drawn).map((s) => stageOf(s.to))).size < 2)
      continue;
    const members = [seed];
    for (const g of candidates) {
      const h = g === seed || merged.has(g) ? undefined : asFunction(g);
      // A group that never does anything would only add noise to the picture.
      if (h && g.steps.some(drawn) && [...h].every(([k, v]) => f.get(k) === v)) members.push(g);
    }
    if (members.length < 2) continue;
    const id = `choice:${choices++}` as const;
    for (const g of members) {
      merged.add(g);
      add(g.from, id, { events: [g.event], condition: { labels: {} } });
    }
    const steps = seed.steps;
    for (const target of new Set(steps.filter(drawn).map((s) => stageOf(s.to)))) {
      const yes = steps.filter((s) => stageOf(s.to) === target);
      const no = steps.filter((s) => stageOf(s.to) !== target);
      // The members agree for any database, so a branch's condition is on the labels alone.
      const situation = (s: Step) => ({ labels: s.seen, db: "none" as const });
      for (const c of cover(yes.map(situation), no.map(situation)))
        add(id, target, { events: [], condition: c });
    }
  }

  for (const g of groups.values()) {
    if (merged.has(g)) continue;
    // By what the picture shows (target and effect), so conditions that change nothing visible are left out.
    const shown = (s: Step) => `${stageOf(s.to)}|${effect(s) ?? ""}`;
    const byShown = new Map<string, Step[]>();
    for (const s of g.steps) if (drawn(s)) byShown.set(shown(s), [...(byShown.get(shown(s)) ?? []), s]);
    for (const [o, yes] of byShown) {
      const no = g.steps.filter((s) => !drawn(s) || shown(s) !== o);
      const first = yes[0] as Step;
      const situation = (s: Step) => ({ labels: s.seen, db: s.from.db });
      for (const condition of cover(yes.map(situation), no.map(situation))) {
        const fx = effect(first);
        add(g.from, stageOf(first.to), { events: [g.event], condition, ...(fx ? { effect: fx } : {}) });
      }
    }
  }
  const rank = (n: Transition["from"]) =>
    n === "start" ? -1 : n.startsWith("choice:") ? 100 + Number(n.slice(7)) : STAGES.indexOf(n as Stage);
  return out.sort((a, b) => rank(a.from) - rank(b.from) || rank(a.to) - rank(b.to));
}

const STATE_IDS: Readonly<Record<Stage, string>> = {
  none: "NoDatabase",
  seed: "SeedData",
  snapshot: "SnapshotData",
  leftover: "LeftOver",
  locked: "Locked",
  kept: "KeptAfterClose",
  dropped: "Dropped",
};

const nodeId = (n: Transition["from"] | Transition["to"]) =>
  n === "start" ? "[*]" : n.startsWith("choice:") ? `fill${n.slice(7)}` : STATE_IDS[n as Stage];

/** "push / labeled use-snapshot (preview) → restored again"; a choice's branches show only the condition. */
export function causeText(c: Cause, names: LabelNames): string {
  const condition = conditionText(c.condition, names);
  return [c.events.join(" / "), condition && (c.events.length ? `(${condition})` : condition)]
    .filter(Boolean)
    .join(" ")
    .concat(c.effect ? ` → ${c.effect}` : "");
}

/** The Mermaid `stateDiagram-v2` source of the label state machine (without the code fence). */
export function stateDiagram(names: LabelNames = DEFAULT_LABELS): string {
  const all = transitions(names);
  // Left to right: dagre then lays the stages out roughly in the order a PR goes through them.
  const lines = ["stateDiagram-v2", "  direction LR"];
  for (const s of STAGES) lines.push(`  state "${STAGE_NAMES[s]}" as ${STATE_IDS[s]}`);
  for (const c of new Set(all.flatMap((t) => [t.from, t.to]).filter((n) => n.startsWith("choice:"))))
    lines.push(`  state ${nodeId(c)} <<choice>>`);
  for (const t of all) {
    const label = t.causes.map((c) => causeText(c, names)).join("<br>");
    lines.push(`  ${nodeId(t.from)} --> ${nodeId(t.to)}${label ? `: ${label}` : ""}`);
  }
  return lines.join("\n");
}

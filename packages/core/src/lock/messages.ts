import type { CommentKind } from "../github/comments";
import { code, formatUtc } from "../markdown";
import type { LabelNames } from "../settings";

/** The comments enforce-lock posts (`db-restored` is restore-snapshot's, `preview` the sticky one). */
export const LOCK_COMMENT_KINDS = [
  "snapshot-add-blocked",
  "snapshot-remove-blocked",
  "lock-added",
  "lock-removed",
  "db-reset",
  "db-dropped",
  "db-kept",
] as const satisfies readonly CommentKind[];

export type LockCommentKind = (typeof LOCK_COMMENT_KINDS)[number];

export function isLockCommentKind(kind: string | undefined): kind is LockCommentKind {
  return (LOCK_COMMENT_KINDS as readonly string[]).includes(kind ?? "");
}

export interface LockMessageContext {
  database: string;
  names: LabelNames;
  /** The pull request's labels after this action's own label change. */
  labels: readonly string[];
  /** The event that led to the comment. */
  action: string;
  label?: string;
  /** The database change was carried out by this run (false: a later workflow step does it). */
  executed: boolean;
  /** Whether the database existed before this run; undefined when it could not be checked. */
  existed?: boolean;
  /** When the locked database is a snapshot copy: when the snapshot was taken. */
  snapshotTimestamp?: Date;
}

/** The markdown body of an event comment (the marker line is added by renderComment). */
export function lockCommentBody(kind: LockCommentKind, ctx: LockMessageContext): string {
  const body = BODIES[kind](ctx, helpers(ctx));
  return `${body.join("\n\n").trim()}\n`;
}

interface Helpers {
  db: string;
  preview: string;
  snapshot: string;
  lock: string;
  has(label: string): boolean;
  /** "was dropped" when this run did it, else what the workflow will do. */
  dropped: string;
}

function helpers(ctx: LockMessageContext): Helpers {
  return {
    db: code(ctx.database),
    preview: code(ctx.names.preview),
    snapshot: code(ctx.names.snapshot),
    lock: code(ctx.names.lock),
    has: (label) => ctx.labels.includes(label),
    dropped: ctx.executed ? "was dropped" : "is being dropped by this workflow",
  };
}

const BODIES: Record<LockCommentKind, (ctx: LockMessageContext, h: Helpers) => string[]> = {
  "snapshot-add-blocked": (_ctx, h) => [
    `### ⚠️ ${h.snapshot} was removed again: the database is locked`,
    `${h.snapshot} was added to this pull request, but its database ${h.db} is locked by the ${h.lock} label, ` +
      `so its data cannot be replaced with a copy of the production snapshot. The label has been removed and ` +
      `the database was not changed.`,
    `**To switch to snapshot data:** remove ${h.lock} first, then add ${h.snapshot} again. ` +
      `The database is then restored from the latest snapshot, replacing its current data.`,
  ],

  "snapshot-remove-blocked": (ctx, h) => [
    `### ⚠️ ${h.snapshot} was put back: the database is locked`,
    `${h.snapshot} was removed from this pull request, but its database ${h.db} is locked by the ${h.lock} label` +
      (ctx.snapshotTimestamp
        ? ` and holds a copy of the production snapshot taken ${formatUtc(ctx.snapshotTimestamp)}.`
        : ".") +
      ` Its data source cannot change while it is locked, so the label has been added back and the database ` +
      `was not changed.`,
    `**To switch to seed data:** remove ${h.lock} first, then remove ${h.snapshot}. The database is then ` +
      `reset and the application creates fresh seed data on its next sync, replacing the current data.`,
  ],

  "lock-added": (ctx, h) => [
    "### 🔒 Database locked",
    `${h.lock} was added: the database ${h.db} is now protected.`,
    [
      "- it is not dropped, reset or restored when commits are pushed;",
      "- it is not deleted when this pull request is closed or merged;",
      `- adding or removing ${h.snapshot} is reverted.`,
    ].join("\n"),
    ...(ctx.existed === false
      ? [`${h.db} does not exist at the moment; the lock applies as soon as it is created.`]
      : []),
    `**To unlock:** remove ${h.lock}. On a closed pull request this deletes the database right away.`,
  ],

  "lock-removed": (ctx, h) => {
    const fill = h.has(ctx.names.snapshot)
      ? `**restored from the latest production snapshot** (because ${h.snapshot} is present)`
      : `**reset to fresh seed data** (because ${h.snapshot} is not present)`;
    const next = h.has(ctx.names.preview)
      ? `On the next sync (the next push, or a re-run of the deploy) it will be ${fill}. ` +
        `Its current data will be replaced.`
      : `This pull request has no ${h.preview} label, so nothing is deployed and the database is left as it is ` +
        `for now; it is deleted when the pull request is closed. If ${h.preview} is added, the database will be ` +
        `${fill}, replacing its current data.`;
    return [
      "### 🔓 Database unlocked",
      `${h.lock} was removed: the database ${h.db} is no longer protected.`,
      next,
      `**To keep the current data:** add ${h.lock} back before the next sync.`,
    ];
  },

  "db-reset": (ctx, h) => [
    "### 🌱 Database reset to seed data",
    ctx.existed === false
      ? `${h.snapshot} was removed, so the database ${h.db} (which does not exist yet) will be created with ` +
        "fresh seed data by the application on its next sync."
      : `${h.snapshot} was removed, so the database ${h.db} ${h.dropped}. The application creates fresh seed ` +
        "data on its next sync; the previous data is gone.",
    `**To use production data again:** add ${h.snapshot}. The database is then restored from the latest snapshot.`,
  ],

  "db-dropped": (ctx, h) => {
    const unlocked = ctx.action === "unlabeled" && ctx.label === ctx.names.lock;
    const previewRemoved = ctx.action === "unlabeled" && ctx.label === ctx.names.preview;
    const why = unlocked
      ? `${h.lock} was removed from this closed pull request`
      : previewRemoved
        ? `${h.preview} was removed from this pull request`
        : "this pull request was closed";
    const next = previewRemoved
      ? `**To get a new preview environment:** add ${h.preview} again; it starts with a fresh database.`
      : `Reopening this pull request with ${h.preview} creates a fresh database. To keep a pull request's ` +
        `database after it is closed, add ${h.lock} before closing it.`;
    return [
      "### 🗑️ Database deleted",
      `The database ${h.db} ${h.dropped} because ${why}.` +
        (ctx.existed === false ? " It did not exist, so there was nothing to delete." : ""),
      next,
    ];
  },

  "db-kept": (ctx, h) =>
    ctx.action === "unlabeled" && ctx.label === ctx.names.preview
      ? [
          "### 📌 Database kept",
          `${h.preview} was removed, but the database ${h.db} was **not** deleted because it is locked by ${h.lock}.`,
          `**To delete it:** remove ${h.lock}. The database is then deleted when this pull request is closed, ` +
            `or right away if it is already closed.`,
        ]
      : [
          "### 📌 Database kept",
          `This pull request was closed, but its database ${h.db} was **not** deleted because it is locked by ${h.lock}.`,
          `**To delete it later:** remove the ${h.lock} label from this pull request, even though it is closed. ` +
            `The database is then dropped right away.`,
        ],
};

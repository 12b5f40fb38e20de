import type { PullRequestEvent } from "@pr-snapshots/core/github/event";
import type { Decision } from "@pr-snapshots/core/lock/decide";
import { code, table } from "@pr-snapshots/core/markdown";
import type { Outputs } from "./outputs";

export interface SummaryInput {
  event: PullRequestEvent;
  /** Live labels before this run's change. */
  labels: readonly string[];
  decision: Decision;
  database: string;
  outputs: Outputs;
  dryRun: boolean;
  /** Why a comment of the decision was not posted. */
  commentNote?: string;
  failure?: string;
}

/** The job summary: one table row per decision. */
export function summarize(s: SummaryInput): string {
  const { event, decision, outputs } = s;
  const eventCell = [
    `#${event.number}`,
    code(event.action),
    event.label ? code(event.label) : "",
    event.sender ? `by @${event.sender.login}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const db = code(decision.dbAction);
  const dbCell = s.dryRun
    ? `${db} (dry run)`
    : outputs["db-executed"]
      ? `${db} (done)`
      : decision.dbAction === "restore"
        ? `${db} (by restore-snapshot)`
        : decision.dbAction === "drop" || decision.dbAction === "reset"
          ? `${db} (not done here)`
          : db;
  const change = outputs["label-change"];
  const changeCell = change
    ? `${change.startsWith("-") ? "removed" : "added back"} ${code(change.slice(1))}`
    : "—";
  const commentCell = outputs["comment-url"]
    ? `[${decision.comment}](${outputs["comment-url"]})`
    : decision.comment
      ? `${decision.comment} (${s.commentNote ?? (s.dryRun ? "dry run" : "not posted")})`
      : "—";
  const row = [
    eventCell,
    s.labels.length ? s.labels.map(code).join(" ") : "none",
    decision.rule,
    dbCell,
    s.dryRun && change ? `${changeCell} (dry run)` : changeCell,
    commentCell,
  ];
  const notes = [
    `Database: ${code(s.database)}${outputs.locked ? " (locked)" : ""}.`,
    ...(s.dryRun ? ["Dry run: no label, database or comment was changed."] : []),
    ...(s.failure ? [`> [!WARNING]\n> ${s.failure.replace(/\n/g, "\n> ")}`] : []),
  ];
  return [
    "### pr-snapshots: enforce-lock",
    table(["Event", "Labels (live)", "Rule", "db-action", "Label change", "Comment"], [row]),
    ...notes,
  ].join("\n\n");
}

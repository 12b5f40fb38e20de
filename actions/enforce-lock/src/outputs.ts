import type { DbAction } from "@pr-snapshots/core/lock/decide";

/** The step outputs, shared by run.ts and the job summary (summary.ts) without importing each other. */
export interface Outputs extends Record<string, string | boolean> {
  "db-action": DbAction;
  "label-reverted": boolean;
  "label-change": string;
  locked: boolean;
  database: string;
  "comment-url": string;
  "comment-kind": string;
  rule: string;
  initialized: boolean;
  "db-executed": boolean;
}

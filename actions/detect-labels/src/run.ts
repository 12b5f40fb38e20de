import type { ActionResult } from "@pr-snapshots/core/action";
import { createGitHubClient } from "@pr-snapshots/core/github/client";
import type { PullRequestEvent } from "@pr-snapshots/core/github/event";
import { readPullRequestOrPayload } from "@pr-snapshots/core/github/pull-request";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import { code, table } from "@pr-snapshots/core/markdown";
import { prDatabaseName } from "@pr-snapshots/core/names";
import type { CommonInputs } from "@pr-snapshots/core/settings";
import { configShaOutput } from "@pr-snapshots/core/trusted-config";

export interface Inputs extends CommonInputs {
  database: string | undefined;
  event: PullRequestEvent;
  apiUrl?: string;
}

export interface Outputs extends Record<string, string | boolean | number> {
  "pr-number": number;
  "pr-state": "open" | "closed";
  merged: boolean;
  "head-sha": string;
  "head-short-sha": string;
  "event-action": string;
  "event-label": string;
  preview: boolean;
  "use-snapshot": boolean;
  "persist-db": boolean;
  database: string;
  labels: string;
  "labels-source": "api" | "payload";
  "from-fork": boolean;
  "config-sha": string;
}

export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  const { event, labels: names } = inputs;
  const client = inputs.token
    ? createGitHubClient({ token: inputs.token, log, ...(inputs.apiUrl ? { baseUrl: inputs.apiUrl } : {}) })
    : undefined;
  const pr = await readPullRequestOrPayload(client, event, log);
  const has = (label: string) => pr.labels.includes(label);
  const database = inputs.database ?? (inputs.prefix ? prDatabaseName(inputs.prefix, event.number) : "");
  if (!database) log.info("No db-prefix configured: the database output is empty.");

  const outputs: Outputs = {
    "pr-number": event.number,
    "pr-state": pr.state,
    merged: pr.merged,
    "head-sha": event.headSha,
    "head-short-sha": event.headSha.slice(0, 7),
    "event-action": event.action,
    "event-label": event.label ?? "",
    preview: has(names.preview),
    "use-snapshot": has(names.snapshot),
    "persist-db": has(names.lock),
    database,
    labels: JSON.stringify(pr.labels),
    "labels-source": pr.source,
    "from-fork": event.fromFork,
    "config-sha": configShaOutput(inputs.configSource),
  };
  log.info(
    `PR #${event.number} (${pr.state}${pr.merged ? ", merged" : ""}), event "${event.action}"` +
      `${event.label ? ` of label "${event.label}"` : ""}; labels (${pr.source}): ${pr.labels.join(", ") || "none"}`,
  );
  return { outputs, summary: summarize(outputs, names, pr.apiError) };
}

function summarize(o: Outputs, names: CommonInputs["labels"], apiError?: string): string {
  const yes = (v: boolean) => (v ? "yes" : "no");
  const rows: [string, string][] = [
    ["Pull request", `#${o["pr-number"]} (${o["pr-state"]}${o.merged ? ", merged" : ""})`],
    ["Event", `${o["event-action"]}${o["event-label"] ? ` ${code(o["event-label"])}` : ""}`],
    [`${code(names.preview)} (preview)`, yes(o.preview)],
    [`${code(names.snapshot)} (snapshot data)`, yes(o["use-snapshot"])],
    [`${code(names.lock)} (lock)`, yes(o["persist-db"])],
    ["Database", o.database ? code(o.database) : "(no db-prefix configured)"],
    ["Commit", o["head-short-sha"] ? code(o["head-short-sha"]) : "(unknown)"],
    [
      "Labels read from",
      o["labels-source"] === "api" ? "GitHub API (live)" : "event payload (API unavailable: may be stale)",
    ],
  ];
  const note = apiError
    ? `\n\n> [!WARNING]\n> The GitHub API could not be reached (${apiError}); labels come from the event payload.\n`
    : "\n";
  return `### pr-snapshots: detect-labels\n\n${table(["", ""], rows)}${note}`;
}

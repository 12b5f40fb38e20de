import { readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_BASE_SHA } from "./github-stand-in";
import { repoRoot } from "./mongod";

/**
 * `pull_request` webhook payloads of the real shape: a verbatim example from octokit/webhooks
 * (test/fixtures/events) with only the fields a test is about replaced.
 */
export interface PullRequestEventOptions {
  action: string;
  number: number;
  labels?: string[];
  label?: string;
  state?: "open" | "closed";
  merged?: boolean;
  headSha?: string;
  /** pull_request.base.sha; the stand-in's pull requests have the same default. */
  baseSha?: string;
  sender?: { login: string; type?: "User" | "Bot"; id?: number };
  owner?: string;
  repo?: string;
  /** Head repository full name; differs from the base for a fork. */
  headRepo?: string;
}

const TEMPLATES: Record<string, string> = {
  opened: "pull_request.opened.json",
  reopened: "pull_request.opened.json",
  synchronize: "pull_request.synchronize.json",
  labeled: "pull_request.labeled.json",
  unlabeled: "pull_request.unlabeled.json",
  closed: "pull_request.closed.json",
};

type Json = Record<string, unknown> & { pull_request: Record<string, unknown> };

function template(action: string): Json {
  const file = TEMPLATES[action] ?? "pull_request.opened.json";
  return JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/events", file), "utf8")) as Json;
}

export function pullRequestEvent(o: PullRequestEventOptions): Json {
  const event = template(o.action);
  const owner = o.owner ?? "acme";
  const repo = o.repo ?? "shop";
  const full = `${owner}/${repo}`;
  const state = o.state ?? (o.action === "closed" ? "closed" : "open");
  const merged = o.merged ?? false;
  const pr = event.pull_request;
  const labelTemplate = (pr.labels as Record<string, unknown>[])[0] ?? {
    color: "d73a4a",
    default: false,
    description: null,
  };
  const label = (name: string, i: number) => ({
    ...labelTemplate,
    id: 1_362_934_389 + i,
    node_id: `LA_${i}`,
    name,
    url: `https://api.github.com/repos/${full}/labels/${encodeURIComponent(name)}`,
  });

  event.action = o.action;
  event.number = o.number;
  Object.assign(pr, {
    url: `https://api.github.com/repos/${full}/pulls/${o.number}`,
    html_url: `https://github.com/${full}/pull/${o.number}`,
    number: o.number,
    state,
    merged,
    merged_at: merged ? "2026-11-21T09:00:00Z" : null,
    closed_at: state === "closed" ? "2026-11-21T09:00:00Z" : null,
    labels: (o.labels ?? []).map(label),
  });
  const head = pr.head as Record<string, unknown>;
  const base = pr.base as Record<string, unknown>;
  head.sha = o.headSha ?? "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
  base.sha = o.baseSha ?? DEFAULT_BASE_SHA;
  const repository = event.repository as Record<string, unknown>;
  Object.assign(repository, {
    name: repo,
    full_name: full,
    owner: { ...(repository.owner as object), login: owner },
  });
  base.repo = repository;
  const headRepo = o.headRepo ?? full;
  head.repo = {
    ...(head.repo as object),
    full_name: headRepo,
    name: headRepo.split("/")[1],
    owner: { login: headRepo.split("/")[0] },
  };
  if (o.label) event.label = label(o.label, 99);
  else delete event.label;
  if (o.sender) {
    event.sender = {
      ...(event.sender as object),
      login: o.sender.login,
      id: o.sender.id ?? 583231,
      type: o.sender.type ?? "User",
    };
  }
  return event;
}

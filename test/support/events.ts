/**
 * Builds `pull_request` webhook payloads of the real shape (trimmed to the fields GitHub
 * always sends; see test/fixtures/events for verbatim examples).
 */
export interface PullRequestEventOptions {
  action: string;
  number: number;
  labels?: string[];
  label?: string;
  state?: "open" | "closed";
  merged?: boolean;
  headSha?: string;
  sender?: { login: string; type?: "User" | "Bot"; id?: number };
  owner?: string;
  repo?: string;
  /** Head repository full name; differs from the base for a fork. */
  headRepo?: string;
}

export function pullRequestEvent(o: PullRequestEventOptions): Record<string, unknown> {
  const owner = o.owner ?? "acme";
  const repo = o.repo ?? "shop";
  const full = `${owner}/${repo}`;
  const state = o.state ?? (o.action === "closed" ? "closed" : "open");
  const merged = o.merged ?? false;
  const sender = {
    login: o.sender?.login ?? "octocat",
    id: o.sender?.id ?? 583231,
    type: o.sender?.type ?? "User",
  };
  const repository = {
    id: 7_000_001,
    name: repo,
    full_name: full,
    private: true,
    owner: { login: owner, id: 9_000_001, type: "Organization" },
    html_url: `https://github.com/${full}`,
    default_branch: "main",
  };
  const headRepo = o.headRepo ?? full;
  return {
    action: o.action,
    number: o.number,
    pull_request: {
      url: `https://api.github.com/repos/${full}/pulls/${o.number}`,
      id: 1_500_000_000 + o.number,
      html_url: `https://github.com/${full}/pull/${o.number}`,
      number: o.number,
      state,
      locked: false,
      title: `Feature ${o.number}`,
      user: { login: "octocat", id: 583231, type: "User" },
      body: null,
      created_at: "2026-11-20T09:00:00Z",
      updated_at: "2026-11-20T09:05:00Z",
      closed_at: state === "closed" ? "2026-11-21T09:00:00Z" : null,
      merged_at: merged ? "2026-11-21T09:00:00Z" : null,
      labels: (o.labels ?? []).map((name, i) => ({
        id: 6_000_000 + i,
        name,
        color: "ededed",
        default: false,
        description: null,
      })),
      draft: false,
      head: {
        label: `${headRepo.split("/")[0]}:feature-${o.number}`,
        ref: `feature-${o.number}`,
        sha: o.headSha ?? "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
        repo: { ...repository, full_name: headRepo, name: headRepo.split("/")[1] },
      },
      base: {
        label: `${owner}:main`,
        ref: "main",
        sha: "2c26b46b68ffc68ff99b453c1d30413413422d70",
        repo: repository,
      },
      merged,
      mergeable: null,
      comments: 0,
      commits: 1,
    },
    ...(o.label
      ? { label: { id: 6_100_000, name: o.label, color: "ededed", default: false, description: null } }
      : {}),
    repository,
    sender,
  };
}

import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/**
 * A local stand-in for the parts of the GitHub API the actions use: pull requests (one, and
 * lists), labels, comments, repository contents at a commit and the token's identity over REST;
 * over GraphQL, `viewer { login }` and a repository's aliased `pullRequest(number:)` fields, with
 * the real API's NOT_FOUND partial errors. It keeps state, records every request, and can inject
 * failures (5xx, secondary rate limits with retry-after, 404, any GraphQL answer).
 */

/** The base commit of the pull_request fixtures (test/fixtures/events), used by every PR unless a test says otherwise. */
export const DEFAULT_BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";

export interface Identity {
  login: string;
  type: "User" | "Bot";
  id: number;
  /**
   * The GitHub App a token of this identity acts through: comments it writes carry it as
   * `performed_via_github_app` (GITHUB_TOKEN: the github-actions app, id 15368; an App's
   * installation token: that app, with `user.login` `<slug>[bot]`; a user-to-server token: the app,
   * with the user as `user`).
   */
  app?: { id: number; slug: string; name: string };
}

export interface TokenInfo {
  identity: Identity;
  /** "installation" tokens (GITHUB_TOKEN, GitHub Apps) get 403 on GET /user, like the real API. */
  kind: "user" | "installation";
}

export interface PullRequestState {
  number: number;
  state: "open" | "closed";
  merged: boolean;
  headSha: string;
  /** pull_request.base.sha: the commit whose files the actions trust. */
  baseSha: string;
  labels: string[];
  author: string;
  title: string;
  /** When it was closed or merged (ISO 8601); set by {@link GitHubStandIn.close}. */
  closedAt?: string;
  createdAt: string;
}

export interface CommentState {
  id: number;
  issue: number;
  body: string;
  user: Identity;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  token?: string;
}

export interface LabelEvent {
  action: "labeled" | "unlabeled";
  label: string;
  number: number;
  sender: Identity;
}

type Send = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

interface RouteArgs {
  m: RegExpExecArray;
  url: URL;
  body: unknown;
  identity: Identity;
  send: Send;
}

export interface Fault {
  method?: string;
  /** Matched against the path without the query string. */
  path: string | RegExp;
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const SECONDARY_RATE_LIMIT_BODY = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url:
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

/** GITHUB_TOKEN's identity, the author of what the default token writes. */
export const ACTIONS_BOT: Identity = {
  login: "github-actions[bot]",
  type: "Bot",
  id: 41898282,
  app: { id: 15368, slug: "github-actions", name: "GitHub Actions" },
};
/** closed_at of a closed pull request whose closing time a test did not set. */
const DEFAULT_CLOSED_AT = "2026-11-20T10:00:00Z";
/** The largest `first` GitHub allows on a connection. */
const MAX_PAGE = 100;

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly labelEvents: LabelEvent[] = [];
  readonly pulls = new Map<number, PullRequestState>();
  readonly comments: CommentState[] = [];
  /** ref (commit sha) → path → file content. */
  readonly files = new Map<string, Map<string, string>>();
  private faults: (Fault & { remaining: number })[] = [];
  private tokens = new Map<string, TokenInfo>();
  private nextCommentId = 1_000_001;
  private server!: Server;
  url = "";

  constructor(
    readonly owner = "acme",
    readonly repo = "shop",
  ) {
    this.addToken("ghs_default_installation_token", { identity: ACTIONS_BOT, kind: "installation" });
  }

  static async start(owner?: string, repo?: string): Promise<GitHubStandIn> {
    const s = new GitHubStandIn(owner, repo);
    s.server = createServer((req, res) => {
      s.handle(req, res).catch((error) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `stand-in error: ${(error as Error).message}` }));
      });
    });
    await new Promise<void>((resolve) => s.server.listen(0, "127.0.0.1", resolve));
    s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get defaultToken(): string {
    return "ghs_default_installation_token";
  }

  addToken(token: string, info: TokenInfo): void {
    this.tokens.set(token, info);
  }

  addPullRequest(pr: Partial<PullRequestState> & { number: number }): PullRequestState {
    const full: PullRequestState = {
      state: "open",
      merged: false,
      headSha: "4f2c1b9e8d7a6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
      baseSha: DEFAULT_BASE_SHA,
      labels: [],
      author: "octocat",
      title: `Pull request #${pr.number}`,
      createdAt: "2026-11-01T09:00:00Z",
      ...pr,
    };
    this.pulls.set(full.number, full);
    return full;
  }

  /** Closes (or merges) a pull request at a given time, as the GitHub UI does. */
  close(number: number, at: Date = new Date(), merged = false): PullRequestState {
    const pr = this.pull(number);
    Object.assign(pr, { state: "closed", merged, closedAt: at.toISOString() });
    return pr;
  }

  /** A pull request that no longer exists here (deleted, or transferred to another repository). */
  deletePullRequest(number: number): void {
    this.pulls.delete(number);
    for (let i = this.comments.length - 1; i >= 0; i--)
      if (this.comments[i]?.issue === number) this.comments.splice(i, 1);
  }

  /** The queries of the GraphQL requests so far. */
  graphqlQueries(): string[] {
    return this.requests
      .filter((r) => r.method === "POST" && r.path === "/graphql")
      .map((r) => String((r.body as { query?: unknown })?.query ?? ""));
  }

  pull(number: number): PullRequestState {
    const pr = this.pulls.get(number);
    if (!pr) throw new Error(`stand-in has no pull request #${number}`);
    return pr;
  }

  /** A file as a commit holds it (served by the contents API at ?ref=<commit>); undefined deletes it. */
  setFile(ref: string, filePath: string, text: string | undefined): void {
    const tree = this.files.get(ref) ?? new Map<string, string>();
    if (text === undefined) tree.delete(filePath);
    else tree.set(filePath, text);
    this.files.set(ref, tree);
  }

  /** Contents API requests so far, as "path@ref". */
  contentsRequests(): string[] {
    return this.requests
      .filter((r) => r.method === "GET" && r.path.startsWith(`/repos/${this.owner}/${this.repo}/contents/`))
      .map((r) => `${decodeURIComponent(r.path.split("/contents/")[1] ?? "")}@${r.query.ref ?? ""}`);
  }

  /** A user (not the token) changing labels, as in the GitHub UI. */
  userLabels(number: number, change: { add?: string[]; remove?: string[] }): void {
    const pr = this.pull(number);
    pr.labels = [
      ...pr.labels.filter((l) => !change.remove?.includes(l)),
      ...(change.add ?? []).filter((l) => !pr.labels.includes(l)),
    ];
  }

  /** Adds a comment directly (test setup), as if someone had posted it earlier. */
  seedComment(
    number: number,
    body: string,
    user: Identity = { login: "octocat", type: "User", id: 583231 },
  ): CommentState {
    const now = new Date().toISOString();
    const c: CommentState = {
      id: this.nextCommentId++,
      issue: number,
      body,
      user,
      created_at: now,
      updated_at: now,
    };
    this.comments.push(c);
    return c;
  }

  commentsOn(number: number): CommentState[] {
    return this.comments.filter((c) => c.issue === number);
  }

  fail(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /** Every request fails with this status until {@link restore} is called. */
  outage(status = 503): void {
    this.faults.push({
      path: /.*/,
      status,
      remaining: Number.POSITIVE_INFINITY,
      body: { message: "Service Unavailable" },
    });
  }

  restore(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests other than the ones a test deliberately ignores, as "METHOD /path". */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const method = req.method ?? "GET";
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const auth = req.headers.authorization ?? "";
    const token = auth.replace(/^(token|bearer)\s+/i, "") || undefined;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      status: 0,
      ...(token ? { token } : {}),
    };
    this.requests.push(record);
    const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };

    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === method) && matches(f.path, url.pathname),
    );
    if (fault) {
      fault.remaining -= 1;
      return send(fault.status, fault.body ?? { message: `injected ${fault.status}` }, fault.headers);
    }

    const info = token ? this.tokens.get(token) : undefined;
    if (!info)
      return send(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });

    if (method === "GET" && url.pathname === "/user") {
      if (info.kind === "installation") {
        return send(403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        });
      }
      return send(200, { login: info.identity.login, id: info.identity.id, type: info.identity.type });
    }
    if (method === "POST" && url.pathname === "/graphql") {
      const query = String((body as { query?: string })?.query ?? "");
      if (/viewer\s*\{\s*login/.test(query))
        return send(200, { data: { viewer: { login: info.identity.login } } });
      const variables = ((body as { variables?: unknown })?.variables ?? {}) as Record<string, unknown>;
      return send(200, this.graphqlRepository(query, variables));
    }
    const prefix = `/repos/${this.owner}/${this.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return send(404, { message: "Not Found" });
    const rest = url.pathname.slice(prefix.length);
    for (const [verb, pattern, handler] of this.routes) {
      const m = pattern.exec(rest);
      if (m && verb === method) return handler({ m, url, body, identity: info.identity, send });
    }
    return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }

  /**
   * `repository(owner:, name:) { alias: pullRequest(number: N) { ... } ... }` as GitHub answers
   * it: HTTP 200 always; a number without a pull request nulls only its alias, with a NOT_FOUND
   * error whose path ends in the alias; `first` above 100 and numbers beyond GraphQL's 32-bit
   * Int fail the whole query; only the fields asked for are returned.
   */
  private graphqlRepository(query: string, variables: Record<string, unknown>): unknown {
    const repoCall =
      /repository\s*\(\s*owner\s*:\s*(\$\w+|"[^"]*")\s*,\s*name\s*:\s*(\$\w+|"[^"]*")\s*\)\s*\{/.exec(query);
    if (!repoCall) {
      return {
        errors: [
          { message: "stand-in supports only viewer { login } and repository { pullRequest(number:) }" },
        ],
      };
    }
    const value = (token: string | undefined) =>
      token?.startsWith("$") ? String(variables[token.slice(1)] ?? "") : (token ?? "").slice(1, -1);
    const [owner, name] = [value(repoCall[1]), value(repoCall[2])];
    const location = (index: number) => {
      const before = query.slice(0, index).split("\n");
      return [{ line: before.length, column: (before.at(-1)?.length ?? 0) + 1 }];
    };
    if (owner !== this.owner || name !== this.repo) {
      return {
        data: { repository: null },
        errors: [
          {
            type: "NOT_FOUND",
            path: ["repository"],
            locations: location(repoCall.index),
            message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
          },
        ],
      };
    }
    const repository: Record<string, unknown> = {};
    const errors: unknown[] = [];
    const field = /(\w+)\s*:\s*pullRequest\s*\(\s*number\s*:\s*(\d+)\s*\)\s*\{/g;
    for (let m = field.exec(query); m; m = field.exec(query)) {
      const [alias = "", digits = ""] = [m[1], m[2]];
      const number = Number(digits);
      if (number > 2_147_483_647) {
        return {
          errors: [
            {
              path: ["query", "repository", alias, "number"],
              extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: "number" },
              locations: location(m.index),
              message: `Argument 'number' on Field '${alias}' has an invalid value (${digits}). Expected type 'Int!'.`,
            },
          ],
        };
      }
      const selection = bracedBlock(query, m.index + m[0].length - 1);
      const first = /labels\s*\(\s*first\s*:\s*(\d+)\s*\)/.exec(selection);
      if (first && Number(first[1]) > MAX_PAGE) {
        return {
          data: null,
          errors: [
            {
              type: "EXCESSIVE_PAGINATION",
              path: ["repository", alias, "labels"],
              locations: location(m.index),
              message: `Requesting ${first[1]} records on the \`labels\` connection exceeds the \`first\` limit of ${MAX_PAGE} records.`,
            },
          ],
        };
      }
      const pr = this.pulls.get(number);
      if (!pr) {
        repository[alias] = null;
        errors.push({
          type: "NOT_FOUND",
          path: ["repository", alias],
          locations: location(m.index),
          message: `Could not resolve to a PullRequest with the number of ${number}.`,
        });
        continue;
      }
      const asked = (f: string) =>
        new RegExp(`(^|[\\s{])${f}\\b`).test(
          selection.replace(/labels\s*\([^)]*\)\s*\{[^}]*\{[^}]*\}[^}]*\}/, "labels"),
        );
      const node: Record<string, unknown> = {};
      if (asked("number")) node.number = pr.number;
      if (asked("state")) node.state = pr.state === "open" ? "OPEN" : pr.merged ? "MERGED" : "CLOSED";
      if (asked("closedAt")) node.closedAt = pr.state === "open" ? null : this.closedAt(pr);
      if (asked("merged")) node.merged = pr.merged;
      if (asked("mergedAt")) node.mergedAt = pr.merged ? this.closedAt(pr) : null;
      if (asked("title")) node.title = pr.title;
      if (first) {
        node.labels = {
          ...(/totalCount/.test(selection) ? { totalCount: pr.labels.length } : {}),
          nodes: pr.labels.slice(0, Number(first[1])).map((l) => ({ name: l })),
        };
      }
      repository[alias] = node;
    }
    return errors.length ? { data: { repository }, errors } : { data: { repository } };
  }

  private closedAt(pr: PullRequestState): string | null {
    return pr.state === "open" ? null : (pr.closedAt ?? DEFAULT_CLOSED_AT);
  }

  private readonly routes: [string, RegExp, (r: RouteArgs) => void][] = [
    [
      "GET",
      /^\/pulls$/,
      ({ url, send }) => {
        // GET /repos/{owner}/{repo}/pulls: state open (default), closed or all; newest first.
        const wanted = url.searchParams.get("state") ?? "open";
        if (!["open", "closed", "all"].includes(wanted))
          return send(422, { message: "Validation Failed", errors: [{ field: "state", code: "invalid" }] });
        const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), MAX_PAGE);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = [...this.pulls.values()]
          .filter((pr) => wanted === "all" || pr.state === wanted)
          .sort((a, b) => b.number - a.number);
        const headers: Record<string, string> = {};
        if (page * perPage < all.length) {
          const next = new URL(`${this.url}${url.pathname}`);
          next.searchParams.set("state", wanted);
          next.searchParams.set("per_page", String(perPage));
          next.searchParams.set("page", String(page + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        const slice = all.slice((page - 1) * perPage, page * perPage);
        // The list items (pull-request-simple) have no `merged` boolean: merged = closed with merged_at.
        return send(
          200,
          slice.map((pr) => {
            const { merged: _merged, ...simple } = this.pullJson(pr);
            return simple;
          }),
          headers,
        );
      },
    ],
    [
      "GET",
      /^\/contents\/(.+)$/,
      ({ m, url, send }) => {
        const filePath = decodeURIComponent(m[1] ?? "");
        // Without ?ref the real API reads the default branch; the actions always name a commit.
        const ref = url.searchParams.get("ref") ?? "main";
        const text = this.files.get(ref)?.get(filePath);
        if (text === undefined) {
          return send(404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
            status: "404",
          });
        }
        return send(200, this.contentJson(ref, filePath, text));
      },
    ],
    [
      "GET",
      /^\/pulls\/(\d+)$/,
      ({ m, send }) => this.withPull(m, send, (pr) => send(200, this.pullJson(pr))),
    ],
    [
      "GET",
      /^\/issues\/(\d+)$/,
      ({ m, send }) => this.withPull(m, send, (pr) => send(200, this.issueJson(pr))),
    ],
    [
      "GET",
      /^\/issues\/(\d+)\/labels$/,
      ({ m, send }) => this.withPull(m, send, (pr) => send(200, pr.labels.map(labelJson))),
    ],
    [
      "POST",
      /^\/issues\/(\d+)\/labels$/,
      ({ m, send, body, identity }) =>
        this.withPull(m, send, (pr) => {
          const names = parseLabelNames(body);
          if (!names)
            return send(422, { message: "Invalid request.\n\nFor 'links/0/schema', nil is not an array." });
          for (const name of names) {
            if (!pr.labels.includes(name)) {
              pr.labels.push(name);
              this.labelEvents.push({ action: "labeled", label: name, number: pr.number, sender: identity });
            }
          }
          return send(200, pr.labels.map(labelJson));
        }),
    ],
    [
      "DELETE",
      /^\/issues\/(\d+)\/labels\/(.+)$/,
      ({ m, send, identity }) => {
        const pr = this.pulls.get(Number(m[1]));
        const name = decodeURIComponent(m[2] ?? "");
        if (!pr?.labels.includes(name)) {
          return send(404, {
            message: "Label does not exist",
            documentation_url: "https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue",
            status: "404",
          });
        }
        pr.labels = pr.labels.filter((l) => l !== name);
        this.labelEvents.push({ action: "unlabeled", label: name, number: pr.number, sender: identity });
        return send(200, pr.labels.map(labelJson));
      },
    ],
    [
      "GET",
      /^\/issues\/(\d+)\/comments$/,
      ({ m, send, url }) =>
        this.withPull(m, send, (pr) => {
          const perPage = Math.min(Number(url.searchParams.get("per_page") ?? 30), 100);
          const page = Number(url.searchParams.get("page") ?? 1);
          const all = this.commentsOn(pr.number);
          const headers: Record<string, string> = {};
          if (page * perPage < all.length) {
            const next = new URL(`${this.url}${url.pathname}`);
            next.searchParams.set("per_page", String(perPage));
            next.searchParams.set("page", String(page + 1));
            headers.link = `<${next.toString()}>; rel="next"`;
          }
          const slice = all.slice((page - 1) * perPage, page * perPage);
          return send(
            200,
            slice.map((c) => this.commentJson(c)),
            headers,
          );
        }),
    ],
    [
      "POST",
      /^\/issues\/(\d+)\/comments$/,
      ({ m, send, body, identity }) =>
        this.withPull(m, send, (pr) => {
          const text = (body as { body?: unknown })?.body;
          if (typeof text !== "string" || text === "") return send(422, { message: "Validation Failed" });
          const now = new Date().toISOString();
          const c: CommentState = {
            id: this.nextCommentId++,
            issue: pr.number,
            body: text,
            user: identity,
            created_at: now,
            updated_at: now,
          };
          this.comments.push(c);
          return send(201, this.commentJson(c));
        }),
    ],
    [
      "PATCH",
      /^\/issues\/comments\/(\d+)$/,
      ({ m, send, body }) => {
        const c = this.comments.find((x) => x.id === Number(m[1]));
        if (!c) return send(404, { message: "Not Found" });
        const text = (body as { body?: unknown })?.body;
        if (typeof text !== "string" || text === "") return send(422, { message: "Validation Failed" });
        c.body = text;
        c.updated_at = new Date().toISOString();
        return send(200, this.commentJson(c));
      },
    ],
    [
      "DELETE",
      /^\/issues\/comments\/(\d+)$/,
      ({ m, send }) => {
        const i = this.comments.findIndex((x) => x.id === Number(m[1]));
        if (i < 0) return send(404, { message: "Not Found" });
        this.comments.splice(i, 1);
        return send(204);
      },
    ],
  ];

  private withPull(m: RegExpExecArray, send: Send, fn: (pr: PullRequestState) => void): void {
    const pr = this.pulls.get(Number(m[1]));
    if (pr) fn(pr);
    else send(404, { message: "Not Found" });
  }

  private pullJson(pr: PullRequestState) {
    return {
      url: `${this.url}/repos/${this.owner}/${this.repo}/pulls/${pr.number}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${pr.number}`,
      number: pr.number,
      state: pr.state,
      title: pr.title,
      user: { login: pr.author, type: "User" },
      labels: pr.labels.map(labelJson),
      merged: pr.merged,
      created_at: pr.createdAt,
      closed_at: this.closedAt(pr),
      merged_at: pr.merged ? this.closedAt(pr) : null,
      head: {
        sha: pr.headSha,
        ref: `feature-${pr.number}`,
        repo: { full_name: `${this.owner}/${this.repo}` },
      },
      base: { sha: pr.baseSha, ref: "main", repo: { full_name: `${this.owner}/${this.repo}` } },
    };
  }

  /** GET /repos/{owner}/{repo}/contents/{path}?ref= for a file, as GitHub answers it. */
  private contentJson(ref: string, filePath: string, text: string) {
    const bytes = Buffer.from(text, "utf8");
    const sha = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    const api = `${this.url}/repos/${this.owner}/${this.repo}`;
    const self = `${api}/contents/${filePath}?ref=${ref}`;
    const html = `https://github.com/${this.owner}/${this.repo}/blob/${ref}/${filePath}`;
    const git = `${api}/git/blobs/${sha}`;
    return {
      name: path.posix.basename(filePath),
      path: filePath,
      sha,
      size: bytes.length,
      url: self,
      html_url: html,
      git_url: git,
      download_url: `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${filePath}`,
      type: "file",
      // GitHub wraps the base64 text every 60 characters and ends it with a newline.
      content: bytes.toString("base64").replace(/.{1,60}/g, "$&\n"),
      encoding: "base64",
      _links: { self, git, html },
    };
  }

  private issueJson(pr: PullRequestState) {
    return {
      number: pr.number,
      state: pr.state,
      title: pr.title,
      labels: pr.labels.map(labelJson),
      user: { login: pr.author, type: "User" },
      closed_at: this.closedAt(pr),
      pull_request: { merged_at: pr.merged ? this.closedAt(pr) : null },
    };
  }

  private commentJson(c: CommentState) {
    return {
      id: c.id,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      body: c.body,
      user: { login: c.user.login, id: c.user.id, type: c.user.type },
      performed_via_github_app: c.user.app
        ? {
            id: c.user.app.id,
            slug: c.user.app.slug,
            name: c.user.app.name,
            owner: { login: c.user.app.slug === "github-actions" ? "github" : this.owner },
          }
        : null,
      created_at: c.created_at,
      updated_at: c.updated_at,
    };
  }
}

function labelJson(name: string) {
  return { id: hash(name), name, color: "ededed", default: false, description: null };
}

function parseLabelNames(body: unknown): string[] | undefined {
  const labels = Array.isArray(body) ? body : (body as { labels?: unknown })?.labels;
  if (!Array.isArray(labels)) return undefined;
  return labels.map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
}

function matches(pattern: string | RegExp, path: string): boolean {
  return typeof pattern === "string" ? pattern === path : pattern.test(path);
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

/** The text of the `{ ... }` block that opens at `open` (a `{`), braces balanced. */
function bracedBlock(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

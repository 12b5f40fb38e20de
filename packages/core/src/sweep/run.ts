import { type MongoClient, MongoServerError } from "mongodb";
import { BusyError, errorMessage } from "../errors";
import type { GitHubClient, RepoRef } from "../github/client";
import { findComment, postEventComment } from "../github/comments";
import { type PullRequestRead, readPullRequests } from "../github/pull-request-states";
import type { Log } from "../log";
import { assertLeastPrivilege } from "../mongo/least-privilege";
import type { PrivilegeAudit } from "../mongo/privileges";
import { type DatabaseSize, readDatabaseSize } from "../mongo/size";
import {
  dropTargetDatabase,
  dropTargetDatabaseIfLeaseFree,
  LEASE_COLLECTION,
  readPrMetadata,
} from "../mongo/target";
import type { LabelNames } from "../settings";
import { type Ignored, shownName, sweepCandidates } from "./candidates";
import { decideSweep, type SweepCommentKind, type SweepDecision } from "./decide";
import { sweepCommentBody } from "./messages";
import { LEASE_WRITE_ACTIONS, SWEEPER_ROLE } from "./role";
import type { SweepSettings } from "./settings";

export interface SweepRequest {
  client: MongoClient;
  github: GitHubClient;
  repo: RepoRef;
  settings: SweepSettings;
  names: LabelNames;
  dryRun: boolean;
  log: Log;
  now?: Date;
  /** Identifies the workflow run, so that a re-run does not post a comment twice. */
  runKey?: string;
  rerun?: boolean;
}

/** The PR database's restore record (CONTRACT §5), as the summary shows it. */
export interface LastRestore {
  source: string;
  status?: string;
  restoredAt?: Date;
  startedAt?: Date;
  snapshotTimestamp?: Date;
}

export interface SweepComment {
  kind: SweepCommentKind;
  status: "posted" | "already posted" | "would post" | "failed";
  url?: string;
  note?: string;
}

export interface SweepRow {
  database: string;
  number: number;
  pr: PullRequestRead;
  size?: DatabaseSize;
  lastRestore?: LastRestore;
  decision: SweepDecision;
  /** What happened: `would drop` only in a dry run; `busy`: another run held the database's lease. */
  outcome: "dropped" | "kept" | "would drop" | "busy" | "failed";
  note?: string;
  comment?: SweepComment;
}

export interface SweepReport {
  dryRun: boolean;
  prefix: string;
  keepClosedDays: number;
  remindDays: number;
  /** take: the one-writer lease before each drop; check: read-only (the lease privilege is missing). */
  leaseMode: "take" | "check";
  rows: SweepRow[];
  ignored: Ignored[];
  /** PR databases and their size on disk (storage + indexes), before and after the drops. */
  before: { databases: number; bytes: number };
  after: { databases: number; bytes: number };
  /** On disk, by the drops made (in a dry run: the drops it would make). */
  bytesFreed: number;
  dropped: string[];
  kept: string[];
  /** Databases a dry run would drop. */
  wouldDrop: string[];
  reminded: string[];
  /** What makes the run fail once everything else is done (unreadable PRs, failed drops or comments). */
  failures: string[];
}

/**
 * CONTRACT §10: lists the `<prefix>_pr_<N>` databases, reads their pull requests (GraphQL,
 * 100 per request), decides with {@link decideSweep}, then drops with the one-writer lease and
 * comments. Reads come first, so a failure while reading drops nothing.
 */
export async function sweepDatabases(req: SweepRequest): Promise<SweepReport> {
  const { client, log, settings } = req;
  const now = req.now ?? new Date();
  const audit = await assertLeastPrivilege(client, settings.policy, log, {
    allow: settings.allowPrivilegedCredentials,
    intended:
      `the ${SWEEPER_ROLE} role (README): listDatabases, dbStats, find and dropDatabase on any database, and ` +
      `insert, update and remove on {db: "", collection: "${LEASE_COLLECTION}"}`,
    acceptDropAnyDatabase: true,
  });
  let leaseMode: "take" | "check" = canWriteLease(audit) ? "take" : "check";
  if (leaseMode === "check") log.warning(missingLeasePrivilege(audit.users));

  const listed = await client.db("admin").admin().listDatabases({ nameOnly: true });
  const { candidates, ignored } = sweepCandidates(
    listed.databases.map((d) => d.name),
    settings.prefix,
    settings.policy,
  );
  for (const i of ignored) log.info(`Not a candidate: ${shownName(i.database)}: ${shownName(i.why)}`);
  log.info(
    `${candidates.length} PR database(s) named ${settings.prefix}_pr_<number>: ${candidates.map((c) => c.database).join(", ") || "none"}.`,
  );

  const facts = [];
  for (const c of candidates) facts.push({ ...c, ...(await readFacts(client, c.database, log)) });
  const prs = candidates.length
    ? await readPullRequests(
        req.github,
        req.repo,
        candidates.map((c) => c.number),
        log,
      )
    : new Map<number, PullRequestRead>();

  const rows: SweepRow[] = facts.map((f) => {
    const pr = prs.get(f.number) ?? {
      number: f.number,
      status: "unreadable" as const,
      why: "it was not in GitHub's answer",
    };
    const decision = decideSweep({
      pr,
      now,
      keepClosedDays: settings.keepClosedDays,
      remindDays: settings.remindDays,
      names: req.names,
    });
    log.info(
      `${f.database} (#${f.number}, ${describePr(pr)}): ${decision.action}: ${decision.rule}` +
        `${decision.comment ? `; comment ${decision.comment}` : ""}.`,
    );
    return { ...f, pr, decision, outcome: "kept" };
  });

  const failures: string[] = [];
  const unreadable = rows.flatMap((r) => (r.pr.status === "unreadable" ? [r.pr] : []));
  if (unreadable.length) {
    const whys = [...new Set(unreadable.map((pr) => pr.why))].join("; ");
    failures.push(
      `Could not read pull request(s) ${unreadable.map((pr) => `#${pr.number}`).join(", ")} (${whys}); ` +
        "their databases were kept. Re-run the sweep when GitHub answers.",
    );
  }

  for (const row of rows) {
    if (req.dryRun) {
      if (row.decision.action === "drop") row.outcome = "would drop";
      if (row.decision.comment && row.pr.status === "found")
        row.comment = await plannedComment(req, row, row.decision.comment);
      continue;
    }
    if (row.decision.action === "drop") {
      try {
        leaseMode = await drop(req, row.database, leaseMode);
        row.outcome = "dropped";
      } catch (error) {
        row.outcome = error instanceof BusyError ? "busy" : "failed";
        row.note = errorMessage(error);
        if (row.outcome === "busy") log.info(`${row.database} was kept for now: ${row.note}`);
        else failures.push(`Dropping ${row.database} failed: ${row.note}`);
      }
    }
    const kind = row.decision.comment;
    const due = kind === "db-expiring" ? row.outcome === "kept" : row.outcome === "dropped";
    if (kind && due && row.pr.status === "found") {
      row.comment = await comment(req, row, kind, now);
      if (row.comment.status === "failed")
        failures.push(`The ${kind} comment on #${row.number} could not be posted: ${row.comment.note}`);
    }
  }

  const bytes = (rs: SweepRow[]) => rs.reduce((n, r) => n + (r.size?.onDisk ?? 0), 0);
  const gone = rows.filter((r) => r.outcome === "dropped" || r.outcome === "would drop");
  const before = { databases: rows.length, bytes: bytes(rows) };
  const bytesFreed = bytes(gone);
  return {
    dryRun: req.dryRun,
    prefix: settings.prefix,
    keepClosedDays: settings.keepClosedDays,
    remindDays: settings.remindDays,
    leaseMode,
    rows,
    ignored,
    before,
    after: { databases: before.databases - gone.length, bytes: before.bytes - bytesFreed },
    bytesFreed,
    dropped: rows.filter((r) => r.outcome === "dropped").map((r) => r.database),
    kept: rows.filter((r) => r.outcome !== "dropped").map((r) => r.database),
    wouldDrop: rows.filter((r) => r.outcome === "would drop").map((r) => r.database),
    reminded: rows
      .filter((r) => r.comment?.kind === "db-expiring" && r.comment.status === "posted")
      .map((r) => r.database),
    failures,
  };
}

function canWriteLease(audit: PrivilegeAudit): boolean {
  if (!audit.accessControl || audit.writesAnyDatabase) return true;
  return LEASE_WRITE_ACTIONS.every((a) => audit.leaseCollectionActions.includes(a));
}

function missingLeasePrivilege(users: readonly string[]): string {
  return (
    `The credentials${users.length ? ` (${users.join(", ")})` : ""} lack ${LEASE_WRITE_ACTIONS.join(", ")} on ` +
    `{db: "", collection: "${LEASE_COLLECTION}"}, the one-writer lease of every PR database. The sweep checks ` +
    "each database's lease read-only instead and keeps databases whose lease is held; a restore that starts " +
    `between that check and the drop is not waited for. Grant the privilege (the ${SWEEPER_ROLE} role in the README).`
  );
}

/** Drops one database, holding its lease (or checking it, without the privilege); returns the lease mode to go on with. */
async function drop(req: SweepRequest, database: string, mode: "take" | "check"): Promise<"take" | "check"> {
  const { client, settings, log } = req;
  if (mode === "check") {
    await dropTargetDatabaseIfLeaseFree(client, database, settings.policy, log);
    return mode;
  }
  try {
    // waitMs 0: a database another run is writing is in use right now; the next sweep decides again.
    await dropTargetDatabase(client, database, settings.policy, log, { what: "drop", waitMs: 0 });
    return mode;
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 13)) throw error;
    log.warning(
      `${missingLeasePrivilege([])} (MongoDB refused to write the lease of ${database}: ${error.message})`,
    );
    await dropTargetDatabaseIfLeaseFree(client, database, settings.policy, log);
    return "check";
  }
}

async function readFacts(
  client: MongoClient,
  database: string,
  log: Log,
): Promise<{ size?: DatabaseSize; lastRestore?: LastRestore }> {
  const out: { size?: DatabaseSize; lastRestore?: LastRestore } = {};
  try {
    out.size = await readDatabaseSize(client, database);
  } catch (error) {
    log.warning(`Could not read the size of ${database} (dbStats): ${errorMessage(error)}`);
  }
  try {
    const m = await readPrMetadata(client, database);
    if (m) {
      const date = (v: unknown) => (v instanceof Date ? v : undefined);
      const lastRestore: LastRestore = { source: String(m.source) };
      if (typeof m.status === "string") lastRestore.status = m.status;
      for (const key of ["restoredAt", "startedAt", "snapshotTimestamp"] as const) {
        const d = date(m[key]);
        if (d) lastRestore[key] = d;
      }
      out.lastRestore = lastRestore;
    }
  } catch (error) {
    log.warning(`Could not read the restore record of ${database}: ${errorMessage(error)}`);
  }
  return out;
}

/** The reminder is posted once per pull request, ever: an earlier one (any run) is enough. */
async function plannedComment(
  req: SweepRequest,
  row: SweepRow,
  kind: SweepCommentKind,
): Promise<SweepComment> {
  if (kind !== "db-expiring" || row.decision.action !== "keep") return { kind, status: "would post" };
  try {
    const earlier = await findComment(req.github, req.repo, row.number, kind, req.log);
    return earlier ? { kind, status: "already posted", url: earlier.url } : { kind, status: "would post" };
  } catch (error) {
    return { kind, status: "would post", note: `could not look for an earlier one: ${errorMessage(error)}` };
  }
}

async function comment(
  req: SweepRequest,
  row: SweepRow,
  kind: SweepCommentKind,
  now: Date,
): Promise<SweepComment> {
  const { github, repo, log } = req;
  const pr = row.pr;
  if (pr.status !== "found") return { kind, status: "failed", note: "no pull request" };
  try {
    if (kind === "db-expiring") {
      const earlier = await findComment(github, repo, row.number, kind, log);
      if (earlier) {
        log.info(`#${row.number}: the db-expiring reminder was already posted (${earlier.url}); not again.`);
        return { kind, status: "already posted", url: earlier.url };
      }
    }
    const body = sweepCommentBody(kind, {
      database: row.database,
      names: req.names,
      state: pr.state,
      ...(pr.closedAt ? { closedAt: pr.closedAt } : {}),
      ...(row.decision.expiresAt ? { expiresAt: row.decision.expiresAt } : {}),
      keepClosedDays: req.settings.keepClosedDays,
      now,
    });
    const posted = await postEventComment(github, repo, row.number, kind, body, {
      ...(req.runKey ? { runKey: req.runKey } : {}),
      mayHavePosted: req.rerun === true,
      log,
    });
    log.info(
      `#${row.number}: ${posted.outcome === "already-posted" ? "already posted" : "posted"} the ${kind} comment (${posted.url}).`,
    );
    return {
      kind,
      status: posted.outcome === "already-posted" ? "already posted" : "posted",
      url: posted.url,
    };
  } catch (error) {
    log.warning(`#${row.number}: the ${kind} comment could not be posted: ${errorMessage(error)}`);
    return { kind, status: "failed", note: errorMessage(error) };
  }
}

export function describePr(pr: PullRequestRead): string {
  if (pr.status === "not-found") return "not found";
  if (pr.status === "unreadable") return "unreadable";
  const labels = pr.labels.length ? `labels ${pr.labels.join(", ")}` : "no labels";
  return `${pr.state}${pr.closedAt ? ` ${pr.closedAt.toISOString().slice(0, 10)}` : ""}, ${labels}`;
}

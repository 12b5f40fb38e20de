import { type ActionResult, PartialFailure } from "@pr-snapshots/core/action";
import { errorMessage, UserError } from "@pr-snapshots/core/errors";
import { createGitHubClient, type GitHubClient, httpStatus } from "@pr-snapshots/core/github/client";
import { type PostedComment, postEventComment } from "@pr-snapshots/core/github/comments";
import { senderIsSelf } from "@pr-snapshots/core/github/identity";
import { addLabel, removeLabel } from "@pr-snapshots/core/github/labels";
import { fetchPullRequest, type LivePullRequest } from "@pr-snapshots/core/github/pull-request";
import { ASSUMED_DATABASE_STATE, type LockDatabaseState } from "@pr-snapshots/core/lock/database-state";
import { type DbAction, type Decision, decide, type LockState } from "@pr-snapshots/core/lock/decide";
import { isLockCommentKind, lockCommentBody } from "@pr-snapshots/core/lock/messages";
import { owedRevertComment } from "@pr-snapshots/core/lock/rerun";
import { actionsLog, type Log } from "@pr-snapshots/core/log";
import type { PrDatabase } from "./database";
import type { Inputs } from "./inputs";
import type { Outputs } from "./outputs";
import { summarize } from "./summary";

const DB_CHANGES: readonly DbAction[] = ["restore", "reset", "drop"];

/**
 * validate (done by readInputs) → read live state → decide → revert label → database → comment.
 * Every write happens after every read, so a failure while reading changes nothing.
 */
export async function run(inputs: Inputs, log: Log = actionsLog): Promise<ActionResult<Outputs>> {
  const github = createGitHubClient({
    token: inputs.token,
    log,
    ...(inputs.apiUrl ? { baseUrl: inputs.apiUrl } : {}),
  });
  const pr = await readLivePullRequest(github, inputs);
  const mongo = inputs.mongodbUri
    ? await nothingChangedIfFails(connect(inputs.mongodbUri, inputs.database, log, inputs.serverLimits))
    : undefined;
  try {
    const db = mongo ? await nothingChangedIfFails(mongo.state()) : ASSUMED_DATABASE_STATE;
    describeState(inputs, pr, db, mongo !== undefined, log);
    const decision = await decideEvent(inputs, pr, db, github, log);
    return await carryOut({ inputs, pr, db, decision, github, mongo, log });
  } finally {
    await mongo?.close();
  }
}

async function readLivePullRequest(github: GitHubClient, inputs: Inputs): Promise<LivePullRequest> {
  const { event } = inputs;
  try {
    return await fetchPullRequest(github, event.repo, event.number);
  } catch (error) {
    throw new Error(
      `Could not read pull request #${event.number} from the GitHub API (${errorMessage(error)}). ` +
        "Nothing was changed: enforce-lock decides from the live labels and state, never from the event " +
        "payload, which can be stale. Re-run the job when the API is reachable.",
    );
  }
}

async function connect(
  uri: string,
  database: string,
  log: Log,
  serverLimits: Inputs["serverLimits"],
): Promise<PrDatabase> {
  const { openPrDatabase } = await import(/* webpackChunkName: "database" */ "./database");
  return openPrDatabase(uri, database, log, serverLimits);
}

async function nothingChangedIfFails<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const message = `${errorMessage(error)} Nothing was changed.`;
    throw error instanceof UserError ? new UserError(message) : new Error(message);
  }
}

function describeState(
  inputs: Inputs,
  pr: LivePullRequest,
  db: LockDatabaseState,
  connected: boolean,
  log: Log,
): void {
  const { event } = inputs;
  log.info(
    `Pull request #${event.number} (${pr.state}), event "${event.action}"` +
      `${event.label ? ` of label "${event.label}"` : ""}${event.sender ? ` by ${event.sender.login}` : ""}; ` +
      `live labels: ${pr.labels.join(", ") || "none"}.`,
  );
  if (!connected) {
    log.info(
      `No mongodb-uri given: database ${inputs.database} is assumed to exist, and nothing is executed here.`,
    );
    return;
  }
  const data =
    db.lockedSnapshot === undefined
      ? "its data source is unknown (no restore metadata)"
      : db.lockedSnapshot
        ? "it holds a snapshot copy"
        : "it holds data from another source";
  log.info(
    db.exists
      ? `Database ${inputs.database} exists${db.restoring ? " but a restore into it is unfinished" : ""}; ${data}.`
      : `Database ${inputs.database} does not exist.`,
  );
}

/**
 * Decides as if the sender were someone else, and asks who the token is only when that decision
 * would change a label or the database: the check can cost an API request.
 */
async function decideEvent(
  inputs: Inputs,
  pr: LivePullRequest,
  db: LockDatabaseState,
  github: GitHubClient,
  log: Log,
): Promise<Decision> {
  const { event } = inputs;
  const state: LockState = {
    action: event.action,
    ...(event.label !== undefined ? { label: event.label } : {}),
    labels: pr.labels,
    state: pr.state,
    initialized: db.initialized,
    senderIsSelf: false,
    names: inputs.labels,
    ...(db.lockedSnapshot !== undefined ? { lockedSnapshot: db.lockedSnapshot } : {}),
  };
  let decision = decide(state);
  let owed = false;
  if (inputs.runAttempt > 1 && !decision.labelChange && !decision.comment) {
    const recovered = owedRevertComment(state);
    if (recovered) [decision, owed] = [recovered, true];
  }
  const labelEvent = event.action === "labeled" || event.action === "unlabeled";
  const changes = decision.labelChange !== undefined || DB_CHANGES.includes(decision.dbAction) || owed;
  if (!labelEvent || !changes) return decision;
  const self = await senderIsSelf(event.sender, github, log, {
    token: inputs.token,
    ...(inputs.selfLogin ? { selfLogin: inputs.selfLogin } : {}),
  });
  if (self.how === "api") {
    log.info(`Looked up the token's login (${self.login}); set the self-login input to save this request.`);
  }
  if (!self.isSelf) return decision;
  log.info(
    `The event was caused by this action's own token (${self.login ?? "?"}, from ${self.how}): ignored, so a ` +
      "label this action reverted cannot start a loop.",
  );
  return decide({ ...state, senderIsSelf: true });
}

interface Execution {
  inputs: Inputs;
  pr: LivePullRequest;
  db: LockDatabaseState;
  decision: Decision;
  github: GitHubClient;
  mongo: PrDatabase | undefined;
  log: Log;
}

interface Step {
  /** What the step will do, for the failure message. */
  plan: string;
  /** Says what was done, and whether that changed anything. */
  run: () => Promise<{ done: string; changed: boolean }>;
}

async function carryOut(x: Execution): Promise<ActionResult<Outputs>> {
  const { inputs, pr, db, decision, log } = x;
  const change = decision.labelChange;
  const outputs: Outputs = {
    "db-action": decision.dbAction,
    "label-reverted": change !== undefined,
    "label-change": change?.remove ? `-${change.remove}` : change?.add ? `+${change.add}` : "",
    locked: pr.labels.includes(inputs.labels.lock),
    database: inputs.database,
    "comment-url": "",
    "comment-kind": decision.comment ?? "",
    rule: decision.rule,
    initialized: db.initialized,
    "db-executed": false,
  };
  log.info(
    `Decision: ${decision.rule}. db-action: ${decision.dbAction}` +
      `${outputs["label-change"] ? `; label change: ${outputs["label-change"]}` : ""}` +
      `${decision.comment ? `; comment: ${decision.comment}` : ""}.`,
  );
  const notes: { comment?: string } = {};
  const result = (failure?: string): ActionResult<Outputs> => ({
    outputs,
    summary: summarize({
      event: inputs.event,
      labels: pr.labels,
      decision,
      database: inputs.database,
      outputs,
      dryRun: inputs.dryRun,
      ...(notes.comment ? { commentNote: notes.comment } : {}),
      ...(failure ? { failure } : {}),
    }),
  });

  if (inputs.dryRun) {
    log.info("Dry run: no label, database or comment was changed.");
    return result();
  }
  await runSteps(planSteps(x, outputs, notes), result, inputs, log);
  return result();
}

/** The writes of a decision, in order: label revert, database change, comment. */
function planSteps(x: Execution, outputs: Outputs, notes: { comment?: string }): Step[] {
  const { inputs, pr, db, decision, github, mongo, log } = x;
  const { event, database, labels: names } = inputs;
  const where = `pull request #${event.number}`;
  const steps: Step[] = [];
  const { add, remove } = decision.labelChange ?? {};
  if (remove) {
    steps.push({
      plan: `remove label "${remove}" from ${where}`,
      run: async () =>
        (await removeLabel(github, event.repo, event.number, remove))
          ? { done: `removed label "${remove}" from ${where}`, changed: true }
          : { done: `label "${remove}" was already gone from ${where}`, changed: false },
    });
  }
  if (add) {
    steps.push({
      plan: `add label "${add}" back to ${where}`,
      run: async () => {
        await addLabel(github, event.repo, event.number, add);
        return { done: `added label "${add}" back to ${where}`, changed: true };
      },
    });
  }

  // The lock record lets a stale restore/reset/drop Job (an Argo CD hook that runs again) see
  // the lock; it goes with the database when that is dropped, so it is written only when kept.
  if (mongo && decision.dbAction !== "drop" && decision.dbAction !== "reset") {
    const locked = pr.labels.includes(names.lock);
    steps.push({
      plan: `record the lock state (${locked ? "locked" : "unlocked"}) in ${database}`,
      run: async () => {
        const outcome = await mongo.recordLock(
          inputs.policy,
          { locked, sha: pr.headSha },
          inputs.waitTimeoutSeconds * 1000,
        );
        const state = locked ? "locked" : "unlocked";
        return outcome === "written"
          ? { done: `recorded the lock state (${state}) in ${database}`, changed: true }
          : outcome === "unchanged"
            ? { done: `the lock record in ${database} already says ${state}`, changed: false }
            : {
                done: `no lock record: ${database} does not exist (it is not created for one)`,
                changed: false,
              };
      },
    });
  }

  if ((decision.dbAction === "drop" || decision.dbAction === "reset") && mongo) {
    steps.push({
      plan: `drop database ${database} (${decision.dbAction})`,
      run: async () => {
        const { existed } = await mongo.drop(
          inputs.policy,
          decision.dbAction === "reset" ? "reset" : "drop",
          inputs.waitTimeoutSeconds * 1000,
        );
        outputs["db-executed"] = true;
        return existed
          ? { done: `dropped database ${database}`, changed: true }
          : { done: `database ${database} did not exist (nothing to drop)`, changed: false };
      },
    });
  } else if (decision.dbAction === "restore") {
    log.info(
      `db-action "restore": the restore-snapshot action does it (it drops ${database} and copies the snapshot in).`,
    );
  } else if (DB_CHANGES.includes(decision.dbAction)) {
    log.info(
      `db-action "${decision.dbAction}" is not executed here (no mongodb-uri): a later step must do it.`,
    );
  }

  const kind = decision.comment;
  if (!kind || !isLockCommentKind(kind)) return steps;
  // No "deleted"/"kept" comment on every closed PR that never had a database (a re-run still
  // posts it: the first attempt may have dropped the database and then failed to comment).
  if ((kind === "db-dropped" || kind === "db-kept") && mongo && !db.exists && inputs.runAttempt === 1) {
    notes.comment = `not posted: ${database} did not exist`;
    log.info(`No ${kind} comment: database ${database} did not exist.`);
    return steps;
  }
  const labelsAfter = [
    ...pr.labels.filter((l) => l !== remove),
    ...(add && !pr.labels.includes(add) ? [add] : []),
  ];
  steps.push({
    plan: `post the ${kind} comment on ${where}`,
    run: async () => {
      const body = lockCommentBody(kind, {
        database,
        names,
        labels: labelsAfter,
        action: event.action,
        ...(event.label !== undefined ? { label: event.label } : {}),
        executed: mongo !== undefined,
        ...(mongo ? { existed: db.exists } : {}),
        ...(db.snapshotTimestamp ? { snapshotTimestamp: db.snapshotTimestamp } : {}),
      });
      const posted: PostedComment = await postEventComment(github, event.repo, event.number, kind, body, {
        ...(inputs.runKey ? { runKey: inputs.runKey } : {}),
        mayHavePosted: inputs.runAttempt > 1,
        log,
      });
      outputs["comment-url"] = posted.url;
      return posted.outcome === "already-posted"
        ? {
            done: `the ${kind} comment was already posted by an earlier attempt (${posted.url})`,
            changed: false,
          }
        : { done: `posted the ${kind} comment (${posted.url})`, changed: true };
    },
  });
  return steps;
}

/** Runs the steps in order; a failure says exactly what was and was not done (outputs still published). */
async function runSteps(
  steps: readonly Step[],
  result: (failure?: string) => ActionResult<Outputs>,
  inputs: Inputs,
  log: Log,
): Promise<void> {
  const done: string[] = [];
  let changed = false;
  for (const [i, step] of steps.entries()) {
    try {
      const outcome = await step.run();
      done.push(outcome.done);
      changed ||= outcome.changed;
      log.info(`${sentence(outcome.done)}.`);
    } catch (error) {
      const failed = `${step.plan} failed: ${errorMessage(error)}${permissionHint(error, inputs)}`;
      const rest = steps.slice(i + 1).map((s) => s.plan);
      const message = changed
        ? `enforce-lock stopped part-way. Done: ${done.join("; ")}. Not done: ${[failed, ...rest].join("; ")}. ` +
          "Re-run this workflow run to finish: it does not repeat what was done and posts each comment only once."
        : `${sentence(failed)}. Nothing was changed${done.length ? ` (${done.join("; ")})` : ""}` +
          `${rest.length ? `; also not done: ${rest.join("; ")}` : ""}. Re-run the job to try again.`;
      throw new PartialFailure(message, result(message));
    }
  }
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

function permissionHint(error: unknown, inputs: Inputs): string {
  if (httpStatus(error) !== 403) return "";
  return inputs.event.fromFork
    ? " (this pull request comes from a fork, whose pull_request runs get a read-only token; run enforce-lock on pull_request_target)"
    : " (check that the job grants the token `permissions: pull-requests: write`, which labels and comments on pull requests need)";
}

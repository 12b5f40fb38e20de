import type { Collection } from "mongodb";
import { BusyError } from "../errors";
import type { Log } from "../log";

/**
 * A lease: at most one holder at a time, renewed by a heartbeat while the holder works, and
 * expiring on its own when the holder dies (a SIGKILLed job, a cancelled runner). Times are the
 * server's (`$$NOW`), so runners with skewed clocks still agree on who holds it.
 *
 * Two uses: one producer per snapshot database (a second one fails at once), and one writer per
 * PR database (CONTRACT §9: restore, reset and drop wait for each other).
 */

export interface LeaseDocument {
  _id: string;
  holder: string;
  /** Who holds it, for the waiting run's log line (workflow run, CLI on a pod, ...). */
  owner: string;
  /** What the holder is doing: restore, reset, drop, produce. */
  what: string;
  acquiredAt: Date;
  renewedAt: Date;
  expiresAt: Date;
}

export interface LeaseRequest {
  collection: Collection<LeaseDocument>;
  id: string;
  holder: string;
  owner: string;
  what: string;
  ttlMs: number;
  /** How long to wait for another holder to finish; 0 fails at once. */
  waitMs: number;
  /** The thing the lease protects, in words: `database shop_pr_7`. */
  subject: string;
  log: Log;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** How the error reads when the wait ends with the lease still taken. */
  busyMessage?: (current: LeaseDocument | null, waitedMs: number) => string;
}

export interface Lease {
  readonly holder: string;
  /** Throws when a renewal found the lease taken over (it had expired): the holder must stop writing. */
  assertHeld(): void;
  /** Stops the heartbeat without deleting the lease (its document is about to be dropped). */
  stopHeartbeat(): void;
  release(): Promise<void>;
}

export async function acquireLease(r: LeaseRequest): Promise<Lease> {
  const sleep = r.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = Date.now();
  let lastNotice = 0;
  for (;;) {
    if (await tryTake(r)) break;
    const current = await r.collection.findOne({ _id: r.id });
    if (!current) continue; // released between the two reads: try again at once
    const waited = Date.now() - started;
    if (waited >= r.waitMs) {
      throw new BusyError(
        r.busyMessage?.(current, waited) ??
          `${capitalise(r.subject)} is still being written by ${describeHolder(current)} after waiting ${Math.round(waited / 1000)}s. ` +
            "Nothing was changed. Run again once it has finished, or raise wait-timeout-seconds.",
      );
    }
    if (lastNotice === 0 || Date.now() - lastNotice >= 30_000) {
      lastNotice = Date.now();
      r.log.info(
        `${capitalise(r.subject)} is being written by ${describeHolder(current)}; waiting for it ` +
          `(up to ${Math.round((r.waitMs - waited) / 1000)}s more), then this run does its ${r.what}.`,
      );
    }
    await sleep(Math.min(r.pollMs ?? 1_000, Math.max(50, r.waitMs - waited)));
  }
  if (Date.now() - started > 1_000)
    r.log.info(`${capitalise(r.subject)} is free now: this run holds the lease.`);

  let lost = false;
  const renew = async () => {
    const res = await r.collection.updateOne({ _id: r.id, holder: r.holder }, [
      { $set: { renewedAt: "$$NOW", expiresAt: { $add: ["$$NOW", r.ttlMs] } } },
    ]);
    if (res.matchedCount === 0) lost = true;
  };
  const timer = setInterval(() => void renew().catch(() => {}), Math.max(500, Math.floor(r.ttlMs / 3)));
  timer.unref();
  return {
    holder: r.holder,
    assertHeld() {
      if (lost) {
        throw new Error(
          `This run lost the lease on ${r.subject}: it could not renew it in time and another run took over. ` +
            "It stopped writing; the other run's result stands.",
        );
      }
    },
    stopHeartbeat() {
      clearInterval(timer);
    },
    async release() {
      clearInterval(timer);
      await r.collection.deleteOne({ _id: r.id, holder: r.holder });
    },
  };
}

/**
 * Takes the lease if it is free, expired, or already ours, in one atomic update. (An upsert may
 * not filter with `$expr`, so the condition is evaluated inside the update pipeline instead: each
 * field keeps the current holder's value unless the lease is free.)
 */
async function tryTake(r: LeaseRequest): Promise<boolean> {
  const free = {
    $or: [
      { $eq: [{ $type: "$holder" }, "missing"] },
      { $lt: ["$expiresAt", "$$NOW"] },
      { $eq: ["$holder", { $literal: r.holder }] },
    ],
  };
  const pick = (mine: unknown, current: string) => ({ $cond: [free, mine, current] });
  const after = await r.collection.findOneAndUpdate(
    { _id: r.id },
    [
      {
        $set: {
          holder: pick({ $literal: r.holder }, "$holder"),
          owner: pick({ $literal: r.owner }, "$owner"),
          what: pick({ $literal: r.what }, "$what"),
          acquiredAt: pick("$$NOW", "$acquiredAt"),
          renewedAt: pick("$$NOW", "$renewedAt"),
          expiresAt: pick({ $add: ["$$NOW", r.ttlMs] }, "$expiresAt"),
        },
      },
    ],
    { upsert: true, returnDocument: "after" },
  );
  return after?.holder === r.holder;
}

export function describeHolder(d: LeaseDocument): string {
  const since = d.acquiredAt instanceof Date ? d.acquiredAt.toISOString() : "?";
  const expires = d.expiresAt instanceof Date ? d.expiresAt.toISOString() : "?";
  return `${d.owner} (${d.what}, since ${since}; its lease expires at ${expires} unless renewed)`;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** Who this process is, for the lease and the waiting run's log: the workflow run, or the CLI's host and pid. */
export function leaseOwner(env: NodeJS.ProcessEnv = process.env, program = "pr-snapshots"): string {
  if (env.GITHUB_RUN_ID) {
    const repo = env.GITHUB_REPOSITORY ? `${env.GITHUB_REPOSITORY} ` : "";
    const workflow = env.GITHUB_WORKFLOW ? ` "${env.GITHUB_WORKFLOW}"` : "";
    return `${program} in ${repo}workflow${workflow} run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
  }
  return `${program} on ${env.HOSTNAME || "an unnamed host"} (pid ${process.pid})`;
}

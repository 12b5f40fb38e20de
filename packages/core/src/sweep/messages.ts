import { code, formatUtc } from "../markdown";
import type { LabelNames } from "../settings";
import type { SweepCommentKind } from "./decide";

export interface SweepMessageContext {
  database: string;
  names: LabelNames;
  state: "open" | "closed" | "merged";
  closedAt?: Date;
  expiresAt?: Date;
  keepClosedDays: number;
  now: Date;
}

/**
 * The bodies of the sweep's comments (the marker line is added when they are posted). To keep a
 * database longer they say: reopen the pull request, or raise keep-closed-days. They never say
 * to remove the lock for that: on a closed pull request, removing it deletes the database.
 */
export function sweepCommentBody(kind: SweepCommentKind, ctx: SweepMessageContext): string {
  const db = code(ctx.database);
  const [preview, lock] = [code(ctx.names.preview), code(ctx.names.lock)];
  const keep = code("keep-closed-days");
  const closed = ctx.state === "merged" ? "merged" : "closed";
  const when = ctx.closedAt ? ` on ${formatUtc(ctx.closedAt)}` : "";
  const forGood = `(${code("0")} keeps locked databases for good)`;
  const body: string[] = [];
  if (kind === "db-expiring") {
    const left = ctx.expiresAt
      ? Math.max(0, Math.ceil((ctx.expiresAt.getTime() - ctx.now.getTime()) / 86_400_000))
      : 0;
    body.push(
      "### ⏳ Database expires soon",
      `This pull request was ${closed}${when}. Its database ${db} is kept because it is locked by ${lock}, ` +
        `but the database of a closed pull request is kept for ${ctx.keepClosedDays} days (${keep}): the daily sweep ` +
        `deletes it on or after **${formatUtc(ctx.expiresAt)}** (in ${left} day${left === 1 ? "" : "s"}).`,
      `**To keep it longer:** reopen this pull request (the database of an open pull request does not expire), ` +
        `or raise ${keep} in the sweep workflow ${forGood}.`,
      `**To delete it now:** remove ${lock} from this pull request.`,
    );
  } else if (kind === "db-expired") {
    body.push(
      "### 🗑️ Database expired and deleted",
      `This pull request was ${closed}${when}, more than ${ctx.keepClosedDays} days ago (${keep}), so the daily sweep ` +
        `deleted its locked database ${db}.`,
      `**To get a database again:** reopen this pull request with ${preview}; it starts with a fresh database. ` +
        `**To keep databases of closed pull requests longer:** raise ${keep} in the sweep workflow ${forGood}.`,
    );
  } else if (ctx.state === "open") {
    body.push(
      "### 🗑️ Database deleted",
      `The daily sweep deleted ${db}: this pull request has neither ${preview} nor ${lock}, so no preview ` +
        "environment uses it.",
      `**To get a preview environment:** add ${preview}; it starts with a fresh database. ` +
        `**To keep a database without a preview environment:** add ${lock}.`,
    );
  } else {
    body.push(
      "### 🗑️ Database deleted",
      `The daily sweep deleted ${db}: this pull request was ${closed}${when} and its database was not locked by ${lock}.`,
      `Reopening this pull request with ${preview} creates a fresh database. To keep a pull request's database ` +
        `after it is closed, add ${lock} before closing it.`,
    );
  }
  return `${body.join("\n\n")}\n`;
}

import type { MongoClient } from "mongodb";
import { RefusedError, UserError } from "../errors";
import type { Log } from "../log";
import type { TargetPolicy } from "../names";
import { auditPrivileges, type PrivilegeAudit } from "./privileges";

/**
 * Refuses credentials that could write a protected database (production, snapshot, admin, ...):
 * the intended model gives each job only the rights it needs, so that a bug in any script
 * still cannot touch production. `allow` (allow-privileged-credentials) overrides it.
 */
export async function assertLeastPrivilege(
  client: MongoClient,
  policy: TargetPolicy,
  log: Log,
  options: {
    allow: boolean;
    intended: string;
    protectedOverride?: readonly string[];
    /** The sweeper: dropDatabase on every database is its job (see AuditOptions). */
    acceptDropAnyDatabase?: boolean;
  },
): Promise<PrivilegeAudit> {
  const protectedDbs = options.protectedOverride ?? [...policy.protected.keys()];
  const audit = await auditPrivileges(client, protectedDbs, {
    ...(options.acceptDropAnyDatabase ? { acceptDropAnyDatabase: true } : {}),
  });
  if (!audit.accessControl) {
    log.warning(
      "The MongoDB server has no access control: any client can write any database, production included. " +
        `Enable authentication and give these credentials ${options.intended}.`,
    );
    return audit;
  }
  if (audit.unknown) {
    // Fail closed: this audit is what keeps over-privileged credentials off production's
    // deployment, so a server that will not say what they may do is not taken as a "no".
    const message =
      `The privileges of the credentials in mongodb-uri${audit.users.length ? ` (${audit.users.join(", ")})` : ""} cannot be checked: ${audit.unknown}. ` +
      `The intended model gives this job ${options.intended}. Use a user with only built-in roles (read, readWrite, dbAdmin on named databases), ` +
      "or set allow-privileged-credentials: true to proceed on the target rules alone.";
    if (!options.allow) throw new RefusedError(message);
    log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
    return audit;
  }
  if (audit.users.length === 0) {
    throw new UserError(
      "The MongoDB server requires authentication but mongodb-uri has no credentials. Put the user and password in the connection string.",
    );
  }
  if (audit.writableProtected.length === 0) {
    const drops =
      audit.dropsAnyDatabase && options.acceptDropAnyDatabase
        ? " (they can drop any database: the target rules decide which ones are dropped)"
        : "";
    log.info(
      `Credentials ${audit.users.join(", ")} cannot write any protected database${drops}: least privilege confirmed.`,
    );
    return audit;
  }
  const what = audit.writesAnyDatabase ? "every database" : audit.writableProtected.join(", ");
  const message =
    `The credentials in mongodb-uri (${audit.users.join(", ")}) can write ${what}, including protected databases ` +
    `(${audit.writableProtected.join(", ")}). The intended model gives this job ${options.intended}, ` +
    "so that even a bug cannot modify production. Use such a user, or set allow-privileged-credentials: true to proceed anyway.";
  if (!options.allow) throw new RefusedError(message);
  log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
  return audit;
}

/**
 * CONTRACT §8: production on its own deployment is read through `source-uri`, whose credentials
 * need only `read` there. Credentials that could write it are refused unless explicitly allowed.
 */
export async function assertReadOnlySource(
  client: MongoClient,
  sourceDatabase: string,
  log: Log,
  options: { allow: boolean; where: string },
): Promise<void> {
  const audit = await auditPrivileges(client, [sourceDatabase]);
  if (audit.unknown) {
    const message =
      `The privileges of the credentials in source-uri cannot be checked on ${options.where}: ${audit.unknown}. ` +
      `The producer only reads production: give source-uri a user with the built-in read role on "${sourceDatabase}", ` +
      "or set allow-privileged-credentials: true to proceed anyway.";
    if (!options.allow) throw new RefusedError(message);
    log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
    return;
  }
  if (!audit.accessControl) {
    log.warning(
      `The production deployment (${options.where}) has no access control: any client can write it. ` +
        `Enable authentication and give source-uri a user with only read on "${sourceDatabase}".`,
    );
    return;
  }
  if (audit.users.length === 0) {
    throw new UserError(
      `The production deployment (${options.where}) requires authentication but source-uri has no credentials. Put a read-only user and its password in the connection string.`,
    );
  }
  if (audit.writableProtected.length === 0) {
    log.info(
      `Source credentials ${audit.users.join(", ")} can only read "${sourceDatabase}" on ${options.where}: least privilege confirmed.`,
    );
    return;
  }
  const message =
    `The credentials in source-uri (${audit.users.join(", ")}) can write the production database "${sourceDatabase}" ` +
    `on ${options.where}. The producer only reads production: give source-uri a user with the read role on ` +
    `"${sourceDatabase}", or set allow-privileged-credentials: true to proceed anyway.`;
  if (!options.allow) throw new RefusedError(message);
  log.warning(`${message} (proceeding: allow-privileged-credentials is true)`);
}

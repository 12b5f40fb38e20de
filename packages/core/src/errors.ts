/**
 * An error caused by something the user can fix (an input, the config file, the event,
 * a database name, missing data). Its message says what was wrong and how to fix it,
 * and the actions print it without a stack trace.
 */
export class UserError extends Error {
  override name = "UserError";
}

/** Refused for safety (a protected target, over-privileged credentials, a suspicious snapshot): nothing was changed. */
export class RefusedError extends UserError {
  override name = "RefusedError";
}

/** No complete snapshot appeared within the wait timeout. */
export class SnapshotUnavailableError extends UserError {
  override name = "SnapshotUnavailableError";
}

/** A refused database target: raised before any write. */
export class TargetRefusedError extends RefusedError {
  override name = "TargetRefusedError";
  constructor(
    readonly database: string,
    readonly rule: "name" | "protected" | "pattern",
    message: string,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Another run held what this one needs (a PR database, the snapshot) for longer than it could wait. */
export class BusyError extends UserError {
  override name = "BusyError";
}

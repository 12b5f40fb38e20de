import { UserError } from "../errors";
import type { Log } from "../log";

/**
 * Reading and masking a connection string without loading the MongoDB driver, so that actions
 * which may never connect do not pay for it at start-up.
 */
const URI_SHAPE = /^(mongodb(?:\+srv)?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]*)/;

export interface ConnectionStringParts {
  scheme: string;
  username?: string;
  password?: string;
  hosts: string;
}

export function parseConnectionString(uri: string): ConnectionStringParts {
  const m = URI_SHAPE.exec(uri.trim());
  if (!m?.[1] || !m[4]) {
    throw new UserError(
      `The MongoDB connection string is not valid: it must start with "mongodb://" or "mongodb+srv://" ` +
        `followed by a host (the value itself is not shown because it may contain a password).`,
    );
  }
  return {
    scheme: m[1],
    ...(m[2] ? { username: safeDecode(m[2]) } : {}),
    ...(m[3] !== undefined ? { password: m[3] } : {}),
    hosts: m[4],
  };
}

/** Registers the URI and its password (raw and decoded) as secrets before anything is logged. */
export function maskConnectionString(uri: string, log: Log): ConnectionStringParts {
  log.secret(uri);
  log.secret(uri.trim());
  const parts = parseConnectionString(uri);
  if (parts.password) {
    log.secret(parts.password);
    log.secret(safeDecode(parts.password));
  }
  return parts;
}

/** host list and user, never the password: safe for logs and summaries. */
export function describeConnection(parts: ConnectionStringParts): string {
  return `${parts.scheme}://${parts.username ? `${parts.username}@` : ""}${parts.hosts}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

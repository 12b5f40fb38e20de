import { MongoClient, type MongoClientOptions, MongoServerError, MongoServerSelectionError } from "mongodb";
import { UserError } from "../errors";
import type { Log } from "../log";
import { type ConnectionStringParts, describeConnection, maskConnectionString } from "./connection-string";
import type { ServerLimitsSetting } from "./limit-names";
import { useServerLimits } from "./limits";

export interface ConnectOptions {
  uri: string;
  log: Log;
  /** Shown in the server's logs and currentOp, e.g. "pr-snapshots/restore-snapshot". */
  appName: string;
  serverSelectionTimeoutMS?: number;
  maxPoolSize?: number;
  /** Which input the URI came from, for error messages (default mongodb-uri). */
  input?: string;
  /** CONTRACT §14 `server-limits` (default auto): what writers of this client check names against. */
  serverLimits?: ServerLimitsSetting;
}

export async function connectMongo(options: ConnectOptions): Promise<MongoClient> {
  const parts = maskConnectionString(options.uri, options.log);
  const defaults: MongoClientOptions = {
    appName: options.appName,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 15_000,
    connectTimeoutMS: 10_000,
    // $out of a large collection is one long command: never time the socket out underneath it.
    socketTimeoutMS: 0,
    maxPoolSize: options.maxPoolSize ?? 10,
    retryWrites: true,
    retryReads: true,
  };
  // Options written in the connection string are the operator's choice: they win over our defaults.
  const inUri = new Set(
    (options.uri.split("?")[1] ?? "").split("&").map((kv) => (kv.split("=")[0] ?? "").toLowerCase()),
  );
  const clientOptions = Object.fromEntries(
    Object.entries(defaults).filter(([key]) => !inUri.has(key.toLowerCase())),
  ) as MongoClientOptions;
  const client = new MongoClient(options.uri.trim(), clientOptions);
  try {
    await client.connect();
    // connect() succeeds lazily on some topologies; a ping proves the credentials work.
    await client.db("admin").command({ ping: 1 });
    if (options.serverLimits) useServerLimits(client, options.serverLimits);
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw explainConnectionError(
      error,
      parts,
      clientOptions.serverSelectionTimeoutMS ?? selectionTimeoutFromUri(options.uri),
      options.input,
    );
  }
}

/** Connects, runs `fn`, and always closes the connection. */
export async function withMongo<T>(
  options: ConnectOptions,
  fn: (client: MongoClient) => Promise<T>,
): Promise<T> {
  const client = await connectMongo(options);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export function explainConnectionError(
  error: unknown,
  parts: ConnectionStringParts,
  timeoutMs: number,
  input = "mongodb-uri",
): Error {
  const where = describeConnection(parts);
  if (error instanceof MongoServerError && (error.code === 18 || error.codeName === "AuthenticationFailed")) {
    return new UserError(
      `MongoDB rejected the credentials for user "${parts.username ?? "(none)"}" at ${where}: authentication failed. ` +
        `Check the username and password in the ${input} secret (and authSource, usually "admin").`,
    );
  }
  if (error instanceof MongoServerSelectionError) {
    return new UserError(
      `Could not reach MongoDB at ${where} within ${Math.round(timeoutMs / 1000)}s (${firstLine(error.message)}). ` +
        `Check the host in ${input} and that this runner is allowed to connect (IP access list, firewall, VPN).`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function selectionTimeoutFromUri(uri: string): number {
  const m = /[?&]serverSelectionTimeoutMS=(\d+)/i.exec(uri);
  return m?.[1] ? Number(m[1]) : 30_000;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

import { LEASE_COLLECTION } from "../mongo/target";

/**
 * The sweeper's MongoDB role (CONTRACT §10). MongoDB grants no privilege per name prefix, so
 * listing, sizing, reading the restore record and dropping are granted on every database; the
 * target rules in front of every drop decide which databases are ever dropped. Writes are
 * granted on exactly one collection name, the one-writer lease, so that a drop can wait for a
 * restore in progress. The README's createRole command is generated from this (pnpm diagrams).
 */
export const SWEEPER_ROLE = "prSnapshotsSweeper";

export const SWEEPER_PRIVILEGES = [
  { resource: { cluster: true }, actions: ["listDatabases"] },
  { resource: { db: "", collection: "" }, actions: ["dbStats", "find", "dropDatabase"] },
  { resource: { db: "", collection: LEASE_COLLECTION }, actions: ["insert", "update", "remove"] },
] as const;

/** The lease privilege alone: without it the sweeper checks the lease read-only (see sweep/run.ts). */
export const LEASE_WRITE_ACTIONS = ["insert", "remove", "update"] as const;

/** `createRole` for the admin database, as the README shows it. */
export function sweeperCreateRole(): {
  role: string;
  privileges: { resource: Record<string, unknown>; actions: string[] }[];
  roles: never[];
} {
  return {
    role: SWEEPER_ROLE,
    privileges: SWEEPER_PRIVILEGES.map((p) => ({ resource: { ...p.resource }, actions: [...p.actions] })),
    roles: [],
  };
}

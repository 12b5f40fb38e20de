import type { CommonInputs } from "@pr-snapshots/core/settings";
import type { ProducerSettings } from "@pr-snapshots/core/snapshot/settings";

/**
 * Inputs and outputs of both modes, in a module of their own: run.ts loads direct.ts lazily, and
 * both need these types without importing each other.
 */

/** The word a manual run must type (input confirm): a mistyped run does nothing. */
export const CONFIRMATION = "refresh-snapshot";

export type DirectInputs = CommonInputs &
  ProducerSettings & { mode: "direct"; uri: string; sourceUri: string | undefined };

export type KubernetesInputs = CommonInputs & {
  mode: "kubernetes";
  uri: string | undefined;
  snapshotDatabase: string | undefined;
  cronjob: string;
  namespace: string;
  wait: boolean;
  timeoutSeconds: number;
  pollIntervalSeconds: number;
  kubectl: string;
};

export type Inputs = DirectInputs | KubernetesInputs;

export interface Outputs extends Record<string, string | number | boolean> {
  "snapshot-timestamp": string;
  collections: number | string;
  documents: number | string;
  generation: string;
  "job-name": string;
  consistency: string;
  "consistent-at": string;
}

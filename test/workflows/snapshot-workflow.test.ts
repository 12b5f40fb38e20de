import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { interpolate } from "../support/argocd";
import { repoRoot } from "../support/mongod";

/**
 * What snapshot-on-demand.yml hands to trigger-producer: in kubernetes mode the producer runs in
 * the cluster with its own Secret, so the runner, kubectl and the kubeconfig's credential plugins
 * get no connection string and no salt.
 */
describe(".github/workflows/snapshot-on-demand.yml", () => {
  const wf = parse(readFileSync(path.join(repoRoot, ".github/workflows/snapshot-on-demand.yml"), "utf8")) as {
    jobs: {
      refresh: { env: Record<string, string>; steps: { uses?: string; with?: Record<string, string> }[] };
    };
  };
  const job = wf.jobs.refresh;
  const step = job.steps.find((s) => s.uses?.includes("/actions/trigger-producer@"));
  const secrets = {
    "producer-mongodb-uri": "mongodb://producer:pw@prod/",
    "source-mongodb-uri": "mongodb://reader:pw@prod-source/",
    "mask-salt": "salt-0123456789abcdef",
    PR_SNAPSHOTS_PRODUCER_MONGODB_URI: "mongodb://repo-producer:pw@prod/",
    PR_SNAPSHOTS_SOURCE_MONGODB_URI: "mongodb://repo-reader:pw@prod-source/",
    PR_SNAPSHOTS_MASK_SALT: "repo-salt-0123456789abcdef",
    kubeconfig: "apiVersion: v1",
  };
  const SECRET_INPUTS = ["mongodb-uri", "source-uri", "mask-salt"];

  function inputsFor(mode: string, callerSecrets: Record<string, string>): Record<string, string> {
    const env = { MODE: interpolate(job.env.MODE ?? "", { inputs: { mode }, vars: {} }) };
    const ctx = {
      env,
      secrets: callerSecrets,
      inputs: { mode },
      github: { event_name: "workflow_dispatch" },
      vars: {},
    };
    return Object.fromEntries(
      Object.entries(step?.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]),
    );
  }

  it("kubernetes mode: no connection string and no salt reach the action", () => {
    expect(step).toBeDefined();
    for (const s of [
      secrets,
      { PR_SNAPSHOTS_PRODUCER_MONGODB_URI: "mongodb://x/", PR_SNAPSHOTS_MASK_SALT: "y" },
    ]) {
      const inputs = inputsFor("kubernetes", s);
      expect(inputs.mode).toBe("kubernetes");
      for (const name of SECRET_INPUTS) expect(inputs[name], name).toBe("");
    }
  });

  it("direct mode: the caller's secrets first, the repository's as the fallback", () => {
    expect(inputsFor("direct", secrets)).toMatchObject({
      "mongodb-uri": secrets["producer-mongodb-uri"],
      "source-uri": secrets["source-mongodb-uri"],
      "mask-salt": secrets["mask-salt"],
    });
    const repoOnly = Object.fromEntries(
      Object.entries(secrets).filter(([k]) => k.startsWith("PR_SNAPSHOTS_")),
    );
    expect(inputsFor("direct", repoOnly)).toMatchObject({
      "mongodb-uri": secrets.PR_SNAPSHOTS_PRODUCER_MONGODB_URI,
      "mask-salt": secrets.PR_SNAPSHOTS_MASK_SALT,
    });
  });
});

import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readSnapshotMetadata } from "@pr-snapshots/core/snapshot/metadata";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GitHubStandIn } from "../support/github-stand-in";
import { dbHash } from "../support/mongod";
import { authServerForSuite, producerRoles } from "../support/permission-model";
import { runAction } from "../support/run-action";
import { SAMPLE_COLLECTIONS, seedProduction } from "../support/sample-data";

let client: MongoClient;
let uri: string;
let gh: GitHubStandIn;
beforeAll(async () => {
  uri = inject("mongoStandaloneUri");
  client = new MongoClient(uri);
  await client.connect();
  gh = await GitHubStandIn.start();
});
afterAll(async () => {
  await client?.close();
  await gh?.stop();
});

/**
 * As snapshot-on-demand.yml runs it: no checkout, so the config file is looked up through the
 * contents API at GITHUB_SHA (the stand-in has none: 404) with the job's token.
 */
const trigger = (inputs: Record<string, string | number | boolean>, env: Record<string, string> = {}) =>
  runAction("trigger-producer", {
    eventName: "workflow_dispatch",
    apiUrl: gh.url,
    inputs: { "github-token": gh.defaultToken, ...inputs },
    env,
  });

async function databases(): Promise<string[]> {
  return (await client.db("admin").admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
}

/** A kubectl stand-in that records its arguments and environment and answers like the real one. */
function fakeKubectl(behaviour: {
  pollsUntilDone: number;
  outcome: "Complete" | "Failed";
  failCreate?: boolean;
}) {
  const dir = mkdtempSync(path.join(tmpdir(), "kubectl-"));
  const logFile = path.join(dir, "calls.log");
  const envFile = path.join(dir, "env.log");
  const counter = path.join(dir, "polls");
  writeFileSync(counter, "0");
  writeFileSync(logFile, "");
  const script = `#!/usr/bin/env bash
printf '%s\\n' "ARGS $*" >> ${JSON.stringify(logFile)}
env -0 >> ${JSON.stringify(envFile)}
printf '%s\\n' "KUBECONFIG=\${KUBECONFIG:-} MONGODB_URI=\${MONGODB_URI:-} INPUT_MONGODB-URI=$(printenv 'INPUT_MONGODB-URI' || true)" >> ${JSON.stringify(logFile)}
case "$1 $2" in
  "create job")
    ${behaviour.failCreate ? 'echo "error: cronjobs.batch \\"$3\\" not found" >&2; exit 1' : 'echo "job.batch/$4 created"'} ;;
  "get job")
    n=$(cat ${JSON.stringify(counter)}); n=$((n+1)); echo $n > ${JSON.stringify(counter)}
    if [ "$n" -ge ${behaviour.pollsUntilDone} ]; then
      echo '{"status":{"conditions":[{"type":"${behaviour.outcome}","status":"True"}]}}'
    else
      echo '{"status":{"active":1}}'
    fi ;;
  "logs job/"*|logs*) echo "copying pmStudy..."; echo "MongoServerError: not authorized" ;;
esac
`;
  writeFileSync(path.join(dir, "kubectl"), script);
  chmodSync(path.join(dir, "kubectl"), 0o755);
  return {
    dir,
    calls: () => readFileSync(logFile, "utf8"),
    /** Every variable kubectl was started with, over all its calls. */
    environment: () =>
      existsSync(envFile)
        ? readFileSync(envFile, "utf8")
            .split("\0")
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const)
        : [],
  };
}

describe("trigger-producer (bundled action as a process)", () => {
  it("confirm other than refresh-snapshot fails and does nothing", async () => {
    const kube = fakeKubectl({ pollsUntilDone: 1, outcome: "Complete" });
    for (const mode of ["direct", "kubernetes"]) {
      const r = await trigger(
        {
          confirm: "nope",
          mode,
          "mongodb-uri": uri,
          "source-database": "tc_prod",
          "snapshot-database": "tc_snapshot",
        },
        { PATH: `${kube.dir}:${process.env.PATH}` },
      );
      expect(r.code).toBe(1);
      expect(r.errors.join("\n")).toMatch(
        /confirm must be exactly "refresh-snapshot".*got "nope"\. Nothing was done\./,
      );
    }
    expect(kube.calls()).toBe("");
    expect(await databases()).not.toContain("tc_snapshot");
    expect(gh.requests).toEqual([]);
  });

  it("direct mode publishes a snapshot and reports it", async () => {
    await seedProduction(client, "td_prod");
    const r = await trigger({
      confirm: "refresh-snapshot",
      "mongodb-uri": uri,
      "db-prefix": "td",
      "source-database": "td_prod",
      "allow-privileged-credentials": true,
    });
    expect(r.code, r.stdout).toBe(0);
    const meta = await readSnapshotMetadata(client.db("td_snapshot"));
    expect(meta?.status).toBe("complete");
    expect(r.outputs).toMatchObject({
      "snapshot-timestamp": meta?.timestamp.toISOString(),
      collections: "11",
      generation: meta?.generation,
      "job-name": "",
    });
    expect(Number(r.outputs.documents)).toBe(Object.values(meta?.counts ?? {}).reduce((a, b) => a + b, 0));
    expect(r.summary).toMatch(/snapshot refreshed[\s\S]*\| pmStudy \|/);
    expect(r.warnings.join("\n")).toMatch(/no access control/);
  });

  it("collections and exclude-collections pick what is copied", async () => {
    await seedProduction(client, "ts_prod");
    const r = await trigger({
      "mongodb-uri": uri,
      "source-database": "ts_prod",
      "snapshot-database": "ts_snapshot",
      collections: "pmProject\npmStudy*\npmInvestigator*",
      "exclude-collections": "pmInvestigatorUsage",
    });
    expect(r.code, r.stdout).toBe(0);
    const meta = await readSnapshotMetadata(client.db("ts_snapshot"));
    expect(meta?.collections.sort()).toEqual([
      "pmInvestigator",
      "pmInvestigatorEmail",
      "pmProject",
      "pmStudy",
      "pmStudyCorrection",
    ]);
    const typo = await trigger({
      "mongodb-uri": uri,
      "source-database": "ts_prod",
      "snapshot-database": "ts_snapshot",
      collections: "pmProjekt",
    });
    expect(typo.code).toBe(1);
    expect(typo.errors.join("\n")).toMatch(
      /collections.include names "pmProjekt", which the source database does not have/,
    );
  });

  it("the sanity guard blocks an emptied collection; force publishes", async () => {
    await seedProduction(client, "tg_prod");
    const inputs = {
      "mongodb-uri": uri,
      "source-database": "tg_prod",
      "snapshot-database": "tg_snapshot",
      "grace-seconds": 0,
    };
    expect((await trigger(inputs)).code).toBe(0);
    const before = await readSnapshotMetadata(client.db("tg_snapshot"));
    await client.db("tg_prod").collection("pmStudy").deleteMany({});
    const blocked = await trigger(inputs);
    expect(blocked.code).toBe(1);
    expect(blocked.errors.join("\n")).toMatch(
      /Refusing to publish the new snapshot: pmStudy had \d+ documents and is now empty.*force: true/s,
    );
    expect((await readSnapshotMetadata(client.db("tg_snapshot")))?.generation).toBe(before?.generation);
    const forced = await trigger({ ...inputs, force: true });
    expect(forced.code).toBe(0);
    expect((await readSnapshotMetadata(client.db("tg_snapshot")))?.counts?.pmStudy).toBe(0);
  });

  it("kubernetes mode creates the job through kubectl, waits for it, and keeps credentials out of argv", async () => {
    const kube = fakeKubectl({ pollsUntilDone: 3, outcome: "Complete" });
    const r = await trigger(
      {
        mode: "kubernetes",
        confirm: "refresh-snapshot",
        cronjob: "snapshot-producer",
        namespace: "syrf-system",
        wait: true,
        "poll-interval-seconds": 1,
        "mongodb-uri": uri,
      },
      { PATH: `${kube.dir}:${process.env.PATH}`, KUBECONFIG: "/tmp/kubeconfig-for-test" },
    );
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs["job-name"]).toMatch(/^snapshot-producer-manual-\d{8}-\d{6}$/);
    const calls = kube.calls();
    expect(calls).toContain(
      `ARGS create job --from=cronjob/snapshot-producer ${r.outputs["job-name"]} -n syrf-system`,
    );
    expect(calls.match(/ARGS get job/g)).toHaveLength(3);
    expect(calls).toContain("KUBECONFIG=/tmp/kubeconfig-for-test");
    for (const line of calls.split("\n").filter((l) => l.startsWith("ARGS")))
      expect(line).not.toContain("mongodb://");
    expect(r.summary).toContain("succeeded");
  });

  it("kubernetes mode: kubectl (and the credential plugins it runs) gets a minimal environment, never the action's inputs", async () => {
    const kube = fakeKubectl({ pollsUntilDone: 1, outcome: "Complete" });
    const salt = "salt-that-kubectl-must-not-see-0123";
    const r = await trigger(
      {
        mode: "kubernetes",
        confirm: "refresh-snapshot",
        wait: true,
        "poll-interval-seconds": 1,
        "mongodb-uri": uri,
        "source-uri": uri,
        "mask-salt": salt,
      },
      {
        PATH: `${kube.dir}:${process.env.PATH}`,
        KUBECONFIG: "/tmp/kubeconfig-for-test",
        AWS_REGION: "eu-west-2",
        AWS_WEB_IDENTITY_TOKEN_FILE: "/tmp/token",
        GOOGLE_APPLICATION_CREDENTIALS: "/tmp/gcp.json",
        HTTPS_PROXY: "http://proxy.internal:3128",
        MY_PLUGIN_SETTING: "passed because it is listed",
        PR_SNAPSHOTS_KUBECTL_ENV: "MY_PLUGIN_SETTING, INPUT_MONGODB-URI",
        PR_SNAPSHOTS_MASK_SALT: salt,
        ACTIONS_RUNTIME_TOKEN: "runtime-token-value",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-request-token-value",
        GITHUB_TOKEN: gh.defaultToken,
      },
    );
    expect(r.code, r.stdout).toBe(0);
    const seen = new Map(kube.environment());
    expect([...seen.keys()].sort()).toEqual(
      [
        "AWS_REGION",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "HOME",
        "HTTPS_PROXY",
        "KUBECONFIG",
        "MY_PLUGIN_SETTING",
        "PATH",
        // Set by the shell that runs the fake kubectl script, not passed by the action.
        "PWD",
        "SHLVL",
        "_",
      ].sort(),
    );
    expect(seen.get("KUBECONFIG")).toBe("/tmp/kubeconfig-for-test");
    const everything = kube.environment().flat().join("\n");
    for (const secret of [uri, salt, gh.defaultToken, "runtime-token-value", "oidc-request-token-value"])
      expect(everything).not.toContain(secret);
    expect(r.warnings.join("\n")).toMatch(
      /PR_SNAPSHOTS_KUBECTL_ENV lists INPUT_MONGODB-URI: .* never passed to kubectl/,
    );
  });

  it("kubernetes mode reports a failed job with its last log lines, and a missing cronjob clearly", async () => {
    const failing = fakeKubectl({ pollsUntilDone: 1, outcome: "Failed" });
    const r = await trigger(
      { mode: "kubernetes", wait: true, "poll-interval-seconds": 1 },
      { PATH: `${failing.dir}:${process.env.PATH}` },
    );
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(
      /Job snapshot-producer-manual-\S+ failed in namespace default[\s\S]*not authorized[\s\S]*previous snapshot is still in use/,
    );
    expect(r.outputs["job-name"]).toMatch(/^snapshot-producer-manual-/);
    const missing = fakeKubectl({ pollsUntilDone: 1, outcome: "Complete", failCreate: true });
    const m = await trigger(
      { mode: "kubernetes", cronjob: "nope" },
      { PATH: `${missing.dir}:${process.env.PATH}` },
    );
    expect(m.code).toBe(1);
    expect(m.errors.join("\n")).toMatch(/could not create job .* from cronjob\/nope/);
  });

  it("rejects invalid Kubernetes names before running kubectl", async () => {
    const kube = fakeKubectl({ pollsUntilDone: 1, outcome: "Complete" });
    const r = await trigger(
      { mode: "kubernetes", cronjob: "Snapshot_Producer; rm -rf /" },
      { PATH: `${kube.dir}:${process.env.PATH}` },
    );
    expect(r.code).toBe(1);
    expect(r.errors.join("\n")).toMatch(/is not a valid Kubernetes name/);
    expect(kube.calls()).toBe("");
  });
});

describe("trigger-producer with the producer user of the original permission model (--auth)", () => {
  const server = authServerForSuite();

  it("succeeds with read on production and readWrite+dbAdmin on the snapshot; production's dbHash is unchanged", async () => {
    await seedProduction(server.admin, "app_prod", { scale: 2 });
    const before = await dbHash(server.admin, "app_prod");
    const producerUri = await server.mongo.createUser({
      user: "snapshot-producer",
      pwd: "pr0ducer-pw",
      roles: producerRoles("app_prod", "app_snapshot"),
    });
    const r = await trigger({
      "mongodb-uri": producerUri,
      "db-prefix": "app",
      "source-database": "app_prod",
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/snapshot-producer@admin cannot write any protected database/);
    expect(r.stdout.replace(/::add-mask::.*/g, "")).not.toContain("pr0ducer-pw");
    expect(await dbHash(server.admin, "app_prod")).toEqual(before);
    const meta = await readSnapshotMetadata(server.admin.db("app_snapshot"));
    expect(meta?.collections.sort()).toEqual([...SAMPLE_COLLECTIONS].sort());

    const root = await trigger({
      "mongodb-uri": server.mongo.uri,
      "db-prefix": "app",
      "source-database": "app_prod",
    });
    expect(root.code).toBe(1);
    expect(root.errors.join("\n")).toMatch(/can write every database/);
    expect(await dbHash(server.admin, "app_prod")).toEqual(before);
  });
});

import * as github from "@actions/github";
import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { loadConfig } from "@pr-snapshots/core/config";
import { PULL_REQUEST_EVENTS } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/client";
import { assertPrNumber } from "@pr-snapshots/core/names";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { readRestoreSettings } from "@pr-snapshots/core/snapshot/settings";
import { type Inputs, run } from "./run";

enableCompileCache();

function parseInputs(): Inputs {
  const inputs = new InputReader(actionInputs);
  const uri = inputs.required("mongodb-uri", "Pass the PR database's connection string from a secret.");
  maskConnectionString(uri, actionsLog);
  const { config } = loadConfig(inputs.optional("config"));
  const common = readCommonInputs(inputs, config);
  const prNumber = readPrNumber(inputs);
  return {
    ...common,
    ...readRestoreSettings(inputs, common, prNumber),
    uri,
    prNumber,
    comment: inputs.boolean("comment", true),
    repo: github.context.repo,
    apiUrl: github.context.apiUrl,
    runKey: Number.isFinite(github.context.runId) ? String(github.context.runId) : undefined,
    rerun: github.context.runAttempt > 1,
  };
}

function readPrNumber(inputs: InputReader): number | undefined {
  const given = inputs.integer("pr-number", { min: 1 });
  if (given !== undefined) return given;
  if (!(PULL_REQUEST_EVENTS as readonly string[]).includes(github.context.eventName)) return undefined;
  const pr = github.context.payload.pull_request as { number?: unknown } | undefined;
  return pr ? assertPrNumber(pr.number, "pull_request.number in the event payload") : undefined;
}

void runMain(parseInputs, (inputs) => run(inputs));

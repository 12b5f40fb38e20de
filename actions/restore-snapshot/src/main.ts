import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { type RunContext, readRunContext } from "@pr-snapshots/core/github/context";
import { PULL_REQUEST_EVENTS } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { assertPrNumber } from "@pr-snapshots/core/names";
import { readRestoreSettings } from "@pr-snapshots/core/snapshot/settings";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";
import { type Inputs, run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  const inputs = new InputReader(actionInputs);
  const uri = inputs.required("mongodb-uri", "Pass the PR database's connection string from a secret.");
  maskConnectionString(uri, actionsLog);
  const common = await readActionCommonInputs(inputs, context, {
    action: "restore-snapshot",
    whenUnreadable: "use-inputs",
    log: actionsLog,
  });
  const prNumber = readPrNumber(inputs, context);
  return {
    ...common,
    ...readRestoreSettings(inputs, common, prNumber),
    uri,
    prNumber,
    comment: inputs.boolean("comment", true),
    repo: context.repo,
    apiUrl: context.apiUrl,
    runKey: Number.isFinite(context.runId) ? String(context.runId) : undefined,
    rerun: context.runAttempt > 1,
  };
}

function readPrNumber(inputs: InputReader, context: RunContext): number | undefined {
  const given = inputs.integer("pr-number", { min: 1 });
  if (given !== undefined) return given;
  if (!(PULL_REQUEST_EVENTS as readonly string[]).includes(context.eventName)) return undefined;
  const pr = context.payload.pull_request as { number?: unknown } | undefined;
  return pr ? assertPrNumber(pr.number, "pull_request.number in the event payload") : undefined;
}

void runMain(parseInputs, (inputs) => run(inputs));

import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { UserError } from "@pr-snapshots/core/errors";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { maskConnectionString } from "@pr-snapshots/core/mongo/connection-string";
import { readSweepSettings } from "@pr-snapshots/core/sweep/settings";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";
import { type Inputs, run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  const inputs = new InputReader(actionInputs);
  const uri = inputs.required("mongodb-uri", "Pass the sweeper's connection string from a secret.");
  maskConnectionString(uri, actionsLog);
  // Fails closed: the config file names the lock label and the protected databases.
  const common = await readActionCommonInputs(inputs, context, {
    action: "sweep-databases",
    whenUnreadable: "fail",
    log: actionsLog,
  });
  const settings = readSweepSettings(inputs, common);
  if (!common.token)
    throw new UserError(
      'Input "github-token" is required: the sweep reads the state and labels of every pull request before it drops anything.',
    );
  if (!context.repo)
    throw new UserError(
      "GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow, or set it to owner/name.",
    );
  return {
    ...common,
    settings,
    uri,
    repo: context.repo,
    apiUrl: context.apiUrl,
    ...(Number.isFinite(context.runId) && context.runId > 0 ? { runKey: String(context.runId) } : {}),
    rerun: context.runAttempt > 1,
  };
}

void runMain(parseInputs, (inputs) => run(inputs));

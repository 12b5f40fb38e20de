import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { parsePullRequestEvent } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { assertDatabaseName } from "@pr-snapshots/core/names";
import { readActionCommonInputs } from "@pr-snapshots/core/trusted-config";
import { type Inputs, run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  const inputs = new InputReader(actionInputs);
  const event = parsePullRequestEvent(context.eventName, context.payload);
  const database = inputs.optional("database");
  const checked = database === undefined ? undefined : assertDatabaseName(database, 'Input "database"');
  // The first step of the job: it fetches the trusted config and keeps it for the later steps.
  const common = await readActionCommonInputs(inputs, context, {
    action: "detect-labels",
    whenUnreadable: "use-inputs",
    cache: true,
    log: actionsLog,
  });
  return { ...common, database: checked, event, apiUrl: context.apiUrl };
}

void runMain(parseInputs, (inputs) => run(inputs));

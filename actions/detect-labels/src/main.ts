import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { loadConfig } from "@pr-snapshots/core/config";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { parsePullRequestEvent } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { assertDatabaseName } from "@pr-snapshots/core/names";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { type Inputs, run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  const inputs = new InputReader(actionInputs);
  const { config } = await loadConfig(inputs.optional("config"));
  const database = inputs.optional("database");
  return {
    ...readCommonInputs(inputs, config),
    database: database === undefined ? undefined : assertDatabaseName(database, 'Input "database"'),
    event: parsePullRequestEvent(context.eventName, context.payload),
    apiUrl: context.apiUrl,
  };
}

void runMain(parseInputs, (inputs) => run(inputs));

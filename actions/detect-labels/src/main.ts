import * as github from "@actions/github";
import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { loadConfig } from "@pr-snapshots/core/config";
import { parsePullRequestEvent } from "@pr-snapshots/core/github/event";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { assertDatabaseName } from "@pr-snapshots/core/names";
import { readCommonInputs } from "@pr-snapshots/core/settings";
import { type Inputs, run } from "./run";

enableCompileCache();

function parseInputs(): Inputs {
  const inputs = new InputReader(actionInputs);
  const { config } = loadConfig(inputs.optional("config"));
  const database = inputs.optional("database");
  return {
    ...readCommonInputs(inputs, config),
    database: database === undefined ? undefined : assertDatabaseName(database, 'Input "database"'),
    event: parsePullRequestEvent(github.context.eventName, github.context.payload),
    apiUrl: github.context.apiUrl,
  };
}

void runMain(parseInputs, (inputs) => run(inputs));

import * as github from "@actions/github";
import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { type Inputs, readInputs } from "./inputs";
import { run } from "./run";

enableCompileCache();

function parseInputs(): Inputs {
  return readInputs(
    new InputReader(actionInputs),
    {
      eventName: github.context.eventName,
      payload: github.context.payload,
      apiUrl: github.context.apiUrl,
      runId: github.context.runId,
      runAttempt: github.context.runAttempt,
    },
    actionsLog,
  );
}

void runMain(parseInputs, (inputs) => run(inputs));

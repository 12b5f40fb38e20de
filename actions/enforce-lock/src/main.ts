import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { type Inputs, readInputs } from "./inputs";
import { run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  const context = readRunContext();
  return readInputs(
    new InputReader(actionInputs),
    {
      eventName: context.eventName,
      payload: context.payload,
      apiUrl: context.apiUrl,
      runId: context.runId,
      runAttempt: context.runAttempt,
    },
    actionsLog,
  );
}

void runMain(parseInputs, (inputs) => run(inputs));

import { enableCompileCache, runMain } from "@pr-snapshots/core/action";
import { readRunContext } from "@pr-snapshots/core/github/context";
import { actionInputs, InputReader } from "@pr-snapshots/core/inputs";
import { actionsLog } from "@pr-snapshots/core/log";
import { type Inputs, readInputs } from "./inputs";
import { run } from "./run";

enableCompileCache();

async function parseInputs(): Promise<Inputs> {
  return readInputs(new InputReader(actionInputs), readRunContext(), actionsLog);
}

void runMain(parseInputs, (inputs) => run(inputs));

import { CONFIG_OPTIONS, type Command, PR_TARGET_OPTIONS } from "../command";
import { runOnPrDatabase } from "./pr-database";

export const reset: Command = {
  name: "reset",
  summary:
    "drop a PR database so that the application seeds fresh data (the PreSync Job without use-snapshot)",
  options: [...CONFIG_OPTIONS, ...PR_TARGET_OPTIONS],
  run: (ctx) => runOnPrDatabase(ctx, "reset"),
};

import { CONFIG_OPTIONS, type Command, PR_TARGET_OPTIONS } from "../command";
import { runOnPrDatabase } from "./pr-database";

export const drop: Command = {
  name: "drop",
  summary: "delete a PR database for good (the Argo CD PreDelete Job)",
  options: [...CONFIG_OPTIONS, ...PR_TARGET_OPTIONS],
  run: (ctx) => runOnPrDatabase(ctx, "drop"),
};

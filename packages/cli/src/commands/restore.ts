import { CONFIG_OPTIONS, COPY_OPTIONS, type Command, PR_TARGET_OPTIONS } from "../command";
import { runOnPrDatabase } from "./pr-database";

export const restore: Command = {
  name: "restore",
  summary: "replace a PR database with a copy of the latest complete snapshot (the Argo CD PreSync Job)",
  options: [
    ...CONFIG_OPTIONS,
    ...PR_TARGET_OPTIONS,
    ...COPY_OPTIONS,
    { name: "poll-interval-seconds", text: "how often to look while waiting (default 30)" },
    {
      name: "refresh",
      text: "every-sync (default: keep collections proven identical, copy the rest), new-snapshot (also skip while the database holds the latest snapshot) or full (drop and copy everything)",
    },
  ],
  run: (ctx) => runOnPrDatabase(ctx, "restore"),
};

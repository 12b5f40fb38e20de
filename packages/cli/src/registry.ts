import type { Command } from "./command";
import { drop } from "./commands/drop";
import { produce } from "./commands/produce";
import { reset } from "./commands/reset";
import { restore } from "./commands/restore";
import { scan } from "./commands/scan";
import { sweep } from "./commands/sweep";

/** Every command, in the order `--help` lists them. A new command is a module in commands/ and a line here. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [produce, restore, reset, drop, scan, sweep].map((c) => [c.name, c]),
);

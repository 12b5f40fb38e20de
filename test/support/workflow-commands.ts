/**
 * The runner's reading of a step's output, as actions/runner does it
 * (src/Runner.Common/ActionCommand.cs, src/Runner.Worker/ActionCommandManager.cs): every line
 * (StreamReader.ReadLine: split at \r\n, \r and \n) is tried as a `::name props::data` command
 * after its leading white space is trimmed, then as a legacy `##[name props]data` command found
 * anywhere in the line. Only registered command names count.
 */
export const RUNNER_COMMANDS = new Set([
  "internal-set-repo-path",
  "set-env",
  "set-output",
  "save-state",
  "add-mask",
  "add-path",
  "add-matcher",
  "remove-matcher",
  "debug",
  "warning",
  "error",
  "notice",
  "group",
  "endgroup",
  "echo",
]);

export interface ParsedCommand {
  command: string;
  data: string;
  line: string;
}

export function runnerLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/);
}

export function parseRunnerCommands(output: string): ParsedCommand[] {
  const found: ParsedCommand[] = [];
  for (const line of runnerLines(output)) {
    const parsed = parseV2(line) ?? parseV1(line);
    if (parsed) found.push({ ...parsed, line });
  }
  return found;
}

function parseV2(line: string): { command: string; data: string } | undefined {
  // .NET's TrimStart trims Unicode white space; JavaScript's trimStart is the same set plus U+FEFF.
  const message = line.trimStart();
  if (!message.startsWith("::")) return undefined;
  const end = message.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(" ");
  const command = space < 0 ? info : info.slice(0, space);
  if (!RUNNER_COMMANDS.has(command)) return undefined;
  return { command, data: unescapeData(message.slice(end + 2)) };
}

function parseV1(line: string): { command: string; data: string } | undefined {
  const prefix = line.indexOf("##[");
  if (prefix < 0) return undefined;
  const rb = line.indexOf("]", prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const space = info.indexOf(" ");
  const command = space < 0 ? info : info.slice(0, space);
  if (!RUNNER_COMMANDS.has(command)) return undefined;
  return { command, data: line.slice(rb + 1) };
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
}

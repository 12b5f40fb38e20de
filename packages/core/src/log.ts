import * as core from "@actions/core";

/**
 * Where library code reports progress. Actions use {@link actionsLog}; the command line
 * and the demo use {@link consoleLog}, which redacts secrets itself because printing
 * `::add-mask::` outside GitHub Actions would reveal the very value it hides.
 */
export interface Log {
  info(message: string): void;
  /** Something the reader should see without it being wrong (a notice annotation in Actions). */
  notice(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Registers a value that must never appear in any output. */
  secret(value: string): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Every message of every {@link Log} passes through here. Messages carry text that others
 * control: collection and field names, lease owners, labels, values read from a pull request's
 * database (which its preview application can write). The runner reads each line of a step's
 * output as a possible workflow command: `::name::` at the start of a line (after white space),
 * and the legacy `##[name]` anywhere in it (actions/runner, ActionCommand.TryParseV2 and
 * TryParse). So a message is always exactly one line, and nothing in it can open a command:
 *
 * - line breaks (`\r`, `\n`, and U+0085, U+2028, U+2029) and other control characters
 *   (including ESC, which drives terminal colours and cursor movement) are shown as escapes
 *   (`\n`, `\u001b`), so a name cannot forge a line of its own;
 * - a leading `::` becomes `\::`, and `##[` becomes `##\[`.
 *
 * Text that is several lines on purpose is logged a line at a time ({@link logLines}).
 */
export function escapeLogMessage(message: string): string {
  return message
    .replace(/\r/g, "\\r")
    .replace(/\n/g, "\\n")
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/^(\s*)::/, "$1\\::")
    .replace(/##\[/g, "##\\[");
}

/** Multi-line text (a table, a comment's body), one escaped line per message. */
export function logLines(log: Pick<Log, "info">, text: string): void {
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) log.info(line);
}

/**
 * Multi-line text written straight to stdout (the command line's reports): each line escaped as
 * {@link escapeLogMessage} escapes a message, the line structure kept.
 */
export function escapeLogText(text: string): string {
  return text.replace(/\r\n/g, "\n").split("\n").map(escapeLogMessage).join("\n");
}

/** JSON on one line, with `##[` spelled as the equivalent JSON escape so the runner never sees it. */
export function escapeJsonLine(json: string): string {
  return json.replace(/##\[/g, "##\\u005b");
}

export const actionsLog: Log = {
  info: (m) => core.info(escapeLogMessage(m)),
  notice: (m) => core.notice(escapeLogMessage(m)),
  warning: (m) => core.warning(escapeLogMessage(m)),
  error: (m) => core.error(escapeLogMessage(m)),
  debug: (m) => core.debug(escapeLogMessage(m)),
  group: (name, fn) => core.group(escapeLogMessage(name), fn),
  secret: (v) => {
    core.setSecret(v);
    // The runner masks what is printed; a secret with a character the escaping rewrites is
    // printed rewritten, so that spelling is masked too.
    const shown = escapeLogMessage(v);
    if (shown !== v) core.setSecret(shown);
  },
};

export interface ConsoleLogOptions {
  write?: (line: string) => void;
  debug?: boolean;
  prefix?: string;
}

export function consoleLog(options: ConsoleLogOptions = {}): Log & { redact(text: string): string } {
  const secrets = new Set<string>();
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prefix = options.prefix ?? "";
  const redact = (text: string) => {
    let out = text;
    // Longest first so that a password inside a registered URI does not leave the URI half-masked.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
    return out;
  };
  // Redacted before it is escaped: a secret is registered as it is, not as it would be shown.
  const emit = (level: string, m: string) => write(escapeLogMessage(redact(`${prefix}${level}${m}`)));
  return {
    redact,
    info: (m) => emit("", m),
    notice: (m) => emit("notice: ", m),
    warning: (m) => emit("warning: ", m),
    error: (m) => emit("error: ", m),
    debug: (m) => {
      if (options.debug) emit("debug: ", m);
    },
    async group(name, fn) {
      emit("", `▸ ${name}`);
      return fn();
    },
    secret(value) {
      if (value.length >= 3) secrets.add(value);
    },
  };
}

export const silentLog: Log = {
  info() {},
  notice() {},
  warning() {},
  error() {},
  debug() {},
  group: (_name, fn) => fn(),
  secret() {},
};

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

export const actionsLog: Log = {
  info: (m) => core.info(m),
  notice: (m) => core.notice(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (name, fn) => core.group(name, fn),
  secret: (v) => core.setSecret(v),
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
  const emit = (level: string, m: string) => write(redact(`${prefix}${level}${m}`));
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

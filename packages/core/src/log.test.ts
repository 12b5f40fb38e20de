import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseRunnerCommands, runnerLines } from "../../../test/support/workflow-commands";
import { actionsLog, consoleLog, escapeJsonLine, escapeLogMessage, escapeLogText, logLines } from "./log";

/** What the runner sees of everything written to stdout while `fn` runs. */
function stdoutOf(fn: () => void): string {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return written.join("");
}

const HOSTILE = [
  "x\n::warning title=pwned::a forged warning",
  "x\r::error::a forged error after a carriage return",
  "::add-mask::hide-the-next-line",
  "   \t::set-output name=db-action::drop",
  "\u00a0::notice::after a no-break space",
  "ok ##[error]the legacy syntax, anywhere in a line",
  "x\r\n##[group]legacy group",
  "\u2028::warning::after U+2028",
  "\u001b[2K\u001b[1Grewritten line",
  "::stop-commands::token",
];

// Text a pull request's database or a label can hold, biased towards what makes commands.
const piece = fc.constantFrom(
  "::warning::",
  "##[error]",
  "::add-mask::",
  "::",
  "##[",
  "\n",
  "\r",
  "\r\n",
  " ",
  "\t",
  "\u00a0",
  "\u2028",
  "\u0085",
  "%0A",
  "warning",
  "error",
  "add-mask",
  "]",
  ":",
);
const hostileText = fc
  .array(fc.oneof(piece, fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 12 })
  .map((parts) => parts.join(""));

describe("the one escape every log message goes through", () => {
  it("makes each hostile example one line that is no workflow command", () => {
    for (const text of HOSTILE) {
      const shown = escapeLogMessage(text);
      expect(runnerLines(shown)).toHaveLength(1);
      expect(parseRunnerCommands(shown), JSON.stringify(text)).toEqual([]);
    }
    expect(escapeLogMessage("a\nb")).toBe("a\\nb");
    expect(escapeLogMessage("::warning::x")).toBe("\\::warning::x");
    expect(escapeLogMessage("a ##[error]b")).toBe("a ##\\[error]b");
    expect(escapeLogMessage("\u001b[31mred")).toBe("\\u001b[31mred");
    // Ordinary messages are untouched.
    for (const plain of [
      "Restored shop_pr_7: 12 collections, 3.2 MB in 1.4s.",
      "a: b :: c",
      "tab\there",
      "✓ pmStudy",
    ])
      expect(escapeLogMessage(plain)).toBe(plain);
  });

  it("property: any text, any level, through actionsLog: one line each, and only the level's own command", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const info = stdoutOf(() => actionsLog.info(text));
        expect(runnerLines(info.replace(/\n$/, ""))).toHaveLength(1);
        expect(parseRunnerCommands(info)).toEqual([]);
        for (const level of ["warning", "error", "notice"] as const) {
          const out = stdoutOf(() => actionsLog[level](text));
          const commands = parseRunnerCommands(out);
          expect(commands.map((c) => c.command)).toEqual([level]);
          // The annotation holds the message as escaped: one line, no line break of its own.
          expect(commands[0]?.data).toBe(escapeLogMessage(text));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("property: the console log (command line, Kubernetes Jobs run in workflow steps) too", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const lines: string[] = [];
        const log = consoleLog({ write: (l) => lines.push(l) });
        log.info(text);
        log.warning(text);
        void log.group(text, async () => undefined);
        expect(lines).toHaveLength(3);
        for (const line of lines) {
          expect(runnerLines(line)).toHaveLength(1);
          expect(parseRunnerCommands(line)).toEqual([]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("multi-line text keeps its lines, and none of them is a command", () => {
    const text = "| collection | field |\n| x | y\n::warning::z |\n##[error]w";
    expect(escapeLogText(text).split("\n")).toHaveLength(4);
    expect(parseRunnerCommands(escapeLogText(text))).toEqual([]);
    const lines: string[] = [];
    logLines({ info: (l) => lines.push(escapeLogMessage(l)) }, text);
    expect(lines).toHaveLength(4);
    expect(parseRunnerCommands(lines.join("\n"))).toEqual([]);
    const json = escapeJsonLine(JSON.stringify({ field: "##[error]x", other: "::warning::y\n" }));
    expect(parseRunnerCommands(json)).toEqual([]);
    expect(JSON.parse(json)).toEqual({ field: "##[error]x", other: "::warning::y\n" });
  });
});

describe("secrets stay masked when escaping rewrites them", () => {
  let out = "";
  beforeEach(() => {
    out = "";
  });
  afterEach(() => vi.restoreAllMocks());

  it("actionsLog registers the escaped spelling as well", () => {
    out = stdoutOf(() => actionsLog.secret("line1\nline2-secret"));
    const masks = parseRunnerCommands(out)
      .filter((c) => c.command === "add-mask")
      .map((c) => c.data);
    expect(masks).toEqual(["line1\nline2-secret", "line1\\nline2-secret"]);
  });

  it("the console log redacts before it escapes", () => {
    const lines: string[] = [];
    const log = consoleLog({ write: (l) => lines.push(l) });
    log.secret("s3cr\net-value");
    log.info("uri with s3cr\net-value inside");
    expect(lines).toEqual(["uri with *** inside"]);
  });
});

import module from "node:module";
import * as core from "@actions/core";
import type { ConfigSource } from "./config";
import { UserError } from "./errors";

export type OutputValue = string | number | boolean;

export interface ActionResult<O extends Record<string, OutputValue>> {
  outputs: O;
  /** Markdown appended to the job summary. */
  summary?: string;
}

/** What runMain needs from an action's inputs: which config file was read, for the job summary. */
export interface MainInputs {
  configSource?: ConfigSource;
}

/**
 * The body of every action's main.ts: parse inputs, run, publish outputs and the summary,
 * and turn errors into a failed step. User errors are printed without a stack trace.
 */
export async function runMain<I extends MainInputs, O extends Record<string, OutputValue>>(
  parse: () => I | Promise<I>,
  run: (inputs: I) => Promise<ActionResult<O>>,
): Promise<void> {
  await runAndReport(parse, run);
  // Node's fetch keeps the process alive for a while after the last request; the step is done,
  // so leave as soon as everything written has reached stdout and stderr.
  await flush(process.stdout);
  await flush(process.stderr);
  process.exit();
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.writable) resolve();
    else stream.write("", () => resolve());
  });
}

async function runAndReport<I extends MainInputs, O extends Record<string, OutputValue>>(
  parse: () => I | Promise<I>,
  run: (inputs: I) => Promise<ActionResult<O>>,
): Promise<void> {
  // Every summary says which config file decided it, as the log does.
  let configLine: string | undefined;
  try {
    const inputs = await parse();
    configLine = inputs.configSource?.line;
    const result = await run(inputs);
    await publish(result, configLine);
  } catch (error) {
    const partial = (error as { result?: ActionResult<Record<string, OutputValue>> }).result;
    if (partial) await publish(partial, configLine);
    if (error instanceof UserError) {
      core.setFailed(error.message);
    } else {
      core.setFailed(error instanceof Error ? error.message : String(error));
      if (error instanceof Error && error.stack) core.debug(error.stack);
    }
  }
}

async function publish(
  result: ActionResult<Record<string, OutputValue>>,
  configLine?: string,
): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  const summary = withConfigLine(result.summary?.trimEnd(), configLine);
  if (summary && process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(summary, true)
      .write()
      .catch((e: unknown) => core.warning(`Could not write the job summary: ${String(e)}`));
  }
}

/**
 * The config line goes right under the summary's heading: the end of a restore's or producer's
 * summary is its per-collection table and timeline, which people scroll to.
 */
export function withConfigLine(summary: string | undefined, configLine: string | undefined): string {
  if (!configLine) return summary ?? "";
  if (!summary) return configLine;
  const [first = "", ...rest] = summary.split("\n");
  if (!first.startsWith("#")) return `${configLine}\n\n${summary}`;
  return [first, "", configLine, ...(rest.length ? ["", ...rest] : [])].join("\n").replace(/\n{3,}/g, "\n\n");
}

/** Node 22.1+ caches compiled bundles between runs of the same action on a runner. */
export function enableCompileCache(): void {
  const m = module as { enableCompileCache?: () => unknown };
  try {
    m.enableCompileCache?.();
  } catch {
    // optional speed-up only
  }
}

/** An error that carries what was already done, so a failed step still reports its outputs. */
export class PartialFailure<O extends Record<string, OutputValue>> extends Error {
  override name = "PartialFailure";
  constructor(
    message: string,
    readonly result: ActionResult<O>,
  ) {
    super(message);
  }
}

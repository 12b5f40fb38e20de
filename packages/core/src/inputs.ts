import * as core from "@actions/core";
import { UserError } from "./errors";

/** Reads the raw value of an input; empty string when not given. */
export type InputSource = (name: string) => string;

export const actionInputs: InputSource = (name) => core.getInput(name, { trimWhitespace: true });

/** Inputs from a plain object (tests, the command line). */
export function inputsFrom(values: Record<string, string | number | boolean | undefined>): InputSource {
  return (name) => {
    const v = values[name];
    return v === undefined ? "" : String(v).trim();
  };
}

export interface IntegerOptions {
  min?: number;
  max?: number;
}

/** Typed readers over an {@link InputSource}; every error names the input and the accepted values. */
export class InputReader {
  constructor(private readonly source: InputSource) {}

  raw(name: string): string {
    return this.source(name).trim();
  }

  optional(name: string): string | undefined {
    const v = this.raw(name);
    return v === "" ? undefined : v;
  }

  required(name: string, hint?: string): string {
    const v = this.optional(name);
    if (v === undefined) {
      throw new UserError(`Input "${name}" is required but was not given.${hint ? ` ${hint}` : ""}`);
    }
    return v;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw new UserError(`Input "${name}" must be "true" or "false", got "${v}".`);
  }

  optionalBoolean(name: string): boolean | undefined {
    return this.optional(name) === undefined ? undefined : this.boolean(name, false);
  }

  enumeration<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.optional(name);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new UserError(`Input "${name}" is required: one of ${allowed.map((a) => `"${a}"`).join(", ")}.`);
    }
    if (!(allowed as readonly string[]).includes(v)) {
      throw new UserError(
        `Input "${name}" must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${v}".`,
      );
    }
    return v as T;
  }

  integer(name: string, options: IntegerOptions = {}): number | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    return parseInteger(v, `Input "${name}"`, options);
  }

  /** A list given one item per line (commas also separate items); blank lines are ignored. */
  list(name: string, { commas = true }: { commas?: boolean } = {}): string[] | undefined {
    const v = this.optional(name);
    if (v === undefined) return undefined;
    return splitList(v, commas);
  }
}

export function splitList(text: string, commas = true): string[] {
  const parts = commas ? text.split(/[\n,]/) : text.split("\n");
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

export function parseInteger(text: string, what: string, { min, max }: IntegerOptions = {}): number {
  const range =
    min !== undefined && max !== undefined
      ? ` between ${min} and ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : "";
  if (!/^-?\d+$/.test(text.trim()))
    throw new UserError(`${what} must be a whole number${range}, got "${text}".`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
    throw new UserError(`${what} must be a whole number${range}, got "${text}".`);
  }
  return n;
}

import { describe, expect, it } from "vitest";
import { InputReader, inputsFrom, splitList } from "./inputs";

const reader = (values: Record<string, string>) => new InputReader(inputsFrom(values));

describe("typed inputs", () => {
  it("required and optional", () => {
    expect(reader({ a: " x " }).required("a")).toBe("x");
    expect(reader({}).optional("a")).toBeUndefined();
    expect(() => reader({}).required("mongodb-uri", "Pass a secret.")).toThrow(
      'Input "mongodb-uri" is required but was not given. Pass a secret.',
    );
  });

  it("booleans accept only true/false", () => {
    expect(reader({ b: "TRUE" }).boolean("b", false)).toBe(true);
    expect(reader({ b: "false" }).boolean("b", true)).toBe(false);
    expect(reader({}).boolean("b", true)).toBe(true);
    expect(() => reader({ b: "yes" }).boolean("b", false)).toThrow(
      'Input "b" must be "true" or "false", got "yes".',
    );
  });

  it("enumerations list the allowed values", () => {
    expect(reader({ mode: "direct" }).enumeration("mode", ["direct", "kubernetes"])).toBe("direct");
    expect(reader({}).enumeration("mode", ["direct", "kubernetes"], "direct")).toBe("direct");
    expect(() => reader({ mode: "k8s" }).enumeration("mode", ["direct", "kubernetes"])).toThrow(
      'Input "mode" must be one of "direct", "kubernetes", got "k8s".',
    );
  });

  it("integers with ranges", () => {
    expect(reader({ n: "30" }).integer("n", { min: 1 })).toBe(30);
    expect(reader({}).integer("n")).toBeUndefined();
    expect(() => reader({ n: "3.5" }).integer("n", { min: 1, max: 10 })).toThrow(
      'must be a whole number between 1 and 10, got "3.5"',
    );
    expect(() => reader({ n: "0" }).integer("n", { min: 1 })).toThrow("of at least 1");
    expect(() => reader({ n: "1e3" }).integer("n")).toThrow("whole number");
  });

  it("lists split on newlines and commas", () => {
    expect(reader({ l: "a\n b,c\n\n" }).list("l")).toEqual(["a", "b", "c"]);
    expect(reader({ l: "^x_{1,2}$\ny" }).list("l", { commas: false })).toEqual(["^x_{1,2}$", "y"]);
    expect(splitList("")).toEqual([]);
  });
});

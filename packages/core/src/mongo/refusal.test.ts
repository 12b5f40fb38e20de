import { MongoNetworkError, MongoServerError } from "mongodb";
import { describe, expect, test } from "vitest";
import { consoleLog } from "../log";
import { bestEffort, isRefusal } from "./refusal";

const server = (code: number, codeName: string, errmsg: string) =>
  new MongoServerError({ ok: 0, code, codeName, errmsg });

describe("isRefusal", () => {
  test("the refusals of managed tiers and least-privilege users", () => {
    expect(
      isRefusal(
        server(
          8000,
          "AtlasError",
          "dbHash is not allowed or the syntax is incorrect, see the Atlas documentation for more information",
        ),
      ),
    ).toBe(true);
    expect(
      isRefusal(server(13, "Unauthorized", "not authorized on admin to execute command { hostInfo: 1 }")),
    ).toBe(true);
    expect(isRefusal(server(59, "CommandNotFound", "no such command: 'dbHash'"))).toBe(true);
    expect(isRefusal(server(40324, "Location40324", "Unrecognized pipeline stage name: '$currentOp'"))).toBe(
      true,
    );
    expect(isRefusal(server(115, "CommandNotSupported", "Feature not supported"))).toBe(true);
    expect(isRefusal(server(8000, "AtlasError", "CMD_NOT_ALLOWED: mapreduce"))).toBe(true);
  });

  test("failures that are not refusals keep failing", () => {
    expect(
      isRefusal(server(8000, "AtlasError", "you are over your space quota, using 513 MB of 512 MB")),
    ).toBe(false);
    expect(isRefusal(server(11600, "InterruptedAtShutdown", "interrupted at shutdown"))).toBe(false);
    expect(isRefusal(server(50, "MaxTimeMSExpired", "operation exceeded time limit"))).toBe(false);
    expect(isRefusal(new MongoNetworkError("connection closed"))).toBe(false);
    expect(isRefusal(new Error("dbHash is not allowed"))).toBe(false);
  });
});

describe("bestEffort", () => {
  test("a refusal gives undefined and one warning per kind; anything else is thrown", async () => {
    const lines: string[] = [];
    const log = consoleLog({ write: (l) => lines.push(l) });
    const refused = () =>
      Promise.reject(server(13, "Unauthorized", "not authorized on admin to execute command"));
    const o = { log, skipped: "the search for leftover copies", cost: "the one-writer lease still applies" };
    expect(await bestEffort(refused, o)).toBeUndefined();
    expect(await bestEffort(refused, o)).toBeUndefined();
    expect(await bestEffort(() => Promise.resolve(7), o)).toBe(7);
    expect(lines).toEqual([
      "warning: This server refused the search for leftover copies (not authorized on admin to execute command): skipped; the one-writer lease still applies.",
    ]);
    await expect(bestEffort(() => Promise.reject(new MongoNetworkError("gone")), o)).rejects.toThrow("gone");
  });

  test("a refusal least-privilege credentials always get is one line of information, not a warning", async () => {
    const lines: string[] = [];
    const log = consoleLog({ write: (l) => lines.push(l) });
    const refused = () => Promise.reject(server(13, "Unauthorized", "not authorized on admin"));
    const o = { log, skipped: "serverStatus", cost: "lag only", expected: true };
    expect(await bestEffort(refused, o)).toBeUndefined();
    expect(await bestEffort(refused, o)).toBeUndefined();
    expect(lines).toEqual([
      "Not available with these credentials: serverStatus (not authorized on admin); lag only.",
    ]);
  });
});

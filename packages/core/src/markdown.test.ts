import { describe, expect, it } from "vitest";
import { formatBytes } from "./markdown";

describe("formatBytes", () => {
  it.each<[number, string]>([
    [0, "0 B"],
    [-5, "0 B"],
    [512, "512 B"],
    [1023, "1023 B"],
    [1024, "1.00 KiB"],
    [1536, "1.50 KiB"],
    [10 * 1024 + 300, "10.3 KiB"],
    [1023.9 * 1024, "1.00 MiB"],
    [150 * 1024 * 1024, "150 MiB"],
    [271_581_184, "259 MiB"],
    [1.5 * 1024 ** 3, "1.50 GiB"],
    [3 * 1024 ** 4, "3.00 TiB"],
  ])("%d bytes reads %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

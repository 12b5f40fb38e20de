import { describe, expect, it } from "vitest";
import { code, formatBytes } from "./markdown";

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

describe("code: inline code stays inline code whatever the text", () => {
  it("a backtick or a line break cannot end the span or the paragraph", () => {
    expect(code("plain_name")).toBe("`plain_name`");
    expect(code("a`b")).toBe("`a'b`");
    const hostile = code("x`\n\n[click](https://evil.example)\r\u001b");
    expect(hostile).toBe("`x'\\n\\n[click](https://evil.example)\\r\\u001b`");
    expect(hostile.split("`")).toHaveLength(3);
    expect(hostile).not.toMatch(/[\r\n]/);
  });
});

import { describe, expect, it } from "vitest";
import { isSaneRequestId, newRequestId, requestIdFrom } from "./request-id.mjs";

describe("requestIdFrom", () => {
  const kept: [string, string][] = [
    ["load balancer uuid", "3f2b8c1e-9a4d-4e6b-8f0a-1c2d3e4f5a6b"],
    ["short hex", "0123abcd"],
    ["dotted trace id", "1-5f84c7a9-abc:def_1.2"],
  ];
  it.each(kept)("keeps a sane incoming id (%s)", (_, id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  const replaced: [string, string | null | undefined][] = [
    ["missing", undefined],
    ["null", null],
    ["empty", ""],
    ["too short", "abc1234"],
    ["too long", "a".repeat(65)],
    ["log injection", 'abc12345"\n{"level":"error"}'],
    ["html", "<script>alert(1)</script>"],
    ["spaces", "abc 12345 678"],
    ["starts with punctuation", "-abc12345"],
    ["non-ASCII", "请求编号12345678"],
  ];
  it.each(replaced)("replaces an unusable incoming id (%s) with a fresh one", (_, id) => {
    const result = requestIdFrom(id);
    expect(result).not.toBe(id);
    expect(result).toMatch(/^[0-9a-f]{16}$/);
  });

  it("makes distinct sane ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isSaneRequestId(id)).toBe(true);
  });
});

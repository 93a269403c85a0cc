import { describe, expect, it } from "vitest";
import { maskName } from "./mask";

describe("maskName", () => {
  it.each([
    ["张三", "张*"],
    ["欧阳娜娜", "欧***"],
    ["John Smith", "J*** S****"],
    ["  Li   Wei ", "L* W**"],
    ["王", "王"],
    ["", ""],
    ["𠀋𠀌", "𠀋*"], // characters outside the BMP are one character, not two
  ])("%j → %j", (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

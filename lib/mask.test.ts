import { describe, expect, it } from "vitest";
import { maskContact, maskName, maskTransactionId } from "./mask";

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

describe("maskTransactionId", () => {
  it.each([
    ["4200001234202611041234567890", "4200…7890"],
    ["UP123456789", "UP12…6789"],
    ["12345678", "…5678"],
    ["1234", "…"],
  ])("%s → %s", (id, masked) => {
    expect(maskTransactionId(id)).toBe(masked);
  });
});

describe("maskContact", () => {
  it.each([
    ["13800138000", "138****8000"],
    ["resident-e2e@example.cn", "r***@example.cn"],
    [" a@b.cn ", "a***@b.cn"],
    ["1234567", "***4567"],
    ["123", "***"],
  ])("%s → %s", (contact, masked) => {
    expect(maskContact(contact)).toBe(masked);
  });
});
